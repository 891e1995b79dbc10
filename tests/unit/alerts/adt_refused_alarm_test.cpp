// The ADT system discharged a patient vigil refused to let go of because an
// infusion runs: a low technical alarm on the bed until staff discharge the
// patient or stop the infusion. Pure bed logic on a fake clock.
#include <doctest/doctest.h>

#include "alerts/bed_alarms.hpp"
#include "tests/unit/alerts/ketamine_bed.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;

namespace {

struct AdtBed : test::KetamineBed {
  AdtBed() {
    REQUIRE(bed.admit("PAT-1", ketamine_iv_adult_profile(), {}, {}, nurse, clock.now(), out).ok());
    REQUIRE(bed.start_infusion("ketamine", "0.5 mg/kg over 40 min", {}, nurse, clock.now(), out).ok());
    out.clear();
  }
  void refused() {
    bed.on_adt_refused(
        "ADT^A03 M6 from EPIC^HOSP (discharge of patient PAT-1) refused while the infusion runs", clock.now(),
        out);
  }
  std::vector<std::string> log() const {
    std::vector<std::string> lines;
    for (const auto& a : out.alarms)
      if (a.condition == "adt_discharge_refused")
        lines.push_back(std::string{to_string(a.transition)} + " " + std::string{to_string(a.priority)} +
                        " " + std::string{to_string(a.kind)});
    return lines;
  }
};

using Log = std::vector<std::string>;

}  // namespace

TEST_CASE(
    "an A03 refused under an infusion raises a low technical alarm at once, kept while the infusion runs") {
  AdtBed b;
  b.refused();
  REQUIRE(b.log() == Log{"raised low technical"});
  CHECK(b.out.alarms.back().message.find("discharge of patient PAT-1") != std::string::npos);
  b.wait(30min);
  CHECK(b.log() == Log{"raised low technical"});
  CHECK(b.bed.engine().has_signal("adt_discharge_refused"));
  // The ADT system sending the discharge again is the same alarm, not a new one.
  b.refused();
  CHECK(b.log() == Log{"raised low technical"});
}

TEST_CASE("staff stopping the infusion clears the ADT refusal alarm") {
  AdtBed b;
  b.refused();
  b.clock.advance(5min);
  REQUIRE(b.bed.stop_infusion(b.nurse, b.clock.now(), b.out).ok());
  CHECK(b.log() == Log{"raised low technical", "cleared low technical"});
  CHECK(b.out.alarms.back().message.find("infusion stopped by nurse Ana") != std::string::npos);
  CHECK_FALSE(b.bed.engine().has_signal("adt_discharge_refused"));
}

TEST_CASE("a discharge at the bedside (infusion still running) clears the ADT refusal alarm") {
  AdtBed b;
  b.refused();
  b.clock.advance(2min);
  REQUIRE(b.bed.discharge(b.nurse, b.clock.now(), b.out).ok());
  CHECK(b.log() == Log{"raised low technical", "cleared low technical"});
  CHECK_FALSE(b.bed.engine().has_signal("adt_discharge_refused"));
}

TEST_CASE("stopping an infusion with no refused ADT message raises or clears nothing") {
  AdtBed b;
  REQUIRE(b.bed.stop_infusion(b.nurse, b.clock.now(), b.out).ok());
  CHECK(b.log() == Log{});
}
