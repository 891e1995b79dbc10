#include "daemon/profile_config.hpp"

#include "alerts/alarm_settings.hpp"
#include "core/metric.hpp"

namespace vigil::daemon {
namespace cfg = vigil::v1::config;
using alerts::LimitKind;

std::optional<alerts::Priority> priority_of(vigil::v1::Priority p) {
  switch (p) {
    case vigil::v1::LOW:
      return alerts::Priority::low;
    case vigil::v1::MEDIUM:
      return alerts::Priority::medium;
    case vigil::v1::HIGH:
      return alerts::Priority::high;
    default:
      return std::nullopt;
  }
}

std::string priority_problem(vigil::v1::Priority p) {
  if (p == vigil::v1::PRIORITY_UNSPECIFIED) return "is required (LOW, MEDIUM, HIGH)";
  return std::to_string(static_cast<int>(p)) + " is not a priority (LOW, MEDIUM, HIGH)";
}

std::optional<std::string> metric_problem(const std::string& metric) {
  if (metric.empty() || core::metric_from_name(metric)) return std::nullopt;
  return "'" + metric + "' is not a metric (e.g. nibp_sys, nibp_dia)";
}

core::Result<alerts::RuleOverride> from_proto(const cfg::RuleOverride& o) {
  alerts::RuleOverride r;
  r.condition = o.condition();
  const auto priority = priority_of(o.priority());
  if (!priority) return core::Error{"priority: " + priority_problem(o.priority())};
  r.priority = *priority;
  if (auto problem = metric_problem(o.metric())) return core::Error{"metric: " + *problem};
  r.metric = o.metric();
  if (o.has_threshold()) r.threshold = o.threshold();
  if (o.has_delay_s()) r.delay = std::chrono::seconds{o.delay_s()};
  if (o.has_enabled()) r.enabled = o.enabled();
  r.reason = o.reason();
  r.by = "config";
  return r;
}

core::Result<std::string> apply_config_override(alerts::AlarmProfile& profile, const cfg::RuleOverride& o) {
  auto r = from_proto(o);
  if (!r) return core::Error{r.error()};
  return alerts::apply_override(profile, r.value());
}

std::string default_profile_name(const cfg::DaemonConfig& c) {
  return c.default_profile().empty() ? "ketamine-iv-adult" : c.default_profile();
}

namespace {

core::Result<std::vector<alerts::LimitRule>> rules_from(const cfg::Rule& r, const std::string& where) {
  if (r.condition().empty()) return core::Error{where + ": condition is required"};
  const auto priority = priority_of(r.priority());
  if (!priority) return core::Error{where + ": priority " + priority_problem(r.priority())};
  if (r.metric_size() == 0) return core::Error{where + ": at least one metric is required"};
  alerts::LimitRule base;
  base.condition = r.condition();
  base.priority = *priority;
  base.delay = std::chrono::seconds{r.delay_s()};
  base.hysteresis = r.hysteresis();
  base.latching = r.has_latching() ? r.latching() : base.priority == alerts::Priority::high;
  base.enabled = !r.disabled();
  if (r.disabled()) {
    base.off_reason = r.reason();
    base.off_by = "config";
  }
  base.label = r.label();
  base.floor = r.floor();
  switch (r.limit_case()) {
    case cfg::Rule::kAbove:
      base.kind = LimitKind::above;
      base.threshold = r.above();
      break;
    case cfg::Rule::kAtOrAbove:
      base.kind = LimitKind::at_or_above;
      base.threshold = r.at_or_above();
      break;
    case cfg::Rule::kBelow:
      base.kind = LimitKind::below;
      base.threshold = r.below();
      break;
    case cfg::Rule::kAtOrBelow:
      base.kind = LimitKind::at_or_below;
      base.threshold = r.at_or_below();
      break;
    case cfg::Rule::kRisePercent:
      base.kind = LimitKind::rise_percent;
      base.threshold = r.rise_percent();
      break;
    case cfg::Rule::kRiseAbsolute:
      base.kind = LimitKind::rise_absolute;
      base.threshold = r.rise_absolute();
      break;
    case cfg::Rule::LIMIT_NOT_SET:
      return core::Error{
          where +
          ": a limit is required (above, at_or_above, below, at_or_below, rise_percent or rise_absolute)"};
  }
  if (r.floor_metric() != cfg::METRIC_UNSPECIFIED) {
    auto fm = core::metric_from_code(static_cast<std::uint32_t>(r.floor_metric()));
    if (!fm) return core::Error{where + ": unknown floor_metric"};
    base.floor_metric = *fm;
  }
  std::vector<alerts::LimitRule> out;
  for (int i = 0; i < r.metric_size(); ++i) {
    auto m = core::metric_from_code(static_cast<std::uint32_t>(r.metric(i)));
    if (!m) return core::Error{where + ": metric must be set"};
    auto rule = base;
    rule.metric = *m;
    out.push_back(rule);
  }
  return out;
}

}  // namespace

core::Result<ProfileSet> build_profiles(const cfg::DaemonConfig& c) {
  ProfileSet set;
  const auto builtin = alerts::ketamine_iv_adult_profile();
  set[builtin.name] = builtin;
  // Profiles may be based on profiles defined earlier in the file.
  for (const auto& p : c.profile()) {
    if (p.name().empty()) return core::Error{"profile: a profile needs a name"};
    if (set.count(p.name()) && p.name() != builtin.name)
      return core::Error{"profile " + p.name() + ": defined twice"};
    alerts::AlarmProfile profile;
    if (!p.based_on().empty()) {
      auto it = set.find(p.based_on());
      if (it == set.end())
        return core::Error{"profile " + p.name() + ": based_on '" + p.based_on() +
                           "' is not defined above it"};
      profile = it->second;
    }
    profile.name = p.name();
    // A rule given for a (condition, priority) replaces that level of the base.
    for (int i = 0; i < p.rule_size(); ++i) {
      const auto& r = p.rule(i);
      std::erase_if(profile.rules, [&](const alerts::LimitRule& old) {
        return old.condition == r.condition() && old.priority == priority_of(r.priority());
      });
    }
    for (int i = 0; i < p.rule_size(); ++i) {
      auto rules = rules_from(p.rule(i), "profile " + p.name() + " rule " + std::to_string(i + 1));
      if (!rules) return core::Error{rules.error()};
      profile.rules.insert(profile.rules.end(), rules->begin(), rules->end());
    }
    if (p.audio_pause_s()) profile.engine.audio_pause = std::chrono::seconds{p.audio_pause_s()};
    if (p.escalate_medium_after_s())
      profile.engine.escalate_medium_after = std::chrono::seconds{p.escalate_medium_after_s()};
    if (p.escalate_never()) profile.engine.escalate_medium_after = core::Duration{0};
    if (p.nibp_cycle_s()) profile.nibp_cycle = std::chrono::seconds{p.nibp_cycle_s()};
    if (p.nibp_grace_s()) profile.nibp_grace = std::chrono::seconds{p.nibp_grace_s()};
    if (auto problem = alerts::check_profile(profile))
      return core::Error{"profile " + p.name() + ": " + problem->text()};
    set[p.name()] = profile;
  }
  return set;
}

}  // namespace vigil::daemon
