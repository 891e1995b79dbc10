#include "drivers/intellivue/intellivue_framing.hpp"

#include <array>
#include <cstdio>

namespace vigil::drivers {
namespace {

namespace f = intellivue_wire;

// The reflected CRC-16/CCITT tables (polynomial 0x8408), built at compile
// time: kTables[0] is the byte-at-a-time table, kTables[k] the same byte
// followed by k zero bytes, so four bytes are folded in at once (slicing
// by four). The FCS covers every byte of every frame, and a byte at a time
// it was two fifths of decoding an IntelliVue stream: each byte waited for
// the one before.
using CrcTables = std::array<std::array<std::uint16_t, 256>, 4>;
constexpr CrcTables make_tables() {
  CrcTables t{};
  for (unsigned i = 0; i < 256; ++i) {
    unsigned v = i;
    for (int bit = 0; bit < 8; ++bit) v = (v & 1u) != 0 ? (v >> 1) ^ 0x8408u : v >> 1;
    t[0][i] = static_cast<std::uint16_t>(v);
  }
  for (std::size_t k = 1; k < t.size(); ++k)
    for (unsigned i = 0; i < 256; ++i)
      t[k][i] = static_cast<std::uint16_t>((t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFFu]);
  return t;
}
constexpr auto kTables = make_tables();

bool needs_escape(std::uint8_t b) {
  return b == f::kBof || b == f::kEof || b == f::kEscape;
}

void put_escaped(std::uint8_t b, std::vector<std::uint8_t>& out) {
  if (needs_escape(b)) {
    out.push_back(f::kEscape);
    out.push_back(static_cast<std::uint8_t>(b ^ f::kEscapeXor));
  } else {
    out.push_back(b);
  }
}

std::string hex2(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", v & 0xFFu);
  return buf;
}

}  // namespace

std::uint16_t intellivue_fcs_update(std::uint16_t fcs, std::span<const std::uint8_t> bytes) {
  std::size_t i = 0;
  for (; i + 4 <= bytes.size(); i += 4) {
    const unsigned x = fcs ^ (bytes[i] | (unsigned{bytes[i + 1]} << 8));
    fcs = static_cast<std::uint16_t>(kTables[3][x & 0xFFu] ^ kTables[2][x >> 8] ^ kTables[1][bytes[i + 2]] ^
                                     kTables[0][bytes[i + 3]]);
  }
  for (; i < bytes.size(); ++i)
    fcs = static_cast<std::uint16_t>((fcs >> 8) ^ kTables[0][(fcs ^ bytes[i]) & 0xFFu]);
  return fcs;
}

std::uint16_t intellivue_fcs(std::span<const std::uint8_t> bytes) {
  return static_cast<std::uint16_t>(~intellivue_fcs_update(f::kFcsInitial, bytes));
}

std::vector<std::uint8_t> intellivue_frame(std::span<const std::uint8_t> user_data) {
  const auto length = static_cast<std::uint16_t>(user_data.size());
  const std::array<std::uint8_t, f::kHeaderSize> header{f::kProtocolDataExport, f::kMessageAwsData,
                                                        static_cast<std::uint8_t>(length >> 8),
                                                        static_cast<std::uint8_t>(length & 0xFFu)};
  std::uint16_t crc = intellivue_fcs_update(f::kFcsInitial, header);
  crc = intellivue_fcs_update(crc, user_data);
  const auto fcs = static_cast<std::uint16_t>(~crc);

  std::vector<std::uint8_t> out;
  out.reserve(user_data.size() + user_data.size() / 8 + 12);
  out.push_back(f::kBof);
  for (auto b : header) put_escaped(b, out);
  for (auto b : user_data) put_escaped(b, out);
  put_escaped(static_cast<std::uint8_t>(fcs & 0xFFu), out);
  put_escaped(static_cast<std::uint8_t>(fcs >> 8), out);
  out.push_back(f::kEof);
  return out;
}

IntellivueDeframer::IntellivueDeframer()
    : frames_{FlagFraming{
          .name = "intellivue",
          .start = f::kBof,
          .end = f::kEof,
          .escape = f::kEscape,
          .unescape = [](std::uint8_t b) { return static_cast<std::uint8_t>(b ^ f::kEscapeXor); },
          .max_frame = kMaxUserData + f::kHeaderSize + f::kFcsSize,
          .too_long = "frame longer than 8192 bytes of data dropped",
          .escaped_end = "frame aborted by the sender (0x7D 0xC1)",
      }} {}

void IntellivueDeframer::feed(std::span<const std::uint8_t> bytes, const FrameHandler& on_frame,
                              std::vector<std::string>& errors) {
  frames_.feed(
      bytes,
      [&](std::span<const std::uint8_t> frame) -> std::string {
        const std::size_t n = frame.size();
        if (n < f::kHeaderSize + f::kFcsSize)
          return "frame of " + std::to_string(n) + " bytes is too short for a header and an FCS";
        if (intellivue_fcs_update(f::kFcsInitial, frame) != f::kFcsGood)
          return "FCS mismatch in a frame of " + std::to_string(n) + " bytes";
        if (frame[0] != f::kProtocolDataExport || frame[1] != f::kMessageAwsData)
          return "frame header " + hex2(frame[0]) + " " + hex2(frame[1]) +
                 " is not Data Export (0x11) protocol data (0x01)";
        const std::size_t declared = (std::size_t{frame[2]} << 8) | frame[3];
        const std::size_t held = n - f::kHeaderSize - f::kFcsSize;
        if (declared != held)
          return "frame length field says " + std::to_string(declared) + " bytes but the frame holds " +
                 std::to_string(held);
        on_frame(frame.subspan(f::kHeaderSize, held));
        return {};
      },
      errors);
}

}  // namespace vigil::drivers
