#pragma once
// Bytes on a device's wire as the framing and message tests write them: hex
// text as protocol documents and captures print it ("0D EC 05 08"), and
// pieces joined into one stream.
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace vigil::test {

using Bytes = std::vector<std::uint8_t>;

// Every pair of hex digits is a byte; anything else (spaces, line breaks) is passed over.
inline Bytes hex(std::string_view text) {
  Bytes out;
  unsigned v = 0;
  int digits = 0;
  for (char c : text) {
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                         : -1;
    if (d < 0) continue;
    v = v * 16 + static_cast<unsigned>(d);
    if (++digits == 2) {
      out.push_back(static_cast<std::uint8_t>(v));
      v = 0;
      digits = 0;
    }
  }
  return out;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace vigil::test
