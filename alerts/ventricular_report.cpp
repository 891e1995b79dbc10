#include "alerts/ventricular_report.hpp"

#include <utility>

namespace vigil::alerts {

ConditionReport ventricular_report(std::string condition, const std::optional<core::TimePoint>& onset) {
  ConditionReport r;
  r.condition = std::move(condition);
  r.kind = AlarmKind::physiological;
  r.rule = AlarmRule::rhythm;
  r.priority = Priority::high;
  r.latching = true;
  r.present = onset.has_value();
  r.since = onset;
  return r;
}

}  // namespace vigil::alerts
