#pragma once
// An infusion's dose as numbers, beside the regimen as typed: what vigild
// accepts in StartInfusion and what the record computes from it (the total,
// the rate, and the cumulative dose when the infusion stopped early).
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace vigil::core {

// What vigild accepts in a dose: bounds far outside any ketamine protocol,
// to catch a slip (a weight in grams, a dose in micrograms), not a clinical
// judgement. vigild states them in every bed's status (InfusionBounds) and
// the station's form checks with what it states.
struct DoseBounds {
  static constexpr double amount_max = 5000;
  static constexpr double weight_min_kg = 1;
  static constexpr double weight_max_kg = 400;
  static constexpr int duration_min_max = 24 * 60;
};

struct InfusionDose {
  double amount = 0;
  std::string unit;  // "mg/kg" or "mg"
  double weight_kg = 0;
  int duration_min = 0;

  // What is wrong, as {field, problem}; empty when it is a dose.
  std::optional<std::pair<std::string, std::string>> problem() const;
  double total_mg() const { return unit == "mg/kg" ? amount * weight_kg : amount; }
  double rate_mg_per_min() const { return total_mg() / duration_min; }
  // How much ran in `running` (evenly over the duration, none after it).
  double given_mg(Duration running) const;
  // "0.5 mg/kg × 72 kg = 36 mg over 40 min (0.9 mg/min)"
  std::string text() const;
};

// A pump's rate as vigild journals it in an infusion_rate_changed event and
// every reader takes it back: "0.6 mg/min" (at most 3 decimals).
std::string infusion_rate_text(double mg_per_min);
// The rate in such a text; nothing for any other text or a rate not above 0.
std::optional<double> parse_infusion_rate(std::string_view text);

}  // namespace vigil::core
