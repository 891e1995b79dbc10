#pragma once
// The per-protocol emitter factories, gathered by device_emitter.cpp.
#include <memory>

#include "sim/device_emitter.hpp"

namespace vigil::sim {
std::unique_ptr<DeviceEmitter> make_masimo_emitter();
std::unique_ptr<DeviceEmitter> make_hl7_emitter();
}  // namespace vigil::sim
