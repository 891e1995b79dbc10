#include "record/drug_response.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace vigil::record {
using core::Metric;

namespace {

std::optional<Peak> peak_of(const std::vector<Reading>& readings, Metric m, double baseline,
                            core::TimePoint from, core::TimePoint to) {
  std::optional<Peak> p;
  for (const auto& x : readings)
    if (x.metric == m && x.time >= from && x.time <= to && (!p || x.value > p->value))
      p = Peak{m, baseline, x.value, x.time};
  return p;
}

}  // namespace

Response response_to_drug(const InfusionRecord& rec, const JournalSpan& j,
                          const std::vector<BloodPressure>& cuffs) {
  Response r;
  if (!rec.started) return r;
  const auto start = rec.started->time;
  const auto end = rec.discharged ? rec.discharged->time : rec.to;
  const auto base = rec.baseline ? rec.baseline->values : std::map<Metric, double>{};
  if (base.count(Metric::nibp_systolic) && base.count(Metric::nibp_diastolic)) {
    const double sys0 = base.at(Metric::nibp_systolic), dia0 = base.at(Metric::nibp_diastolic);
    r.systolic = peak_of(j.readings, Metric::nibp_systolic, sys0, start, end);
    r.diastolic = peak_of(j.readings, Metric::nibp_diastolic, dia0, start, end);
    if (r.systolic) {
      r.time_to_peak = r.systolic->time - start;
      for (const auto& bp : cuffs)
        if (bp.time == r.systolic->time) r.highest = bp;
      for (const auto& bp : cuffs)
        if (bp.time > r.systolic->time && std::abs(bp.systolic - sys0) <= 0.1 * sys0 &&
            std::abs(bp.diastolic - dia0) <= 0.1 * dia0) {
          r.back_within_10_percent = bp.time - start;
          break;
        }
    }
  }
  for (Metric m : {Metric::heart_rate, Metric::pulse_rate}) {
    if (!base.count(m)) continue;
    r.heart_rate = peak_of(j.readings, m, base.at(m), start, end);
    if (r.heart_rate) break;
  }
  const Reading* previous = nullptr;
  for (const auto& x : j.readings) {
    if (x.metric != Metric::spo2 || x.time < start || x.time > end) continue;
    if (!r.lowest_spo2 || x.value < *r.lowest_spo2) {
      r.lowest_spo2 = x.value;
      r.lowest_spo2_time = x.time;
    }
    if (previous && previous->value < 90) r.spo2_below_90 += std::min(x.time - previous->time, kGap);
    previous = &x;
  }
  return r;
}

}  // namespace vigil::record
