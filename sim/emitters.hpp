#pragma once
// The per-protocol emitter factories, gathered by device_emitter.cpp.
#include <memory>

#include "sim/device_emitter.hpp"

namespace vigil::sim {
std::unique_ptr<DeviceEmitter> make_masimo_emitter();
std::unique_ptr<DeviceEmitter> make_hl7_emitter();
std::unique_ptr<DeviceEmitter> make_nonin2_emitter();
std::unique_ptr<DeviceEmitter> make_nonin7_emitter();
std::unique_ptr<DeviceEmitter> make_nonin8_emitter();
std::unique_ptr<DeviceEmitter> make_cms50_emitter();
std::unique_ptr<DeviceEmitter> make_intellivue_emitter();
std::unique_ptr<DeviceEmitter> make_datex_emitter();
}  // namespace vigil::sim
