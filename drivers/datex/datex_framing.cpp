#include "drivers/datex/datex_framing.hpp"

namespace vigil::drivers {
namespace {

namespace w = datex_wire;

void put_escaped(std::uint8_t b, std::vector<std::uint8_t>& out) {
  if (b == w::kFlag || b == w::kEscape) {
    out.push_back(w::kEscape);
    out.push_back(static_cast<std::uint8_t>(b & ~w::kBit5));
  } else {
    out.push_back(b);
  }
}

}  // namespace

std::uint8_t datex_checksum(std::span<const std::uint8_t> record) {
  unsigned sum = 0;
  for (const std::uint8_t b : record) sum += b;
  return static_cast<std::uint8_t>(sum & 0xFFu);
}

std::vector<std::uint8_t> datex_frame(std::span<const std::uint8_t> record) {
  std::vector<std::uint8_t> out;
  out.reserve(record.size() + record.size() / 16 + 6);
  out.push_back(w::kFlag);
  for (const std::uint8_t b : record) put_escaped(b, out);
  put_escaped(datex_checksum(record), out);
  out.push_back(w::kFlag);
  return out;
}

DatexDeframer::DatexDeframer()
    : frames_{FlagFraming{
          .name = "datex",
          .start = w::kFlag,
          .end = w::kFlag,
          .escape = w::kEscape,
          .unescape = [](std::uint8_t b) { return static_cast<std::uint8_t>(b | w::kBit5); },
          .max_frame = w::kMaxRecord + 1,
          .too_long = "frame longer than the largest record (1490 bytes) dropped",
          .escaped_end = "frame ends in the middle of an escape (0x7D before the closing flag)",
      }} {}

void DatexDeframer::feed(std::span<const std::uint8_t> bytes, const RecordHandler& on_record,
                         std::vector<std::string>& errors) {
  frames_.feed(
      bytes,
      [&](std::span<const std::uint8_t> frame) -> std::string {
        if (frame.size() < 2) return "frame of 1 byte is too short for a record and its checksum";
        const auto record = frame.first(frame.size() - 1);
        const auto expected = datex_checksum(record);
        if (expected != frame.back())
          return "checksum mismatch in a frame of " + std::to_string(frame.size()) + " bytes (sum " +
                 std::to_string(expected) + ", frame says " + std::to_string(frame.back()) + ")";
        on_record(record);
        return {};
      },
      errors);
}

}  // namespace vigil::drivers
