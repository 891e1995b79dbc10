// Datex-Ohmeda session, framing, record parser and simulated monitor under
// arbitrary bytes: no crash, bounded memory, the same result however the
// bytes are split, and every record vigil can read survives an
// encode/decode round trip.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "drivers/datex/datex_framing.hpp"
#include "drivers/datex/datex_monitor_sim.hpp"
#include "drivers/datex/datex_records.hpp"
#include "drivers/datex/datex_session.hpp"
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
         std::to_string(r.quality.bits) + ";";
  }
  for (const auto& e : out.errors) s += e + ";";
  return s;
}

std::string run_session(std::span<const std::uint8_t> bytes, std::size_t step, CodecStats& stats) {
  const core::TimePoint t0{std::chrono::hours{24 * 365 * 54}};
  auto s = make_datex_session();
  DecodeOutput all, out;
  s->on_open(out);
  s->on_tick(t0, out);
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    s->on_bytes(bytes.subspan(at, std::min(step, bytes.size() - at)), out);
  }
  s->on_tick(t0 + std::chrono::seconds{20}, out);
  stats = s->stats();
  return flatten(out);
}

void check_round_trips(std::span<const std::uint8_t> bytes) {
  const auto parsed = parse_datex_record(bytes);
  check(parsed.record.has_value() != !parsed.error.empty());
  if (parsed.record) {
    for (const auto& d : parsed.record->displayed) {
      const auto again = parse_datex_record(encode_datex_displayed(d));
      check(again.record.has_value() && again.record->displayed.size() == 1);
      check(again.record->displayed[0] == d);
    }
    if (parsed.record->request) {
      const auto again = parse_datex_record(encode_datex_phdb_request(*parsed.record->request));
      check(again.record.has_value() && again.record->request == parsed.record->request);
    }
  }
  const auto record = bytes.first(std::min(bytes.size(), datex_wire::kMaxRecord));
  if (record.empty()) return;
  DatexDeframer d;
  std::vector<std::string> errors;
  std::vector<std::vector<std::uint8_t>> records;
  d.feed(
      datex_frame(record), [&](std::span<const std::uint8_t> r) { records.emplace_back(r.begin(), r.end()); },
      errors);
  check(errors.empty() && records.size() == 1);
  check(std::equal(record.begin(), record.end(), records[0].begin(), records[0].end()));
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

  DatexMonitorSim monitor;
  DatexMonitorState state;
  monitor.receive(bytes, state);
  monitor.tick(state);
  return 0;
}
