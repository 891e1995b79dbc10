#include "alerts/alarm_settings.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "alerts/limit_rules.hpp"

namespace vigil::alerts {
using namespace std::chrono_literals;
using core::Metric;

namespace {

constexpr std::array kMetricRanges{
    MetricRange{Metric::heart_rate, 20, 300},     MetricRange{Metric::pulse_rate, 20, 300},
    MetricRange{Metric::rr_interval, 200, 3000},  MetricRange{Metric::nibp_systolic, 40, 300},
    MetricRange{Metric::nibp_diastolic, 20, 200}, MetricRange{Metric::nibp_mean, 30, 250},
    MetricRange{Metric::perfusion_index, 0, 20},  MetricRange{Metric::spo2, 50, 100},
    MetricRange{Metric::resp_rate, 2, 80},
};

constexpr std::array kSpo2{Metric::spo2};
constexpr std::array kRate{Metric::heart_rate, Metric::pulse_rate};
constexpr std::array kPressure{Metric::nibp_systolic, Metric::nibp_diastolic, Metric::nibp_mean};

// Longest delays: desaturation at most 30 s (a saturating patient must not
// wait longer for the nurse); blood pressure is episodic, so its delay only
// ever waits for a later cuff reading; rate conditions at most a minute.
// Desaturation below 70 % would let a dangerous saturation pass unalarmed.
constexpr std::array kConditionBounds{
    ConditionBounds{"desaturation", Direction::low, kSpo2, 70, 99, 30s, true},
    ConditionBounds{"hypertension", Direction::high, kPressure, 60, 300, 60s, true},
    ConditionBounds{"hypotension", Direction::low, kPressure, 30, 200, 60s, true},
    ConditionBounds{"bp_surge", Direction::rise, kPressure, 5, 100, 60s, false},
    ConditionBounds{"tachycardia", Direction::high, kRate, 60, 300, 60s, true},
    ConditionBounds{"bradycardia", Direction::low, kRate, 20, 120, 60s, true},
};

Direction direction_of(LimitKind k) {
  switch (k) {
    case LimitKind::below:
    case LimitKind::at_or_below:
      return Direction::low;
    case LimitKind::above:
    case LimitKind::at_or_above:
      return Direction::high;
    case LimitKind::rise_percent:
    case LimitKind::rise_absolute:
      return Direction::rise;
  }
  return Direction::high;
}

const char* direction_text(Direction d) {
  switch (d) {
    case Direction::low:
      return "a low limit (below, at_or_below)";
    case Direction::high:
      return "a high limit (above, at_or_above)";
    case Direction::rise:
      return "a rise over the baseline (rise_percent, rise_absolute)";
  }
  return "";
}

std::string seconds_text(core::Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

std::string rule_name(const LimitRule& r) {
  return r.condition + " " + std::string{to_string(r.priority)} + " (" + describe_limit(r) + ")";
}

std::string range_text(double lo, double hi, Metric m) {
  return format_number(lo) + "-" + format_number(hi) + " " + std::string{core::display_unit(m)};
}

std::optional<core::Error> check_threshold(const LimitRule& r, const ConditionBounds* b) {
  const auto& range = metric_range(r.metric);
  if (!std::isfinite(r.threshold)) return core::Error::at("threshold", rule_name(r) + " is not a number");
  double lo = range.lowest, hi = range.highest;
  if (r.baseline_relative()) {
    lo = b ? b->lowest : 1;
    hi = b ? b->highest : r.kind == LimitKind::rise_percent ? 100 : range.highest - range.lowest;
  } else if (b) {
    lo = std::max(lo, b->lowest);
    hi = std::min(hi, b->highest);
  }
  if (r.threshold < lo || r.threshold > hi)
    return core::Error::at("threshold", rule_name(r) + " is outside the allowed " +
                                            (r.kind == LimitKind::rise_percent
                                                 ? format_number(lo) + "-" + format_number(hi) + " %"
                                                 : range_text(lo, hi, r.metric)));
  // A low limit at the top of the range (or a high one at the bottom) is
  // always past: SpO2 "below 100" alarms on every healthy reading.
  const auto d = direction_of(r.kind);
  if ((d == Direction::low && r.threshold >= range.highest) ||
      (d == Direction::high && r.threshold <= range.lowest))
    return core::Error::at("threshold", rule_name(r) + " would alarm on every reading");
  return std::nullopt;
}

std::optional<core::Error> check_rule(const LimitRule& r) {
  const ConditionBounds* b = bounds_of(r.condition);
  if (b) {
    if (std::find(b->metrics.begin(), b->metrics.end(), r.metric) == b->metrics.end()) {
      std::string names;
      for (auto m : b->metrics) names += (names.empty() ? "" : ", ") + std::string{core::label(m)};
      return core::Error::at(
          "metric", r.condition + " watches " + names + ", not " + std::string{core::label(r.metric)});
    }
    if (direction_of(r.kind) != b->direction)
      return core::Error::at(
          "threshold", r.condition + " is " + direction_text(b->direction) + "; " + rule_name(r) + " is not");
  }
  if (auto e = check_threshold(r, b)) return e;
  if (!std::isfinite(r.floor) ||
      (r.floor != 0 && (r.floor < metric_range(r.floor_metric.value_or(r.metric)).lowest ||
                        r.floor > metric_range(r.floor_metric.value_or(r.metric)).highest)))
    return core::Error::at("floor", rule_name(r) + " has a floor outside the metric's range");
  const auto& range = metric_range(r.metric);
  const double most_hysteresis = (range.highest - range.lowest) / 10;
  if (!std::isfinite(r.hysteresis) || r.hysteresis < 0 || r.hysteresis > most_hysteresis)
    return core::Error::at("hysteresis",
                           rule_name(r) + " needs a hysteresis of 0-" + format_number(most_hysteresis));
  const core::Duration longest = b ? b->longest_delay : kLongestOtherDelay;
  if (r.delay < 0s || r.delay > longest)
    return core::Error::at("delay_s",
                           rule_name(r) + ": a " + r.condition + " delay may be 0-" + seconds_text(longest));
  if (!r.enabled && r.off_reason.empty())
    return core::Error::at("enabled",
                           rule_name(r) + " is off without a reason; say why it is turned off (reason)");
  return std::nullopt;
}

// Levels of one condition escalate: a higher priority is further past the
// limit than a lower one, or the lower level would never be seen.
std::optional<core::Error> check_levels(const LimitRule& lower, const LimitRule& higher) {
  const auto d = direction_of(lower.kind);
  const bool ordered =
      d == Direction::low ? higher.threshold <= lower.threshold : higher.threshold >= lower.threshold;
  if (ordered) return std::nullopt;
  return core::Error::at("threshold", rule_name(higher) + " must be " +
                                          (d == Direction::low ? "at or below" : "at or above") + " its " +
                                          std::string{to_string(lower.priority)} + " level (" +
                                          describe_limit(lower) + ")");
}

std::optional<core::Error> check_low_below_high(const LimitRule& low, const LimitRule& high) {
  if (low.threshold < high.threshold) return std::nullopt;
  return core::Error::at("threshold",
                         rule_name(low) + " is at or above " + rule_name(high) + ": every value would alarm");
}

std::optional<core::Error> check_pairs(const AlarmProfile& p) {
  for (const auto& a : p.rules) {
    if (!a.enabled) continue;
    for (const auto& b : p.rules) {
      if (!b.enabled || &a == &b || a.metric != b.metric) continue;
      const auto da = direction_of(a.kind), db = direction_of(b.kind);
      if (a.condition == b.condition && da == db && a.kind == b.kind && a.priority < b.priority)
        if (auto e = check_levels(a, b)) return e;
      if (da == Direction::low && db == Direction::high)
        if (auto e = check_low_below_high(a, b)) return e;
    }
  }
  return std::nullopt;
}

std::optional<core::Error> check_engine(const AlarmProfile& p) {
  if (p.engine.audio_pause <= 0s || p.engine.audio_pause > 5min)
    return core::Error::at("audio_pause_s",
                           "an audio pause may last 1-300 s, not " + seconds_text(p.engine.audio_pause));
  if (p.engine.escalate_medium_after < 0s || p.engine.escalate_medium_after > 30min)
    return core::Error::at("escalate_medium_after_s", "at most 1800 s (or escalate_never)");
  if (p.nibp_cycle < 0s || (p.nibp_cycle > 0s && (p.nibp_cycle < 1min || p.nibp_cycle > 2h)))
    return core::Error::at("nibp_cycle_s", "a cuff cycle of 60-7200 s");
  if (p.nibp_grace < 0s || p.nibp_grace > 30min) return core::Error::at("nibp_grace_s", "at most 1800 s");
  const auto& r = p.rhythm;
  if (!std::isfinite(r.af_rvr_rate) || r.af_rvr_rate < 60 || r.af_rvr_rate > 250)
    return core::Error::at("af_rvr_rate", "a rapid ventricular response starts between 60 and 250 /min");
  for (auto d : {r.af_rvr_delay, r.irregular_delay, r.unavailable_delay})
    if (d < 0s || d > 5min) return core::Error{"rhythm delays may be at most 300 s"};
  return std::nullopt;
}

}  // namespace

std::span<const MetricRange> metric_ranges() {
  return kMetricRanges;
}

const MetricRange& metric_range(Metric m) {
  for (const auto& r : kMetricRanges)
    if (r.metric == m) return r;
  return kMetricRanges.front();  // every Metric has a row (the unit test walks them)
}

std::span<const ConditionBounds> condition_bounds() {
  return kConditionBounds;
}

const ConditionBounds* bounds_of(std::string_view condition) {
  for (const auto& b : kConditionBounds)
    if (b.condition == condition) return &b;
  return nullptr;
}

std::optional<core::Error> check_profile(const AlarmProfile& p) {
  for (const auto& r : p.rules)
    if (auto e = check_rule(r)) return e;
  if (auto e = check_pairs(p)) return e;
  for (const auto& b : kConditionBounds) {
    if (!b.required) continue;
    const bool present = std::any_of(p.rules.begin(), p.rules.end(),
                                     [&](const auto& r) { return r.condition == b.condition; });
    if (!present)
      return core::Error::at(
          "condition",
          "profile " + p.name + " has no " + std::string{b.condition} +
              " rule; base it on ketamine-iv-adult, or turn the condition off on purpose (enabled: false, "
              "reason)");
  }
  return check_engine(p);
}

std::optional<std::string> check_baseline_value(Metric m, double value) {
  const auto& range = metric_range(m);
  if (!std::isfinite(value)) return std::string{"is not a number"};
  if (value < range.lowest || value > range.highest)
    return format_number(value) + " is outside " + range_text(range.lowest, range.highest, m);
  return std::nullopt;
}

}  // namespace vigil::alerts
