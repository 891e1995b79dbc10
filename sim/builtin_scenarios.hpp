#pragma once
#include <string>
#include <vector>

namespace vigil::sim {
struct BuiltinScenario {
  const char* name;
  const char* text;
};
// The scenario library shipped in sim/scenarios/, built into the binary.
const std::vector<BuiltinScenario>& builtin_scenarios();
}  // namespace vigil::sim
