#pragma once
#include <string>
#include <vector>

namespace vigil::sim {
struct BuiltinScenario {
  const char* name;
  const char* text;
};
// The scenario library shipped in sim/scenarios/ (*.scn), built into the binary.
const std::vector<BuiltinScenario>& builtin_scenarios();
// The ward files shipped beside them (*.ward).
const std::vector<BuiltinScenario>& builtin_wards();
}  // namespace vigil::sim
