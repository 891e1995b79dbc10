#include "record/journal_span.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "wire/timestamp.hpp"

namespace vigil::record {
namespace v1 = vigil::v1;
using core::Metric;
using namespace std::chrono_literals;

namespace {

// The journal reads a long span an hour at a time, as vigil-ctl export does.
constexpr core::Duration kWindow = 1h;
constexpr std::uint16_t kUnusable = 1 | 2 | 4 | 16;  // invalid, artifact, sensor off, questionable

std::uint16_t quality_bits(const v1::Quality& q) {
  return static_cast<std::uint16_t>((q.invalid() ? 1 : 0) | (q.artifact() ? 2 : 0) |
                                    (q.sensor_off() ? 4 : 0) | (q.low_perfusion() ? 8 : 0) |
                                    (q.questionable() ? 16 : 0));
}

}  // namespace

JournalSpan read_span(journal::JournalReader& r, const std::string& bed, core::TimePoint from,
                      core::TimePoint to, const SpanContent& content) {
  std::set<std::uint32_t> codes;
  for (const auto m : content.metrics) codes.insert(core::code(m));
  JournalSpan j;
  for (auto start = from; start < to; start += kWindow) {
    journal::MessageQuery q;
    q.bed = bed;
    q.from = start;
    q.to = std::min(start + kWindow, to);
    q.max = std::numeric_limits<std::int32_t>::max();
    q.kinds =
        content.alarms ? std::set<std::string>{"obs", "alarm", "ctx"} : std::set<std::string>{"obs", "ctx"};
    q.mdc_codes = codes;
    for (const auto& m : r.messages(q)) {
      if (m.has_observation()) {
        const auto& o = m.observation();
        j.drill = j.drill || o.drill();
        const auto metric = core::metric_from_code(o.mdc_code());
        if (!metric || (quality_bits(o.quality()) & kUnusable) || !std::isfinite(o.value())) continue;
        const auto t = wire::from_proto(o.has_device_time() && core::info(*metric).episodic ? o.device_time()
                                                                                            : o.received());
        j.readings.push_back({*metric, o.value(), t});
      } else if (m.has_alarm()) {
        j.drill = j.drill || m.alarm().drill();
        j.alarms.push_back(m.alarm());
      } else if (m.has_context()) {
        j.drill = j.drill || m.context().drill();
        j.context.push_back(m.context());
      }
    }
  }
  std::stable_sort(j.readings.begin(), j.readings.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });
  return j;
}

std::optional<double> value_at(const std::vector<Reading>& readings, Metric m, core::TimePoint t) {
  // Readings are in time order: start at the oldest one young enough.
  auto it = std::lower_bound(readings.begin(), readings.end(), t - kStale + core::Duration{1},
                             [](const Reading& x, core::TimePoint when) { return x.time < when; });
  std::optional<double> v;
  for (; it != readings.end() && it->time <= t; ++it)
    if (it->metric == m) v = it->value;
  return v;
}

std::vector<BloodPressure> cuff_readings(const std::vector<Reading>& readings) {
  std::map<core::TimePoint, BloodPressure> by_time;
  for (const auto& x : readings) {
    if (!core::info(x.metric).episodic) continue;
    auto& bp = by_time[x.time];
    bp.time = x.time;
    if (x.metric == Metric::nibp_systolic) bp.systolic = x.value;
    if (x.metric == Metric::nibp_diastolic) bp.diastolic = x.value;
    if (x.metric == Metric::nibp_mean) bp.mean = x.value;
  }
  std::vector<BloodPressure> v;
  for (const auto& [t, bp] : by_time)
    if (bp.systolic > 0 && bp.diastolic > 0) v.push_back(bp);
  return v;
}

}  // namespace vigil::record
