#include "daemon/infusion_bounds.hpp"

#include "alerts/alarm_settings.hpp"
#include "core/infusion_dose.hpp"
#include "daemon/infusion_course.hpp"

namespace vigil::daemon {
namespace v1 = vigil::v1;
using core::Metric;

namespace {

constexpr BaselineField kBaselineFields[] = {
    {.name = "nibp_sys", .metric = Metric::nibp_systolic, .value = &v1::Baseline::nibp_sys},
    {.name = "nibp_dia", .metric = Metric::nibp_diastolic, .value = &v1::Baseline::nibp_dia},
    {.name = "nibp_mean", .metric = Metric::nibp_mean, .value = &v1::Baseline::nibp_mean},
    {.name = "heart_rate", .metric = Metric::heart_rate, .value = &v1::Baseline::heart_rate},
    {.name = "spo2", .metric = Metric::spo2, .value = &v1::Baseline::spo2},
};

v1::InfusionBounds stated() {
  using B = core::DoseBounds;
  v1::InfusionBounds b;
  b.set_dose_amount_max(B::amount_max);
  b.set_weight_min_kg(B::weight_min_kg);
  b.set_weight_max_kg(B::weight_max_kg);
  b.set_duration_min_max(B::duration_min_max);
  b.set_rate_max_mg_per_min(InfusionCourse::kMaxRateMgPerMin);
  for (const auto& f : kBaselineFields) {
    auto* v = b.add_baseline();
    v->set_field(std::string{f.name});
    v->set_lowest(alerts::metric_range(f.metric).lowest);
    v->set_highest(alerts::metric_range(f.metric).highest);
  }
  return b;
}

}  // namespace

std::span<const BaselineField> baseline_fields() {
  return kBaselineFields;
}

const v1::InfusionBounds& infusion_bounds() {
  static const v1::InfusionBounds bounds = stated();
  return bounds;
}

}  // namespace vigil::daemon
