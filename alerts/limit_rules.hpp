#pragma once
// Absolute limits: a reading past a threshold is a condition. Several rules
// may share one condition ("SBP >= 200 or DBP >= 120" is one hypertensive
// crisis); the condition is present while any of its rules is. A rule clears
// only once its value is back past the threshold by the hysteresis, so a value
// hovering at the limit does not flap.
#include <string>
#include <vector>

#include "alerts/alarm.hpp"
#include "core/observation.hpp"

namespace vigil::alerts {

enum class Direction : std::uint8_t { above, below };

struct LimitRule {
  std::string condition;
  core::Metric metric{};
  Direction direction = Direction::above;
  double threshold = 0;
  bool inclusive = false;  // ">=" / "<=" rather than ">" / "<"
  Priority priority = Priority::medium;
  core::Duration delay{};
  double hysteresis = 0;
  bool latching = false;
  std::string label;       // for people: "SpO2 low", "Hypertensive crisis"
};

class LimitRules {
 public:
  explicit LimitRules(std::vector<LimitRule> rules = {});
  // Reports for every condition that has a rule on this reading's metric.
  // Unusable readings (artifact, sensor off, invalid) report nothing: they
  // neither count toward a condition nor clear it.
  std::vector<ConditionReport> evaluate(const core::Reading& r, const std::string& device) ;
  const std::vector<LimitRule>& rules() const { return rules_; }

 private:
  bool crossed(const LimitRule& rule, double value, bool was_present) const;
  std::vector<LimitRule> rules_;
  std::vector<bool> present_;           // per rule
  std::vector<double> last_value_;      // per rule
};

std::string describe_limit(const LimitRule& rule);

}  // namespace vigil::alerts
