#pragma once
// vigil's alarm transitions in IHE PCD-04 terms (phase, state, inactivation
// state, priority, type).
#include "hl7out/pcd04_encoder.hpp"
#include "vigil/v1/bus.pb.h"

namespace vigil::hl7out {

AlertReport to_alert_report(const vigil::v1::AlarmEvent& e);

}  // namespace vigil::hl7out
