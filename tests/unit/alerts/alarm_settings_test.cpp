// The one check of alarm settings: no number, enum or order of levels can
// switch an alarm off; only the explicit switch, with a reason, does.
#include "alerts/alarm_settings.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "alerts/bed_alarms.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using core::Metric;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

RuleOverride threshold(std::string condition, Priority p, double value) {
  RuleOverride o;
  o.condition = std::move(condition);
  o.priority = p;
  o.threshold = value;
  o.by = "admin";
  return o;
}

std::string refusal(const RuleOverride& o) {
  auto profile = ketamine_iv_adult_profile();
  const auto before = profile.rules.size();
  auto r = apply_override(profile, o);
  REQUIRE_FALSE(r.ok());
  // A refusal changes nothing.
  CHECK(profile.rules.size() == before);
  const auto shipped = ketamine_iv_adult_profile();
  for (std::size_t i = 0; i < shipped.rules.size(); ++i) {
    CHECK(profile.rules[i].threshold == shipped.rules[i].threshold);
    CHECK(profile.rules[i].enabled == shipped.rules[i].enabled);
  }
  return r.error();
}

}  // namespace

TEST_CASE("the shipped profile passes its own check, and every metric has a range") {
  CHECK_FALSE(check_profile(ketamine_iv_adult_profile()).has_value());
  for (const auto& info : core::all_metrics()) CHECK(metric_range(info.metric).metric == info.metric);
}

TEST_CASE("a NaN threshold is refused: it would turn the alarm off without a word") {
  const auto e = refusal(threshold("desaturation", Priority::high, kNaN));
  CHECK(e.starts_with("threshold:"));
  CHECK(e.find("not a number") != std::string::npos);
  CHECK(refusal(threshold("desaturation", Priority::medium, std::numeric_limits<double>::infinity()))
            .starts_with("threshold:"));
}

TEST_CASE("a desaturation limit below 70 % or at 100 % is refused") {
  CHECK(refusal(threshold("desaturation", Priority::high, 60)).find("70-99") != std::string::npos);
  CHECK(refusal(threshold("desaturation", Priority::medium, 100)).starts_with("threshold:"));
}

TEST_CASE("a high level below its medium level is refused: the medium would hide it") {
  // High desaturation at 92 % would sit above the medium 90 %.
  const auto e = refusal(threshold("desaturation", Priority::high, 92));
  CHECK(e.find("at or below its medium level") != std::string::npos);
  // Extreme tachycardia at 110 would sit below tachycardia at 120.
  CHECK(refusal(threshold("tachycardia", Priority::high, 110)).find("at or above its medium level") !=
        std::string::npos);
}

TEST_CASE("a low limit at or above the same metric's high limit is refused") {
  // Hypotension below 200 systolic while hypertension alarms at 180.
  const auto e = refusal(threshold("hypotension", Priority::medium, 190));
  CHECK(e.find("is at or above hypertension") != std::string::npos);
  // Bradycardia below 130 would overlap tachycardia above 120.
  CHECK(refusal(threshold("bradycardia", Priority::medium, 130)).starts_with("threshold:"));
  auto profile = ketamine_iv_adult_profile();
  REQUIRE(apply_override(profile, threshold("tachycardia", Priority::medium, 100)).ok());
  auto r = apply_override(profile, threshold("bradycardia", Priority::medium, 100));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("every value would alarm") != std::string::npos);
}

TEST_CASE("delays are bounded per condition: desaturation waits at most 30 s") {
  RuleOverride o;
  o.condition = "desaturation";
  o.priority = Priority::medium;
  o.delay = 31s;
  CHECK(refusal(o).starts_with("delay_s:"));
  o.delay = 30s;
  auto profile = ketamine_iv_adult_profile();
  CHECK(apply_override(profile, o).ok());
}

TEST_CASE("a level goes off only with a reason, and says who and why") {
  RuleOverride o;
  o.condition = "desaturation";
  o.priority = Priority::medium;
  o.enabled = false;
  o.by = "Dr. Lee";
  CHECK(refusal(o).starts_with("reason:"));
  o.reason = "chronic lung disease, baseline SpO2 88 %";
  auto profile = ketamine_iv_adult_profile();
  auto r = apply_override(profile, o);
  REQUIRE(r.ok());
  CHECK(r.value().find("(reason: chronic lung disease") != std::string::npos);
  for (const auto& rule : profile.rules) {
    if (rule.condition != "desaturation" || rule.priority != Priority::medium) continue;
    CHECK_FALSE(rule.enabled);
    CHECK(rule.off_by == "Dr. Lee");
    CHECK(rule.off_reason == "chronic lung disease, baseline SpO2 88 %");
  }
  o.enabled = true;
  o.reason.clear();
  REQUIRE(apply_override(profile, o).ok());
  for (const auto& rule : profile.rules) CHECK(rule.off_reason.empty());
}

