// set_baseline through vigild's command channel: refused naming the field
// and changing nothing when it is not one; else the bed's status carries the
// new baseline, the bus says what it replaced and by whom, and a restart of
// vigild keeps it.
#include <doctest/doctest.h>

#include "tests/unit/daemon/in_process_daemon.hpp"

using namespace vigil;
using namespace std::chrono_literals;
namespace v1 = vigil::v1;

namespace {

v1::BedStatus status(test::InProcessDaemon& w) {
  v1::CommandRequest r;
  r.mutable_status()->set_bed("bed-1");
  const auto reply = w.run(r);
  REQUIRE(reply.beds_size() == 1);
  return reply.beds(0);
}

// The last context event on the bed's stream.
v1::ContextEvent last_context(test::InProcessDaemon& w) {
  v1::CommandRequest r;
  r.mutable_replay()->set_bed("bed-1");
  r.mutable_replay()->add_kinds("ctx");
  const auto reply = w.run(r);
  REQUIRE(reply.messages_size() > 0);
  return reply.messages(reply.messages_size() - 1).context();
}

v1::CommandRequest set_baseline(double sys, double dia, bool measure = false) {
  v1::CommandRequest r;
  r.mutable_set_baseline()->set_bed("bed-1");
  if (sys != 0) r.mutable_set_baseline()->mutable_baseline()->set_nibp_sys(sys);
  if (dia != 0) r.mutable_set_baseline()->mutable_baseline()->set_nibp_dia(dia);
  r.mutable_set_baseline()->set_measure(measure);
  return r;
}

v1::CommandRequest measure() {
  return set_baseline(0, 0, true);
}

}  // namespace

TEST_CASE("a baseline that is not one is refused naming its field, and nothing changes") {
  test::InProcessDaemon w{"baseline-refused", test::kOneBedConfig, "nurse Ben", "station-2"};
  CHECK(w.run(set_baseline(124, 76)).error() == "set_baseline.bed: bed-1 has no patient: admit one first");
  v1::CommandRequest admit;
  admit.mutable_admit()->set_bed("bed-1");
  admit.mutable_admit()->set_patient_id("PAT-5");
  REQUIRE(w.run(admit).ok());
  CHECK(w.run(set_baseline(0, 0)).error() ==
        "set_baseline.baseline: enter at least one value, or ask vigild to measure");
  CHECK(w.run(set_baseline(124, 76, true)).error() ==
        "set_baseline.measure: enter values or ask vigild to measure, not both");
  CHECK(w.run(set_baseline(900, 76)).error_field() == "set_baseline.baseline.nibp_sys");
  // Nothing measured yet on this bed: nothing to take a baseline from.
  const auto none = w.run(measure());
  CHECK(none.error_field() == "set_baseline.measure");
  CHECK(none.error_code() == "conflict");
  CHECK(status(w).baseline_source() == "none");
}

TEST_CASE(
    "a baseline entered while the infusion runs is the bed's from then on, says what it replaced, and "
    "outlives a restart") {
  test::InProcessDaemon w{"baseline-entered", test::kOneBedConfig, "nurse Ben", "station-2"};
  v1::CommandRequest admit;
  admit.mutable_admit()->set_bed("bed-1");
  admit.mutable_admit()->set_patient_id("PAT-5");
  REQUIRE(w.run(admit).ok());
  v1::CommandRequest start;
  start.mutable_start_infusion()->set_bed("bed-1");
  start.mutable_start_infusion()->set_drug("ketamine");
  start.mutable_start_infusion()->mutable_baseline()->set_nibp_sys(150);
  start.mutable_start_infusion()->mutable_baseline()->set_nibp_dia(95);
  REQUIRE(w.run(start).ok());
  w.clock.advance(20min);
  const auto reply = w.run(set_baseline(124, 76), "nurse Cleo");
  REQUIRE(reply.ok());
  CHECK(reply.message() ==
        "baseline on bed-1 entered by nurse Cleo at station-2: NIBP sys 124, NIBP dia 76; replaces (entered) "
        "NIBP sys 150, NIBP dia 95");
  const auto c = last_context(w);
  CHECK(c.what() == "baseline");
  CHECK(c.actor() == "nurse Cleo");
  CHECK(c.old_value() == "NIBP sys 150, NIBP dia 95");
  CHECK(c.new_value() == "NIBP sys 124, NIBP dia 76");
  for (int restarted = 0; restarted < 2; ++restarted) {
    CAPTURE(restarted);
    const auto s = status(w);
    CHECK(s.baseline().nibp_sys() == 124);
    CHECK(s.baseline().nibp_dia() == 76);
    CHECK(s.baseline_source() == "entered");
    w.restart();
  }
}
