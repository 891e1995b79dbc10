// vigil-ctl status, as a nurse reads it: a paused infusion says so, since
// when, why and by whom, and the last rate set.
#include "tools/ctl/status_format.hpp"

#include <doctest/doctest.h>

#include "wire/timestamp.hpp"

using namespace std::chrono_literals;
namespace v1 = vigil::v1;

TEST_CASE("a paused infusion's status says since when, why and by whom, and the last rate set") {
  const vigil::core::TimePoint now{std::chrono::seconds{1'800'000'000}};
  v1::BedStatus s;
  s.set_bed("bed-1");
  s.set_patient_id("PAT-5");
  s.set_profile("ketamine");
  s.set_infusion_running(true);
  vigil::wire::set_time(s.mutable_infusion_started(), now - 30min);
  s.set_infusion_rate_mg_per_min(0.6);
  const auto running = vigil::tools::format_status(s, now, false);
  CHECK(running.find("  infusion running since 30 min ago, last rate set 0.6 mg/min\n") != std::string::npos);
  CHECK(running.find("PAUSED") == std::string::npos);

  vigil::wire::set_time(s.mutable_infusion_paused_since(), now - 5min);
  s.set_infusion_pause_reason("BP 220/120");
  s.set_infusion_paused_by("A. Diaz at station-1");
  const auto paused = vigil::tools::format_status(s, now, false);
  CHECK(paused.find("  PAUSED since 5 min ago (BP 220/120) by A. Diaz at station-1\n") != std::string::npos);
}

TEST_CASE("a running infusion's status names its drug and regimen as entered") {
  const vigil::core::TimePoint now{std::chrono::seconds{1'800'000'000}};
  v1::BedStatus s;
  s.set_bed("bed-1");
  s.set_infusion_running(true);
  vigil::wire::set_time(s.mutable_infusion_started(), now - 12min);
  s.set_infusion_drug("ketamine");
  s.set_infusion_regimen("0.5 mg/kg over 40 min");
  CHECK(vigil::tools::format_status(s, now, false)
            .find("  ketamine (0.5 mg/kg over 40 min) running since 12 min ago\n") != std::string::npos);
}
