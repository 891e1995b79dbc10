#include "hl7out/ack_parser.hpp"

#include <vector>

namespace vigil::hl7out {
namespace {
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

std::string_view first_component(std::string_view field, char component_sep) {
  return field.substr(0, field.find(component_sep));
}
}  // namespace

std::optional<Ack> parse_ack(std::string_view message) {
  // MSH|^~\&|...: the field separator is the 4th character and the
  // component separator the 5th, whatever the sender chose.
  if (message.size() < 8 || message.substr(0, 3) != "MSH") return std::nullopt;
  const char field_sep = message[3];
  const char component_sep = message[4];
  if (field_sep == '\r' || field_sep == '\n' || component_sep == field_sep) return std::nullopt;
  std::optional<Ack> ack;
  std::string err;
  // Segments end in CR; tolerate LF and CRLF from lenient senders.
  std::size_t start = 0;
  while (start < message.size()) {
    auto end = message.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = message.size();
    const auto segment = message.substr(start, end - start);
    start = end + 1;
    if (segment.size() < 4 || segment[3] != field_sep) continue;
    const auto fields = split(segment, field_sep);
    const auto id = fields[0];
    if (id == "MSA" && !ack) {
      if (fields.size() < 3) return std::nullopt;
      const auto code = first_component(fields[1], component_sep);
      Ack a;
      if (code == "AA")
        a.code = AckCode::AA;
      else if (code == "AE")
        a.code = AckCode::AE;
      else if (code == "AR")
        a.code = AckCode::AR;
      else if (code == "CA")
        a.code = AckCode::CA;
      else if (code == "CE")
        a.code = AckCode::CE;
      else if (code == "CR")
        a.code = AckCode::CR;
      else
        return std::nullopt;
      a.control_id = std::string{first_component(fields[2], component_sep)};
      if (a.control_id.empty()) return std::nullopt;
      if (fields.size() > 3) a.text = std::string{fields[3].substr(0, 200)};
      ack = std::move(a);
    } else if (id == "ERR" && err.empty() && fields.size() > 1) {
      // ERR-8 user message when present, else the whole segment's first field.
      err = std::string{(fields.size() > 8 && !fields[8].empty() ? fields[8] : fields[1]).substr(0, 200)};
    }
  }
  if (ack && ack->text.empty()) ack->text = err;
  return ack;
}

}  // namespace vigil::hl7out
