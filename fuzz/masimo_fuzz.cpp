// Masimo ASCII 1 decoder under arbitrary bytes: it must not crash or grow
// without bound, must decode identically however the bytes are split, and
// every line it accepts must survive an encode/decode round trip.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "drivers/masimo/masimo_codec.hpp"
#include "fuzz/decode_output_checks.hpp"

namespace {

using namespace vigil::drivers;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

std::string flatten(const DecodeOutput& out) {
  std::string s;
  for (const auto& r : out.readings) {
    s += std::to_string(static_cast<int>(r.metric)) + ":" + (r.value ? std::to_string(*r.value) : "-") + ":" +
         std::to_string(r.quality.bits) + ";";
  }
  for (const auto& e : out.errors) s += e + ";";
  return s;
}

void check_round_trip(std::string_view line) {
  const auto parsed = parse_masimo_line(line);
  if (!parsed.frame) return;
  const auto once = encode_masimo(*parsed.frame);
  check(once.size() >= 2 && once.substr(once.size() - 2) == "\r\n");
  const auto again = parse_masimo_line(std::string_view(once).substr(0, once.size() - 2));
  check(again.frame.has_value());
  check(encode_masimo(*again.frame) == once);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  auto whole = make_masimo_session();
  DecodeOutput all_at_once;
  whole->on_bytes(bytes, all_at_once);
  check(whole->stats().bytes == size);
  check(all_at_once.readings.size() <= 3 * whole->stats().frames_ok);

  auto pieces = make_masimo_session();
  DecodeOutput merged, out;
  const std::size_t step = size == 0 ? 1 : 1 + data[0] % 23;
  for (std::size_t at = 0; at < size; at += step) {
    out.clear();
    pieces->on_bytes(bytes.subspan(at, std::min(step, size - at)), out);
    vigil::fuzz::append_output(merged, out);
  }
  check(flatten(merged) == flatten(all_at_once));
  check(vigil::fuzz::same_counts(pieces->stats(), whole->stats()));

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find_first_of("\r\n", start), text.size());
    check_round_trip(text.substr(start, end - start));
    start = end + 1;
  }
  return 0;
}
