#pragma once
// The ids a person gives beds, devices and client keys in vigild's config
// (and the ward files of vigil-sim). They appear in bus topics, journal rows
// and capture files, so they are one word of letters, digits, '-', '_' or '.'.
#include <string_view>

namespace vigil::core {

inline bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

inline bool is_id(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_id_char(c)) return false;
  return true;
}

}  // namespace vigil::core
