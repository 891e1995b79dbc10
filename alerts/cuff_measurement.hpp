#pragma once
// A cuff (NIBP) measurement reaches vigild as several readings, systolic,
// diastolic and mean, in one device read. Conditions with rules on more than
// one of them ("systolic >= 180 or diastolic >= 110") must be judged on the
// whole measurement: judged one reading at a time, a new systolic is held
// against the old diastolic and the alarm clears and rises again in the same
// instant. Streamed values (SpO₂, pulse) stay one reading each, so no
// crossing inside a read is ever merged away.
#include <cstddef>
#include <span>

#include "core/observation.hpp"

namespace vigil::alerts {

// The end (one past the last) of the measurement that starts at `first`: the
// cuff readings that follow it in the same read with the same measured time,
// up to a metric seen twice (the next measurement). Any other reading is a
// measurement of its own. A measurement whose diastolic never came (a device
// sending only systolic, a garbled frame) is what the read brought: nothing
// waits for a later read.
std::size_t measurement_end(std::span<const core::Reading> read, std::size_t first);

}  // namespace vigil::alerts
