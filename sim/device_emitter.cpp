#include "sim/device_emitter.hpp"

#include <array>

#include "sim/emitters.hpp"

namespace vigil::sim {
namespace {
struct Entry {
  std::string_view protocol;
  std::unique_ptr<DeviceEmitter> (*make)();
};
constexpr std::array kEmitters{
    Entry{"masimo", make_masimo_emitter},         Entry{"hl7-mllp", make_hl7_emitter},
    Entry{"nonin-2", make_nonin2_emitter},        Entry{"nonin-7", make_nonin7_emitter},
    Entry{"nonin-8", make_nonin8_emitter},        Entry{"cms50", make_cms50_emitter},
    Entry{"intellivue", make_intellivue_emitter}, Entry{"datex", make_datex_emitter},
};
}  // namespace

std::unique_ptr<DeviceEmitter> make_emitter(std::string_view protocol) {
  for (const auto& e : kEmitters)
    if (e.protocol == protocol) return e.make();
  return nullptr;
}

std::string emitter_names() {
  std::string names;
  for (const auto& e : kEmitters) names += (names.empty() ? "" : ", ") + std::string{e.protocol};
  return names;
}

}  // namespace vigil::sim
