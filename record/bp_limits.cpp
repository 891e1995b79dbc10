#include "record/bp_limits.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "alerts/limits_in_force.hpp"
#include "wire/timestamp.hpp"

namespace vigil::record {
using alerts::LimitKind;
using core::Metric;

namespace {

constexpr Metric kPressures[] = {Metric::nibp_systolic, Metric::nibp_diastolic, Metric::nibp_mean};

bool is_pressure(Metric m) {
  return std::find(std::begin(kPressures), std::end(kPressures), m) != std::end(kPressures);
}

// A rise is judged against the limits above it; a hypotension rule is no answer to it.
bool is_upper(LimitKind k) {
  return k != LimitKind::below && k != LimitKind::at_or_below;
}

std::string upper(std::string_view s) {
  std::string out{s};
  for (auto& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

struct InForce {
  core::TimePoint since{};
  std::string text;
};

std::optional<Reading> peak_of(const std::vector<Reading>& readings, Metric m, core::TimePoint from,
                               core::TimePoint to) {
  std::optional<Reading> p;
  for (const auto& x : readings)
    if (x.metric == m && x.time >= from && x.time <= to && (!p || x.value > p->value)) p = x;
  return p;
}

// The floor metric's value when the peak was measured: the peak's own, or
// the same cuff measurement's other pressure.
std::optional<double> floor_value(const alerts::LimitRule& rule, const Reading& peak,
                                  const std::vector<Reading>& readings) {
  const auto fm = rule.floor_metric.value_or(rule.metric);
  if (fm == peak.metric) return peak.value;
  return value_at(readings, fm, peak.time);
}

LimitAtPeak judged(const alerts::LimitRule& rule, const Reading& peak, const InfusionRecord& rec,
                   const std::vector<Reading>& readings, core::TimePoint since) {
  LimitAtPeak l;
  l.metric = rule.metric;
  l.condition = rule.condition;
  l.priority = upper(alerts::to_string(rule.priority));
  l.rule = alerts::describe_limit(rule);
  l.on = rule.enabled;
  l.peak = peak.value;
  l.peak_time = peak.time;
  l.in_force_since = since;
  double baseline = 0;
  if (rule.baseline_relative()) {
    const auto* values = rec.baseline ? &rec.baseline->values : nullptr;
    const auto it = values ? values->find(rule.metric) : decltype(values->end()){};
    // Without a baseline the rule judges nothing (as in the engine).
    if (!values || it == values->end()) return l;
    baseline = it->second;
  }
  l.limit = alerts::limit_of(rule, baseline);
  l.exceeded = rule.enabled && alerts::past_limit(rule.kind, peak.value, *l.limit) &&
               alerts::meets_floor(rule, floor_value(rule, peak, readings));
  return l;
}

}  // namespace

std::optional<BpLimits> bp_limits(const InfusionRecord& rec, const JournalSpan& j) {
  std::vector<InForce> in_force;
  for (const auto& c : j.context)
    if (c.what() == "limits_in_force") in_force.push_back({wire::from_proto(c.time()), c.new_value()});
  if (in_force.empty() || !rec.started) return std::nullopt;
  BpLimits out;
  for (const auto& c : j.context)
    if (c.what() == "limit_changed")
      out.changes.push_back({wire::from_proto(c.time()),
                             c.actor() + (c.station().empty() ? "" : " at " + c.station()), c.message()});
  const auto start = rec.started->time;
  const auto end = rec.discharged ? rec.discharged->time : rec.to;
  std::set<std::string> bp_conditions;
  for (const Metric m : kPressures) {
    const auto peak = peak_of(j.readings, m, start, end);
    if (!peak) continue;
    const InForce* at_peak = nullptr;
    for (const auto& f : in_force)
      if (f.since <= peak->time) at_peak = &f;
    if (!at_peak) {
      // A session admitted before vigild journalled its limits, or pruned.
      if (out.unknown.empty())
        out.unknown = "the journal holds no limits in force from before the " + std::string{core::label(m)} +
                      " peak; the profile read now may not be what judged it";
      continue;
    }
    const auto rules = alerts::parse_limits_text(at_peak->text);
    if (!rules) {
      if (out.unknown.empty())
        out.unknown = "the limits journalled before the " + std::string{core::label(m)} +
                      " peak cannot be read (" + rules.error() + ")";
      continue;
    }
    for (const auto& rule : rules.value())
      if (rule.metric == m && is_upper(rule.kind))
        out.limits.push_back(judged(rule, *peak, rec, j.readings, at_peak->since));
  }
  // The conditions of every pressure rule in force over the span, low ones too.
  for (const auto& f : in_force)
    if (const auto rules = alerts::parse_limits_text(f.text))
      for (const auto& rule : rules.value())
        if (is_pressure(rule.metric)) bp_conditions.insert(rule.condition);
  for (const auto& a : rec.alarms)
    if (!a.technical && a.raised && *a.raised >= start && *a.raised <= end &&
        bp_conditions.count(a.condition))
      out.raised.push_back({a.condition, a.priority, *a.raised});
  return out;
}

}  // namespace vigil::record
