#pragma once
// The arterial pulse at a fingertip as an oximeter's plethysmogram draws it.
#include "core/time.hpp"

namespace vigil::sim {

// One pulse, `since_beat` after the heartbeat that caused it: 0 at the foot,
// 1 at the systolic peak about 0.12 s later, a dicrotic wave, then a decay
// toward the next foot.
double pulse_shape(core::Duration since_beat);

}  // namespace vigil::sim
