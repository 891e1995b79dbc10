#include "config/text_config_errors.hpp"

namespace vigil::config {
namespace pb = google::protobuf;

void TextConfigErrors::AddError(int line, pb::io::ColumnNumber column, const std::string& message) {
  // protobuf names the token it found; at the end of the file there is none.
  if (message.ends_with("got: ") || message.ends_with("got:"))
    add(line, column, message + " end of file (is a closing '}' missing?)");
  else
    add(line, column, message);
}

void TextConfigErrors::AddWarning(int line, pb::io::ColumnNumber column, const std::string& message) {
  add(line, column, "warning: " + message);
}

void TextConfigErrors::add(int line, int column, const std::string& message) {
  // protobuf counts from zero; editors and people count from one.
  errors_.push_back(path_ + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " +
                    message);
}

void TextConfigErrors::at(const pb::TextFormat::ParseInfoTree& tree, const pb::Descriptor* d,
                          const char* field, int index, const std::string& message) {
  const auto loc = tree.GetLocation(d->FindFieldByName(field), index);
  add(loc.line < 0 ? 0 : loc.line, loc.column < 0 ? 0 : loc.column, message);
}

std::string TextConfigErrors::text() const {
  std::string s;
  for (const auto& e : errors_) s += (s.empty() ? "" : "\n") + e;
  return s;
}

bool parse_text_config(const std::string& text, pb::Message& message, pb::TextFormat::ParseInfoTree& tree,
                       TextConfigErrors& errors, const std::string& what) {
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (parser.ParseFromString(text, &message)) return true;
  if (errors.empty()) errors.add(0, 0, "not a valid " + what);
  return false;
}

}  // namespace vigil::config
