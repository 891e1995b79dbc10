#pragma once
// What vigild accepts in the infusion commands, in one place: the values of
// a Baseline by field, and the bounds of a dose, a rate and each baseline
// value as every bed's status states them (BedStatus.infusion_bounds), so
// that the station's forms check with vigild's numbers, never copies.
#include <span>
#include <string_view>

#include "core/metric.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::daemon {

// One value of a vigil.v1.Baseline: its field and the metric it is the baseline of.
struct BaselineField {
  std::string_view name;  // "nibp_sys", as in the proto and in refusals ("admit.baseline.nibp_sys")
  core::Metric metric;
  double (vigil::v1::Baseline::*value)() const;
};
std::span<const BaselineField> baseline_fields();

const vigil::v1::InfusionBounds& infusion_bounds();

}  // namespace vigil::daemon
