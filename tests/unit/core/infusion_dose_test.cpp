#include "core/infusion_dose.hpp"

#include <doctest/doctest.h>

using vigil::core::InfusionDose;
using namespace std::chrono_literals;

TEST_CASE("A dose in mg/kg: its total, rate, and what ran before an early stop") {
  const InfusionDose d{0.5, "mg/kg", 72, 40};
  CHECK_FALSE(d.problem());
  CHECK(d.total_mg() == doctest::Approx(36));
  CHECK(d.rate_mg_per_min() == doctest::Approx(0.9));
  CHECK(d.given_mg(30min) == doctest::Approx(27));
  CHECK(d.given_mg(55min) == doctest::Approx(36));  // none after its duration
  CHECK(d.given_mg(-1min) == 0);
  CHECK(d.text() == "0.5 mg/kg \u00d7 72 kg = 36 mg over 40 min (0.9 mg/min)");
  CHECK(InfusionDose{35, "mg", 0, 40}.total_mg() == 35);
}

TEST_CASE("A dose that cannot be is refused at its field") {
  CHECK(InfusionDose{0.5, "mg/kg", 0, 40}.problem()->first == "weight_kg");
  CHECK(InfusionDose{0, "mg", 0, 40}.problem()->first == "amount");
  CHECK(InfusionDose{0.5, "ml", 72, 40}.problem()->first == "unit");
  CHECK(InfusionDose{0.5, "mg/kg", 72, 0}.problem()->first == "duration_min");
  CHECK(InfusionDose{0.5, "mg/kg", 72000, 40}.problem()->first == "weight_kg");  // grams, not kg
}

TEST_CASE("A pump's rate is journalled as \"0.6 mg/min\" and read back; any other text is no rate") {
  using vigil::core::infusion_rate_text;
  using vigil::core::parse_infusion_rate;
  CHECK(infusion_rate_text(0.6) == "0.6 mg/min");
  CHECK(infusion_rate_text(1000) == "1000 mg/min");
  CHECK(infusion_rate_text(0.12345) == "0.123 mg/min");  // at most 3 decimals
  CHECK(parse_infusion_rate(infusion_rate_text(0.6)) == doctest::Approx(0.6));
  CHECK(parse_infusion_rate("2.5 mg/min") == doctest::Approx(2.5));
  CHECK_FALSE(parse_infusion_rate(""));
  CHECK_FALSE(parse_infusion_rate("0.6"));
  CHECK_FALSE(parse_infusion_rate("0.6 mg/h"));
  CHECK_FALSE(parse_infusion_rate("0 mg/min"));
  CHECK_FALSE(parse_infusion_rate("-1 mg/min"));
  CHECK_FALSE(parse_infusion_rate("nan mg/min"));
  CHECK_FALSE(parse_infusion_rate("0.6 mg/min extra"));
}
