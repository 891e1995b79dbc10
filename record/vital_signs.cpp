#include "record/vital_signs.hpp"

#include <map>
#include <string>

namespace vigil::record {
using core::Metric;

namespace {

constexpr Metric kStreamed[] = {Metric::spo2, Metric::pulse_rate, Metric::heart_rate, Metric::resp_rate};

}  // namespace

std::vector<VitalsRow> vitals_table(const InfusionRecord& rec, const JournalSpan& j,
                                    const std::vector<BloodPressure>& cuffs, const RecordOptions& o) {
  std::map<core::TimePoint, VitalsRow> rows;
  auto row = [&](core::TimePoint t, const std::string& reason) -> VitalsRow& {
    auto& r = rows[t];
    r.time = t;
    if (r.reason.empty())
      r.reason = reason;
    else if (r.reason.find(reason) == std::string::npos)
      r.reason += "; " + reason;
    return r;
  };
  const auto start = rec.started ? rec.started->time : rec.from;
  const auto stop = rec.stopped ? rec.stopped->time : rec.to;
  const auto every = [&](core::Duration d) {
    return "every " + std::to_string(std::chrono::duration_cast<std::chrono::minutes>(d).count()) + " min";
  };
  // Before the start, counted back from it, so one row falls on the start.
  for (auto t = start - o.after_cadence; t >= rec.from; t -= o.after_cadence) row(t, every(o.after_cadence));
  for (auto t = start; t < stop && t <= rec.to; t += o.during_cadence) row(t, every(o.during_cadence));
  for (auto t = stop; t <= rec.to; t += o.after_cadence) row(t, every(o.after_cadence));
  for (const auto& bp : cuffs) {
    auto& r = row(bp.time, "NIBP");
    r.values[Metric::nibp_systolic] = bp.systolic;
    r.values[Metric::nibp_diastolic] = bp.diastolic;
    if (bp.mean) r.values[Metric::nibp_mean] = *bp.mean;
  }
  for (const auto& a : rec.alarms)
    if (a.raised) row(*a.raised, "alarm: " + a.condition);
  (void)j;
  std::vector<VitalsRow> v;
  for (auto& [t, r] : rows) {
    for (Metric m : kStreamed)
      if (auto x = value_at(j.readings, m, t)) r.values[m] = *x;
    v.push_back(std::move(r));
  }
  return v;
}

std::vector<NoData> no_data(const InfusionRecord& rec, const JournalSpan& j) {
  std::vector<NoData> v;
  if (!rec.started) return v;
  const auto start = rec.started->time;
  const auto end = rec.discharged ? rec.discharged->time : rec.to;
  for (Metric m : kStreamed) {
    bool seen = false;
    for (const auto& x : j.readings) seen = seen || x.metric == m;
    if (!seen && m != Metric::spo2) continue;  // a vital this bed does not measure at all
    core::Duration total{};
    auto last = start;
    for (const auto& x : j.readings) {
      if (x.metric != m || x.time < start || x.time > end) continue;
      if (x.time - last > kGap) total += x.time - last;
      last = x.time;
    }
    if (end - last > kGap) total += end - last;
    v.push_back({m, total});
  }
  return v;
}

std::vector<Checkpoint> checkpoints(const InfusionRecord& rec, const std::vector<BloodPressure>& cuffs,
                                    const RecordOptions& o) {
  std::vector<Checkpoint> v;
  if (!rec.started) return v;
  for (const auto& rule : o.checkpoints) {
    Checkpoint c;
    c.name = rule.name;
    const bool from_discharge = rule.from == CheckpointRule::From::discharge;
    if (from_discharge && !rec.discharged) {
      c.reached = false;
      c.target = rec.to;
    } else {
      c.target = (from_discharge ? rec.discharged->time : rec.started->time) + rule.offset;
      c.reached = c.target <= rec.to;
    }
    for (const auto& bp : cuffs) {
      const auto d = bp.time > c.target ? bp.time - c.target : c.target - bp.time;
      if (d > o.tolerance || !c.reached) continue;
      const auto best = c.measurement ? (c.measurement->time > c.target ? c.measurement->time - c.target
                                                                        : c.target - c.measurement->time)
                                      : core::Duration::max();
      if (d < best) c.measurement = bp;
    }
    v.push_back(c);
  }
  return v;
}

std::vector<Series> plotted(const JournalSpan& j) {
  std::map<Metric, Series> by_metric;
  for (const auto& x : j.readings) {
    if (x.metric != Metric::spo2 && x.metric != Metric::pulse_rate && x.metric != Metric::heart_rate &&
        x.metric != Metric::nibp_systolic && x.metric != Metric::nibp_diastolic)
      continue;
    auto& s = by_metric[x.metric];
    s.metric = x.metric;
    s.points.emplace_back(x.time, x.value);
  }
  std::vector<Series> v;
  for (auto& [m, s] : by_metric) v.push_back(std::move(s));
  return v;
}

}  // namespace vigil::record
