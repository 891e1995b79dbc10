// Fuzzes the Contec CMS50 decoder (V7.0 and old 5-byte format). Byte 0 picks a
// chunk size, byte 1 how often to tick; the rest is the stream. Besides "no
// crash, no hang", it checks that the output does not depend on chunking or
// ticks, that every reading is in range or marked invalid, and that the
// session never sends anything but "start live data" and "keep alive".
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include "drivers/cms50/cms50_codec.hpp"
#include "fuzz/decode_output_checks.hpp"

namespace {
using vigil::drivers::DecodeOutput;

bool plausible(const vigil::core::Reading& r) {
  using vigil::core::Metric;
  using vigil::core::QualityFlag;
  if (!r.value) return r.quality.has(QualityFlag::invalid);
  const double v = *r.value;
  if (r.metric == Metric::spo2) return v >= 1 && v <= 100;
  if (r.metric == Metric::pulse_rate) return v >= 1 && v <= 254;
  if (r.metric == Metric::perfusion_index) return v >= 0 && v <= 22;
  return false;
}

bool only_safe_commands(const std::vector<std::uint8_t>& sent) {
  if (sent.size() % 9 != 0) return false;
  for (std::size_t at = 0; at < sent.size(); at += 9) {
    const auto code = vigil::drivers::decode_cms50_command(std::span(sent).subspan(at, 9));
    if (!code || (*code != 0xA1 && *code != 0xAF)) return false;
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::drivers;
  if (size < 2) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  const std::size_t tick_every = 1 + data[1] % 8;
  const std::span<const std::uint8_t> stream(data + 2, size - 2);

  const auto whole = make_cms50_session();
  const auto chunked = make_cms50_session();
  DecodeOutput a, b, part, sent;
  whole->on_bytes(stream, a);
  chunked->on_open(sent);
  vigil::core::TimePoint now{std::chrono::hours{1}};
  std::size_t chunks = 0;
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    part.clear();
    chunked->on_bytes(stream.subspan(at, std::min(chunk, stream.size() - at)), part);
    vigil::fuzz::append_output(b, part);
    if (++chunks % tick_every == 0) {
      // The fuzzer's bytes also drive the clock, backwards included.
      now += std::chrono::milliseconds{(stream[at] % 4 == 0 ? -1 : 1) * 1000 * (1 + stream[at] % 7)};
      chunked->on_tick(now, sent);
    }
  }
  const auto& s = whole->stats();
  const auto& t = chunked->stats();
  if (!vigil::fuzz::same_output(a, b)) __builtin_trap();
  if (s.bytes != stream.size() || !vigil::fuzz::same_counts(s, t)) __builtin_trap();
  if (!a.to_send.empty() || !only_safe_commands(sent.to_send)) __builtin_trap();
  if (s.resyncs > s.bytes || a.readings.size() > s.bytes) __builtin_trap();
  for (const auto& r : a.readings)
    if (!plausible(r)) __builtin_trap();
  return 0;
}
