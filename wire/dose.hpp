#pragma once
// vigil.v1.Dose (StartInfusion's dose as numbers) to core's InfusionDose.
#include "core/infusion_dose.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::wire {

core::InfusionDose from_proto(const vigil::v1::Dose& d);

}  // namespace vigil::wire
