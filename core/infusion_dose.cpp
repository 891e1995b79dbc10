#include "core/infusion_dose.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace vigil::core {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> InfusionDose::problem() const {
  using B = DoseBounds;
  const auto weight_ok =
      std::isfinite(weight_kg) && weight_kg >= B::weight_min_kg && weight_kg <= B::weight_max_kg;
  const std::string weights = number(B::weight_min_kg) + " to " + number(B::weight_max_kg);
  if (!std::isfinite(amount) || amount <= 0 || amount > B::amount_max)
    return std::pair{"amount", "must be a number above 0 and at most " + number(B::amount_max)};
  if (unit != "mg/kg" && unit != "mg") return std::pair{"unit", "must be mg/kg or mg, not '" + unit + "'"};
  if (unit == "mg/kg" && !weight_ok)
    return std::pair{"weight_kg", "a dose in mg/kg needs the weight in kg (" + weights + ")"};
  if (unit == "mg" && weight_kg != 0 && !weight_ok)
    return std::pair{"weight_kg", "must be " + weights + " kg when given"};
  if (duration_min < 1 || duration_min > B::duration_min_max)
    return std::pair{"duration_min", "must be 1 to " + std::to_string(B::duration_min_max) + " minutes"};
  return std::nullopt;
}

double InfusionDose::given_mg(Duration running) const {
  const double minutes = std::chrono::duration<double, std::ratio<60>>(running).count();
  return rate_mg_per_min() * std::clamp(minutes, 0.0, static_cast<double>(duration_min));
}

std::string InfusionDose::text() const {
  std::string s = number(amount) + " " + unit;
  if (unit == "mg/kg") s += " \u00d7 " + number(weight_kg) + " kg = " + number(total_mg()) + " mg";
  return s + " over " + std::to_string(duration_min) + " min (" + number(rate_mg_per_min()) + " mg/min)";
}

std::string infusion_rate_text(double mg_per_min) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g mg/min", std::round(mg_per_min * 1000) / 1000);
  return buf;
}

std::optional<double> parse_infusion_rate(std::string_view text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} ||
      std::string_view{end, static_cast<std::size_t>(text.data() + text.size() - end)} != " mg/min")
    return std::nullopt;
  if (!std::isfinite(v) || v <= 0) return std::nullopt;
  return v;
}

}  // namespace vigil::core
