// IntelliVue Data Export session, framing, message parser and simulated
// monitor under arbitrary bytes: no crash, bounded memory, the same result
// however the bytes are split, and every poll result or frame vigil can read
// survives an encode/decode round trip.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "drivers/intellivue/intellivue_framing.hpp"
#include "drivers/intellivue/intellivue_messages.hpp"
#include "drivers/intellivue/intellivue_monitor_sim.hpp"
#include "drivers/intellivue/intellivue_session.hpp"
#include "fuzz/decode_output_checks.hpp"

namespace {

using namespace vigil;
using namespace vigil::drivers;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

std::string flatten(const DecodeOutput& out) {
  std::string s(out.to_send.begin(), out.to_send.end());
  for (const auto& r : out.readings) {
    s += std::to_string(static_cast<int>(r.metric)) + ":" + (r.value ? std::to_string(*r.value) : "-") + ":" +
         std::to_string(r.quality.bits) + ":" +
         std::to_string(r.device_time ? r.device_time->time_since_epoch().count() : -1) + ";";
  }
  for (const auto& e : out.errors) s += e + ";";
  return s;
}

// Open, a tick, the bytes (whole or in steps), another tick.
std::string run_session(std::span<const std::uint8_t> bytes, std::size_t step, CodecStats& stats) {
  const core::TimePoint t0{std::chrono::hours{24 * 365 * 54}};
  auto s = make_intellivue_session();
  DecodeOutput all, out;
  s->on_open(out);
  s->on_tick(t0, out);
  fuzz::append_output(all, out);
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    out.clear();
    s->on_bytes(bytes.subspan(at, std::min(step, bytes.size() - at)), out);
    fuzz::append_output(all, out);
  }
  out.clear();
  s->on_tick(t0 + std::chrono::seconds{2}, out);
  fuzz::append_output(all, out);
  stats = s->stats();
  return flatten(all);
}

void check_round_trips(std::span<const std::uint8_t> bytes) {
  const auto parsed = parse_intellivue_message(bytes);
  check(parsed.message.has_value() != !parsed.error.empty());
  if (parsed.message && parsed.message->kind == IntellivueMessageKind::poll_result) {
    const auto again =
        parse_intellivue_message(encode_intellivue_poll_result(1, parsed.message->poll_result));
    check(again.message.has_value());
    check(again.message->poll_result == parsed.message->poll_result);
  }
  IntellivueDeframer d;
  std::vector<std::string> errors;
  std::vector<std::vector<std::uint8_t>> frames;
  d.feed(
      intellivue_frame(bytes.first(std::min<std::size_t>(bytes.size(), IntellivueDeframer::kMaxUserData))),
      [&](std::span<const std::uint8_t> m) { frames.emplace_back(m.begin(), m.end()); }, errors);
  check(frames.size() == 1 && errors.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  CodecStats whole_stats, piece_stats;
  const auto whole = run_session(bytes, size == 0 ? 1 : size, whole_stats);
  const auto pieces = run_session(bytes, size == 0 ? 1 : 1 + data[0] % 29, piece_stats);
  check(whole == pieces);
  check(whole_stats.bytes == size && fuzz::same_counts(whole_stats, piece_stats));

  check_round_trips(bytes);

  IntellivueMonitorSim monitor;
  IntellivueMonitorState state;
  state.heart_rate = 70;
  state.nibp = IntellivueMonitorState::Nibp{};
  monitor.receive(bytes, state);
  monitor.tick(state.clock + std::chrono::seconds{30});
  return 0;
}
