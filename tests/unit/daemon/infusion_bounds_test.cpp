// What vigild states it accepts in the infusion commands (every bed's
// status carries it, and the station's infusion form checks with it) is what
// it accepts: at each stated bound a value is taken, just past it refused.
#include "daemon/infusion_bounds.hpp"

#include <doctest/doctest.h>

#include "core/infusion_dose.hpp"
#include "tests/unit/daemon/in_process_daemon.hpp"
#include "wire/dose.hpp"

using namespace vigil;
namespace v1 = vigil::v1;

namespace {

v1::InfusionBounds stated(test::InProcessDaemon& w) {
  v1::CommandRequest r;
  r.mutable_snapshot()->set_bed("bed-1");
  const auto reply = w.run(r);
  REQUIRE(reply.beds_size() == 1);
  REQUIRE(reply.beds(0).has_infusion_bounds());
  return reply.beds(0).infusion_bounds();
}

// set_baseline with one value of the Baseline, by its field's name.
v1::CommandReply baseline(test::InProcessDaemon& w, const std::string& field, double value) {
  v1::CommandRequest r;
  auto* b = r.mutable_set_baseline()->mutable_baseline();
  r.mutable_set_baseline()->set_bed("bed-1");
  const auto* f = b->GetDescriptor()->FindFieldByName(field);
  REQUIRE(f);
  b->GetReflection()->SetDouble(b, f, value);
  return w.run(r);
}

v1::CommandReply rate(test::InProcessDaemon& w, double mg_per_min) {
  v1::CommandRequest r;
  r.mutable_change_infusion_rate()->set_bed("bed-1");
  r.mutable_change_infusion_rate()->set_rate_mg_per_min(mg_per_min);
  return w.run(r);
}

v1::CommandReply admit(test::InProcessDaemon& w) {
  v1::CommandRequest r;
  r.mutable_admit()->set_bed("bed-1");
  r.mutable_admit()->set_patient_id("PAT-5");
  return w.run(r);
}

core::InfusionDose dose(double amount, double weight, int minutes) {
  return core::InfusionDose{amount, "mg/kg", weight, minutes};
}

}  // namespace

TEST_CASE("each baseline value is taken at the bounds vigild states, and refused just past them") {
  test::InProcessDaemon w{"bounds-baseline", test::kOneBedConfig, "nurse Ben", "station-2"};
  REQUIRE(admit(w).ok());
  const auto b = stated(w);
  REQUIRE(b.baseline_size() == static_cast<int>(daemon::baseline_fields().size()));
  for (const auto& bound : b.baseline()) {
    CAPTURE(bound.field());
    CHECK(bound.lowest() < bound.highest());
    CHECK(baseline(w, bound.field(), bound.lowest()).ok());
    CHECK(baseline(w, bound.field(), bound.highest()).ok());
    for (const double past : {bound.lowest() - 0.5, bound.highest() + 0.5}) {
      const auto refused = baseline(w, bound.field(), past);
      CHECK(refused.error_field() == "set_baseline.baseline." + bound.field());
    }
  }
}

TEST_CASE("a dose and a rate are taken at the bounds vigild states, and refused just past them") {
  test::InProcessDaemon w{"bounds-dose", test::kOneBedConfig, "nurse Ben", "station-2"};
  const auto b = stated(w);
  CHECK_FALSE(dose(b.dose_amount_max(), b.weight_max_kg(), static_cast<int>(b.duration_min_max())).problem());
  CHECK_FALSE(dose(0.5, b.weight_min_kg(), 1).problem());
  CHECK(dose(b.dose_amount_max() + 0.01, 72, 40).problem()->first == "amount");
  CHECK(dose(0.5, b.weight_max_kg() + 0.1, 40).problem()->first == "weight_kg");
  CHECK(dose(0.5, b.weight_min_kg() - 0.1, 40).problem()->first == "weight_kg");
  CHECK(dose(0.5, 72, static_cast<int>(b.duration_min_max()) + 1).problem()->first == "duration_min");

  REQUIRE(admit(w).ok());
  v1::CommandRequest start;
  start.mutable_start_infusion()->set_bed("bed-1");
  REQUIRE(w.run(start).ok());
  CHECK(rate(w, b.rate_max_mg_per_min() + 0.01).error_field() == "change_infusion_rate.rate_mg_per_min");
  CHECK(rate(w, b.rate_max_mg_per_min()).ok());
}
