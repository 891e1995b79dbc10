#include "alerts/alarm_profile.hpp"

#include "alerts/alarm_settings.hpp"

namespace vigil::alerts {
using namespace std::chrono_literals;
using core::Metric;

namespace {

std::string rule_text(const LimitRule& r) {
  return (r.enabled ? "" : "(off) ") + describe_limit(r);
}

LimitRule rule(std::string condition, Priority p, Metric m, LimitKind k, double threshold,
               core::Duration delay, double hysteresis, std::string label) {
  LimitRule r;
  r.condition = std::move(condition);
  r.priority = p;
  r.metric = m;
  r.kind = k;
  r.threshold = threshold;
  r.delay = delay;
  r.hysteresis = hysteresis;
  // High-priority physiological alarms latch: the nurse must see that it
  // happened even when it is over by the time they look.
  r.latching = p == Priority::high;
  r.label = std::move(label);
  return r;
}

}  // namespace

core::Result<std::string> apply_override(AlarmProfile& profile, const RuleOverride& o) {
  if (o.enabled == false && o.reason.empty())
    return core::Error::at("reason", "turning " + o.condition + " " + std::string{to_string(o.priority)} +
                                         " off needs a reason, for the record and the ALARM OFF indication");
  AlarmProfile changed = profile;
  std::string before, after;
  bool found = false;
  bool condition_known = false, level_known = false;
  std::string level_metrics;
  for (auto& r : changed.rules) {
    if (r.condition != o.condition) continue;
    condition_known = true;
    if (r.priority != o.priority) continue;
    level_known = true;
    const std::string metric{core::name(r.metric)};
    if (level_metrics.find(metric) == std::string::npos)
      level_metrics += (level_metrics.empty() ? "" : ", ") + metric;
    if (!o.metric.empty() && metric != o.metric) continue;
    found = true;
    before += (before.empty() ? "" : " or ") + rule_text(r);
    if (o.threshold) r.threshold = *o.threshold;
    if (o.delay) r.delay = *o.delay;
    if (o.enabled) {
      r.enabled = *o.enabled;
      r.off_reason = r.enabled ? "" : o.reason;
      r.off_by = r.enabled ? "" : o.by;
    }
    after += (after.empty() ? "" : " or ") + rule_text(r);
  }
  if (!condition_known) {
    std::string known;
    for (const auto& r : profile.rules)
      if (known.find(r.condition) == std::string::npos) known += (known.empty() ? "" : ", ") + r.condition;
    return core::Error::at(
        "condition",
        "profile " + profile.name + " has no condition '" + o.condition + "' (it has " + known + ")",
        core::ErrorCode::not_found);
  }
  if (level_known && !found)
    return core::Error::at("metric",
                           "condition '" + o.condition + "' " + std::string{to_string(o.priority)} +
                               " has no rule on '" + o.metric + "' in profile " + profile.name + " (it has " +
                               level_metrics + ")",
                           core::ErrorCode::not_found);
  if (!found)
    return core::Error::at("priority",
                           "condition '" + o.condition + "' has no " + std::string{to_string(o.priority)} +
                               " level in profile " + profile.name,
                           core::ErrorCode::not_found);
  if (auto problem = check_profile(changed)) return *problem;
  profile = std::move(changed);
  // The rules' own words name the metric: "hypertension medium: NIBP sys >= 180 mmHg -> NIBP sys >= 170
  // mmHg".
  std::string record =
      o.condition + " " + std::string{to_string(o.priority)} + ": " + before + " -> " + after;
  if (!o.reason.empty()) record += " (reason: " + o.reason + ")";
  return record;
}

AlarmProfile ketamine_iv_adult_profile() {
  AlarmProfile p;
  p.name = "ketamine-iv-adult";
  auto& r = p.rules;
  const auto H = Priority::high, M = Priority::medium;
  using K = LimitKind;
  // Blood pressure: one condition with two levels (180/110 medium, 200/120 high).
  r.push_back(rule("hypertension", M, Metric::nibp_systolic, K::at_or_above, 180, 0s, 0, "Hypertension"));
  r.push_back(rule("hypertension", M, Metric::nibp_diastolic, K::at_or_above, 110, 0s, 0, "Hypertension"));
  r.push_back(
      rule("hypertension", H, Metric::nibp_systolic, K::at_or_above, 200, 0s, 0, "Hypertensive crisis"));
  r.push_back(
      rule("hypertension", H, Metric::nibp_diastolic, K::at_or_above, 120, 0s, 0, "Hypertensive crisis"));
  // A surge against the patient's own baseline, above an absolute floor, so
  // the expected rise of a few percent never alarms.
  auto surge_sys = rule("bp_surge", M, Metric::nibp_systolic, K::rise_percent, 30, 0s, 0, "BP surge");
  surge_sys.floor = 160;
  r.push_back(surge_sys);
  auto surge_map = rule("bp_surge", M, Metric::nibp_mean, K::rise_percent, 30, 0s, 0, "BP surge");
  surge_map.floor = 160;
  surge_map.floor_metric = Metric::nibp_systolic;
  r.push_back(surge_map);
  r.push_back(rule("hypotension", M, Metric::nibp_systolic, K::below, 90, 0s, 0, "Hypotension"));
  r.push_back(rule("hypotension", M, Metric::nibp_mean, K::below, 60, 0s, 0, "Hypotension"));
  // SpO2: 15 s below 90 (medium), 5 s below 85 (high); 1 point of hysteresis.
  r.push_back(rule("desaturation", M, Metric::spo2, K::below, 90, 15s, 1, "SpO2 low"));
  r.push_back(rule("desaturation", H, Metric::spo2, K::below, 85, 5s, 1, "Severe desaturation"));
  // Rate, from ECG heart rate or oximeter pulse rate, whichever reports.
  for (Metric m : {Metric::heart_rate, Metric::pulse_rate}) {
    r.push_back(rule("tachycardia", M, m, K::above, 120, 30s, 3, "Tachycardia"));
    r.push_back(rule("tachycardia", H, m, K::above, 150, 10s, 3, "Extreme tachycardia"));
    r.push_back(rule("bradycardia", M, m, K::below, 50, 15s, 3, "Bradycardia"));
    r.push_back(rule("bradycardia", H, m, K::below, 40, 10s, 3, "Severe bradycardia"));
  }
  p.engine.audio_pause = 120s;
  p.engine.escalate_medium_after = 120s;
  p.nibp_cycle = 5min;
  p.nibp_grace = 60s;
  return p;
}

}  // namespace vigil::alerts