TEST_CASE("a profile without a desaturation rule is refused; one based on the default is not") {
  auto profile = ketamine_iv_adult_profile();
  std::erase_if(profile.rules, [](const LimitRule& r) { return r.condition == "desaturation"; });
  const auto e = check_profile(profile);
  REQUIRE(e.has_value());
  CHECK(e->field == "condition");
  CHECK(e->text().starts_with("condition: profile ketamine-iv-adult has no desaturation rule"));
}

TEST_CASE("baselines must be finite and inside the metric's range") {
  CHECK(check_baseline_value(Metric::spo2, kNaN).value() == "is not a number");
  CHECK(check_baseline_value(Metric::nibp_systolic, 500).has_value());
  CHECK_FALSE(check_baseline_value(Metric::nibp_systolic, 128).has_value());
}

// Whatever settings are accepted, SpO2 60 held for a minute still raises a
// desaturation alarm, unless the condition was switched off on purpose.
TEST_CASE("property: any accepted settings still alarm on SpO2 60 for a minute") {
  std::mt19937 rng{20261204};  // fixed: the same settings every run
  const std::vector<std::string> conditions{"desaturation", "tachycardia", "bradycardia",
                                            "hypertension", "hypotension", "bp_surge"};
  const std::vector<double> numbers{kNaN, -1, 0,  1,  50, 60,  69.9, 70,  80,
                                    85,   89, 90, 95, 99, 100, 120,  180, 1e9};
  int accepted = 0, switched_off = 0;
  for (int trial = 0; trial < 400; ++trial) {
    auto profile = ketamine_iv_adult_profile();
    if (trial % 8 == 0) {
      // Some trials start with the condition switched off on purpose (later
      // random changes may switch a level on again).
      for (auto p : {Priority::medium, Priority::high}) {
        RuleOverride off;
        off.condition = "desaturation";
        off.priority = p;
        off.enabled = false;
        off.reason = "on purpose";
        REQUIRE(apply_override(profile, off).ok());
      }
    }
    for (int n = 0; n < 4; ++n) {
      RuleOverride o;
      o.condition = rng() % 2 ? "desaturation" : conditions[rng() % conditions.size()];
      o.priority = static_cast<Priority>(1 + rng() % 3);
      o.by = "property";
      switch (rng() % 4) {
        case 0:
          o.threshold = numbers[rng() % numbers.size()];
          break;
        case 1:
          o.delay = std::chrono::seconds{static_cast<int>(rng() % 200) - 20};
          break;
        case 2:
          o.enabled = rng() % 2 == 0;
          if (rng() % 2) o.reason = "on purpose";
          break;
        default:
          o.threshold = numbers[rng() % numbers.size()];
          o.delay = std::chrono::seconds{rng() % 40};
      }
      if (apply_override(profile, o).ok()) ++accepted;
      REQUIRE_FALSE(check_profile(profile).has_value());
    }
    const bool off = std::none_of(profile.rules.begin(), profile.rules.end(), [](const LimitRule& r) {
      return r.condition == "desaturation" && r.enabled;
    });
    switched_off += off;
    core::ManualClock clock;
    BedAlarms bed{"bed-1", profile};
    BedOutput out;
    bool raised = false;
    for (int s = 0; s < 60; ++s) {
      bed.on_reading("oximeter", core::Reading{Metric::spo2, 60, {}, {}}, clock.now(), out);
      bed.tick(clock.now(), out);
      clock.advance(1s);
    }
    for (const auto& a : out.alarms)
      raised = raised || (a.condition == "desaturation" && a.transition == Transition::raised);
    if (off) {
      CHECK_FALSE(raised);
    } else {
      CHECK(raised);
    }
  }
  // The random settings reached both sides of the switch and were often accepted.
  CHECK(accepted > 100);
  CHECK(switched_off > 0);
}
