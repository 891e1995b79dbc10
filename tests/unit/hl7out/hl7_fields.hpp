#pragma once
// Reads an HL7 v2 message back by position for the golden tests: field(i)
// of segment n, counted as the standard counts (MSH-1 is the separator).
#include <sstream>
#include <string>
#include <vector>

namespace vigil::test {

inline std::vector<std::string> split_on(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in{s};
  while (std::getline(in, item, sep)) out.push_back(item);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

// Component n (from 1) of a field, empty when it has fewer.
inline std::string component(const std::string& field, std::size_t n) {
  const auto c = split_on(field, '^');
  return n - 1 < c.size() ? c[n - 1] : std::string{};
}

struct Segment {
  std::vector<std::string> fields;  // fields[0] is the segment id
  std::string operator[](std::size_t i) const {
    // MSH-1 is the field separator itself, so MSH-n is fields[n-1].
    if (!fields.empty() && fields[0] == "MSH") {
      if (i == 1) return "|";
      return i - 1 < fields.size() ? fields[i - 1] : std::string{};
    }
    return i < fields.size() ? fields[i] : std::string{};
  }
};

inline std::vector<Segment> segments(const std::string& message) {
  std::vector<Segment> out;
  for (const auto& line : split_on(message, '\r'))
    if (!line.empty()) out.push_back({split_on(line, '|')});
  return out;
}

}  // namespace vigil::test
