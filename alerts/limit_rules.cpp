#include "alerts/limit_rules.hpp"

#include <cstdio>

namespace vigil::alerts {

LimitRules::LimitRules(std::vector<LimitRule> rules)
    : rules_{std::move(rules)}, present_(rules_.size(), false), last_value_(rules_.size(), 0.0) {}

bool LimitRules::crossed(const LimitRule& rule, double value, bool was_present) const {
  // Once present, the value must come back past threshold +/- hysteresis.
  const double edge = was_present ? (rule.direction == Direction::above ? rule.threshold - rule.hysteresis
                                                                         : rule.threshold + rule.hysteresis)
                                  : rule.threshold;
  const bool inclusive = rule.inclusive || (was_present && rule.hysteresis > 0);
  if (rule.direction == Direction::above) return inclusive ? value >= edge : value > edge;
  return inclusive ? value <= edge : value < edge;
}

namespace {
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
}  // namespace

std::string describe_limit(const LimitRule& rule) {
  const char* op = rule.direction == Direction::above ? (rule.inclusive ? ">=" : ">") : (rule.inclusive ? "<=" : "<");
  return std::string{core::name(rule.metric)} + " " + op + " " + number(rule.threshold) + " " +
         std::string{core::info(rule.metric).ucum_unit};
}

std::vector<ConditionReport> LimitRules::evaluate(const core::Reading& r, const std::string& device) {
  std::vector<ConditionReport> reports;
  if (!r.quality.usable()) return reports;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].metric != r.metric) continue;
    present_[i] = crossed(rules_[i], r.value, present_[i]);
    last_value_[i] = r.value;
  }
  // One report per condition touched by this metric, combining its rules.
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const LimitRule& rule = rules_[i];
    if (rule.metric != r.metric) continue;
    bool seen = false;
    for (const auto& rep : reports) seen = seen || rep.condition == rule.condition;
    if (seen) continue;
    ConditionReport rep;
    rep.condition = rule.condition;
    rep.kind = AlarmKind::physiological;
    rep.device = device;
    const LimitRule* worst = nullptr;
    std::size_t worst_i = 0;
    for (std::size_t j = 0; j < rules_.size(); ++j) {
      if (rules_[j].condition != rule.condition || !present_[j]) continue;
      if (!worst || rules_[j].priority > worst->priority) {
        worst = &rules_[j];
        worst_i = j;
      }
    }
    const LimitRule& basis = worst ? *worst : rule;
    const double value = worst ? last_value_[worst_i] : r.value;
    rep.present = worst != nullptr;
    rep.priority = basis.priority;
    rep.delay = basis.delay;
    rep.latching = basis.latching;
    rep.metric = basis.metric;
    rep.value = value;
    rep.limit = basis.threshold;
    rep.message = (basis.label.empty() ? basis.condition : basis.label) + ": " + std::string{core::name(basis.metric)} +
                  " " + number(value) + " " + std::string{core::info(basis.metric).ucum_unit} + " (limit " +
                  describe_limit(basis) + ")";
    reports.push_back(std::move(rep));
  }
  return reports;
}

}  // namespace vigil::alerts
