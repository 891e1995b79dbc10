// Fuzzes the Nonin format 2, 7 and 8 decoders. Byte 0 picks the format, byte 1
// a chunk size; the rest is the stream. Besides "no crash, no hang", it checks
// that the output does not depend on how the stream is chunked, that every
// reading is in range or marked invalid, and that a Nonin session never sends.
#include <cstddef>
#include <cstdint>
#include <span>

#include "drivers/nonin/nonin_codec.hpp"
#include "fuzz/decode_output_checks.hpp"

namespace {
using vigil::drivers::DecodeOutput;

bool plausible(const vigil::core::Reading& r) {
  using vigil::core::Metric;
  using vigil::core::QualityFlag;
  if (!r.value) return r.quality.has(QualityFlag::invalid);
  const double v = *r.value;
  if (r.metric == Metric::spo2) return v >= 0 && v <= 100;
  if (r.metric == Metric::pulse_rate) return v >= 0 && v <= 321;
  return false;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::drivers;
  if (size < 2) return 0;
  constexpr NoninFormat kFormats[] = {NoninFormat::df2, NoninFormat::df7, NoninFormat::df8};
  const NoninFormat format = kFormats[data[0] % 3];
  const std::size_t chunk = 1 + data[1] % 64;
  const std::span<const std::uint8_t> stream(data + 2, size - 2);

  const auto whole = make_nonin_session(format);
  const auto chunked = make_nonin_session(format);
  DecodeOutput a, b, part;
  whole->on_open(a);
  whole->on_bytes(stream, a);
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    part.clear();
    chunked->on_bytes(stream.subspan(at, std::min(chunk, stream.size() - at)), part);
    vigil::fuzz::append_output(b, part);
  }
  const auto& s = whole->stats();
  const auto& t = chunked->stats();
  if (!vigil::fuzz::same_output(a, b)) __builtin_trap();
  if (s.bytes != stream.size() || !vigil::fuzz::same_counts(s, t)) __builtin_trap();
  if (!a.to_send.empty() || s.resyncs > s.bytes || a.readings.size() > s.bytes) __builtin_trap();
  for (const auto& r : a.readings)
    if (!plausible(r)) __builtin_trap();
  return 0;
}
