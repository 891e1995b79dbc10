#include "record/discharge_check.hpp"

#include <cmath>

#include "record/record_text.hpp"
#include "record/time_text.hpp"

namespace vigil::record {
using core::Metric;

namespace {

double off_by_percent(double value, double baseline) {
  return 100.0 * (value - baseline) / baseline;
}

std::string signed_percent(double p) {
  return (p >= 0 ? "+" : "") + number_text(p, 0) + " %";
}

}  // namespace

std::optional<DischargeCheck> discharge_check(const InfusionRecord& rec, const JournalSpan& j,
                                              const std::vector<BloodPressure>& cuffs,
                                              const RecordOptions& o) {
  if (!rec.discharged || !rec.started) return std::nullopt;
  DischargeCheck d;
  const auto& c = o.discharge;
  d.bp_margin_percent = c.bp_margin_percent;
  d.heart_rate_margin_percent = c.heart_rate_margin_percent;
  d.spo2_min = c.spo2_min;
  d.stable = c.stable;
  if (o.min_monitored > core::Duration::zero()) {
    d.min_monitored = o.min_monitored;
    d.monitored_long_enough = rec.monitored >= o.min_monitored;
  }
  const auto to = rec.discharged->time, from = to - c.stable;
  const std::map<Metric, double> none;
  const auto& base = rec.baseline ? rec.baseline->values : none;
  const auto sys = base.find(Metric::nibp_systolic), dia = base.find(Metric::nibp_diastolic);
  if (sys == base.end() || dia == base.end()) d.unmet.push_back("no baseline blood pressure to compare with");

  bool any_cuff = false;
  for (const auto& bp : cuffs) {
    if (bp.time < from || bp.time > to) continue;
    any_cuff = true;
    if (sys == base.end() || dia == base.end()) continue;
    const double s = off_by_percent(bp.systolic, sys->second), di = off_by_percent(bp.diastolic, dia->second);
    if (std::abs(s) > c.bp_margin_percent || std::abs(di) > c.bp_margin_percent)
      d.unmet.push_back(bp_text(bp.systolic, bp.diastolic) + " at " + local_clock(bp.time) + ": " +
                        signed_percent(s) + " / " + signed_percent(di) + " of the baseline");
  }
  if (!any_cuff)
    d.unmet.push_back("no cuff reading in the last " + duration_text(c.stable) + " before the discharge");

  // The heart rate from ECG when the bed had it, else the pulse.
  bool has_hr = false;
  for (const auto& r : j.readings)
    has_hr = has_hr || (r.metric == Metric::heart_rate && r.time >= from && r.time <= to);
  const Metric rate = has_hr ? Metric::heart_rate : Metric::pulse_rate;
  auto rate_base = base.find(rate);
  if (rate_base == base.end()) rate_base = base.find(has_hr ? Metric::pulse_rate : Metric::heart_rate);
  std::optional<Reading> worst_rate, lowest_spo2;
  for (const auto& r : j.readings) {
    if (r.time < from || r.time > to) continue;
    if (r.metric == rate && rate_base != base.end() &&
        std::abs(off_by_percent(r.value, rate_base->second)) > c.heart_rate_margin_percent &&
        (!worst_rate ||
         std::abs(r.value - rate_base->second) > std::abs(worst_rate->value - rate_base->second)))
      worst_rate = r;
    if (r.metric == Metric::spo2 && r.value < c.spo2_min && (!lowest_spo2 || r.value < lowest_spo2->value))
      lowest_spo2 = r;
  }
  if (worst_rate)
    d.unmet.push_back(std::string{core::label(rate)} + " " + number_text(worst_rate->value, 0) + " " +
                      std::string{core::display_unit(rate)} + " at " + local_clock(worst_rate->time) + ": " +
                      signed_percent(off_by_percent(worst_rate->value, rate_base->second)) +
                      " of the baseline");
  if (lowest_spo2)
    d.unmet.push_back(std::string{core::label(Metric::spo2)} + " " + number_text(lowest_spo2->value, 0) +
                      " % at " + local_clock(lowest_spo2->time) + ", below " + number_text(c.spo2_min, 0) +
                      " %");
  d.criteria_met = d.unmet.empty();
  return d;
}

}  // namespace vigil::record
