// The rules in force as the journal keeps them, read back exactly; and the
// rule engine's own judgement of one value, which the infusion record uses.
#include "alerts/limits_in_force.hpp"

#include <doctest/doctest.h>

#include "alerts/alarm_profile.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using core::Metric;

TEST_CASE("the shipped profile's rules come back from the journal's text exactly as they were") {
  auto rules = ketamine_iv_adult_profile().rules;
  rules.front().enabled = false;
  const auto back = parse_limits_text(limits_text(rules));
  REQUIRE(back.ok());
  REQUIRE(back.value().size() == rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto& a = rules[i];
    const auto& b = back.value()[i];
    CHECK(describe_limit(a) == describe_limit(b));
    CHECK((a.condition == b.condition && a.priority == b.priority && a.metric == b.metric &&
           a.kind == b.kind && a.threshold == b.threshold && a.floor_metric == b.floor_metric &&
           a.floor == b.floor && a.delay == b.delay && a.hysteresis == b.hysteresis &&
           a.enabled == b.enabled));
  }
}

TEST_CASE("an edited limits text is refused whole, naming the line, never read in part") {
  const auto good = limits_text(ketamine_iv_adult_profile().rules);
  CHECK(parse_limits_text(good + "\nhypertension\turgent\tnibp_sys\tabove\t200\t-\t0\t0\t0\ton")
            .error()
            .find("priority 'urgent'") != std::string::npos);
  CHECK(parse_limits_text("hypertension\thigh\tnibp_sys\tabove\tlots\t-\t0\t0\t0\ton").error() ==
        "limits line 1 threshold, floor, delay or hysteresis is not a number in range");
  CHECK(parse_limits_text("hypertension\thigh\tnibp_systolic").error() ==
        "limits line 1 has 3 fields, not 10");
  CHECK(parse_limits_text("").value().empty());
}

TEST_CASE("a 30 % surge over a 140 systolic baseline is 182, and counts only above its 160 floor") {
  LimitRule surge;
  surge.metric = Metric::nibp_systolic;
  surge.kind = LimitKind::rise_percent;
  surge.threshold = 30;
  surge.floor = 160;
  CHECK(limit_of(surge, 140) == doctest::Approx(182));
  CHECK(past_limit(surge.kind, 182, limit_of(surge, 140)));
  CHECK_FALSE(past_limit(surge.kind, 181, limit_of(surge, 140)));
  CHECK(meets_floor(surge, 182.0));
  // A low baseline: 30 % over 110 is 143, under the floor, so no surge.
  CHECK(past_limit(surge.kind, 150, limit_of(surge, 110)));
  CHECK_FALSE(meets_floor(surge, 150.0));
  CHECK_FALSE(meets_floor(surge, std::nullopt));
  LimitRule crisis;
  crisis.metric = Metric::nibp_systolic;
  crisis.threshold = 200;
  CHECK(limit_of(crisis, 140) == 200);
  CHECK_FALSE(past_limit(crisis.kind, 200, 200));
  CHECK(past_limit(crisis.kind, 200, 200, 5));  // once past, it must come back under 195
}
