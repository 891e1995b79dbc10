#include "display/metric_names.hpp"

#include "core/metric.hpp"

namespace vigil::display {

const std::vector<ShownName>& shown_names() {
  static const std::vector<ShownName> k = [] {
    std::vector<ShownName> names;
    for (const auto& m : core::all_metrics())
      names.push_back({std::string{m.name}, std::string{m.label}, std::string{m.display_unit}});
    const auto& sys = core::info(core::Metric::nibp_systolic);
    names.push_back({"nibp", "NIBP", std::string{sys.display_unit}});
    return names;
  }();
  return k;
}

}  // namespace vigil::display
