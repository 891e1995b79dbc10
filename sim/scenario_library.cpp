#include "sim/scenario_library.hpp"

#include <filesystem>

#include "core/bounded_file.hpp"
#include "sim/builtin_scenarios.hpp"

namespace vigil::sim {

bool names_a_file(const std::string& ref) {
  return ref.find('/') != std::string::npos || ref.find('.') != std::string::npos;
}

std::string resolve_path(const std::string& ref, const std::string& base_dir) {
  const std::filesystem::path p{ref};
  if (p.is_absolute() || base_dir.empty()) return ref;
  return (std::filesystem::path{base_dir} / p).lexically_normal().string();
}

std::string builtin_scenario_names() {
  std::string names;
  for (const auto& b : builtin_scenarios()) names += (names.empty() ? "" : ", ") + std::string{b.name};
  return names;
}

core::Result<Scenario> find_scenario(const std::string& ref, const std::string& base_dir) {
  if (names_a_file(ref)) return load_scenario(resolve_path(ref, base_dir));
  for (const auto& b : builtin_scenarios())
    if (ref == b.name) return parse_scenario(b.text, std::string{"(built-in) "} + b.name + ".scn");
  return core::Error{"no built-in scenario '" + ref + "' (built in: " + builtin_scenario_names() +
                     "); or give a file path"};
}

core::Result<std::string> find_ward_text(const std::string& ref, std::string& file, std::string& base_dir) {
  if (!names_a_file(ref)) {
    for (const auto& b : builtin_wards()) {
      if (ref != b.name) continue;
      file = std::string{"(built-in) "} + b.name + ".ward";
      base_dir.clear();
      return std::string{b.text};
    }
    std::string known;
    for (const auto& b : builtin_wards()) known += (known.empty() ? "" : ", ") + std::string{b.name};
    return core::Error{"no built-in ward '" + ref + "' (built in: " + known + "); or give a file path"};
  }
  auto text = core::read_bounded_file(ref, kMaxScenarioFileBytes);
  if (!text) return core::Error{"cannot read the ward file " + text.error()};
  file = ref;
  base_dir = std::filesystem::path{ref}.parent_path().string();
  return text;
}

}  // namespace vigil::sim
