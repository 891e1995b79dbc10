#include "record/baseline_text.hpp"

#include <charconv>
#include <cmath>

namespace vigil::record {

std::map<core::Metric, double> parse_baseline_values(std::string_view text) {
  std::map<core::Metric, double> values;
  while (!text.empty()) {
    const auto comma = text.find(", ");
    const auto item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 2);
    const auto space = item.rfind(' ');
    if (space == std::string_view::npos) continue;
    const auto label = item.substr(0, space);
    const auto number = item.substr(space + 1);
    double v = 0;
    const auto r = std::from_chars(number.data(), number.data() + number.size(), v);
    if (r.ec != std::errc{} || r.ptr != number.data() + number.size() || !std::isfinite(v)) continue;
    for (const auto& m : core::all_metrics())
      if (m.label == label) values[m.metric] = v;
  }
  return values;
}

}  // namespace vigil::record
