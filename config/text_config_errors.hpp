#pragma once
// A config file in protobuf's text format, parsed with every problem said
// as "path:line:column: message", one a line: protobuf's own syntax errors
// and a validator's, each placed where the offending field was written, so
// an editor jumps to it. One home for vigild's config and the station's.
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include <string>
#include <vector>

namespace vigil::config {

class TextConfigErrors final : public google::protobuf::io::ErrorCollector {
 public:
  explicit TextConfigErrors(std::string path) : path_{std::move(path)} {}
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override;
  void AddWarning(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override;
  // line and column as protobuf counts them, from zero.
  void add(int line, int column, const std::string& message);
  // At the field `field` of `d` in `tree` (its `index`th element, or -1 for
  // a field not repeated); at the file's start when it was not written.
  void at(const google::protobuf::TextFormat::ParseInfoTree& tree, const google::protobuf::Descriptor* d,
          const char* field, int index, const std::string& message);
  bool empty() const { return errors_.empty(); }
  std::string text() const;  // one a line

 private:
  std::string path_;
  std::vector<std::string> errors_;
};

// Parses `text` into `message`, noting where each field was written in
// `tree`. False when it does not parse; `errors` then says why, at least in
// one line ("not a valid WHAT").
bool parse_text_config(const std::string& text, google::protobuf::Message& message,
                       google::protobuf::TextFormat::ParseInfoTree& tree, TextConfigErrors& errors,
                       const std::string& what);

}  // namespace vigil::config
