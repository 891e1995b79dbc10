// The command table of the daemon core, driven in-process (in_process_daemon.hpp).
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>

#include "tests/unit/daemon/in_process_daemon.hpp"

using namespace vigil;
namespace v1 = vigil::v1;

namespace {

struct Daemon : test::InProcessDaemon {
  Daemon()
      : InProcessDaemon{
            "dispatch",
            R"(bed { id: "bed-1" device { id: "ox" protocol: "masimo" path: "/nonexistent/vigil-unit" } }
bed { id: "bed-2" device { id: "mon" protocol: "hl7-mllp" path: "/nonexistent/vigil-unit-2" } })",
            "nurse A", "unit"} {}
};

v1::CommandRequest admit(const std::string& bed, const std::string& patient) {
  v1::CommandRequest r;
  r.mutable_admit()->set_bed(bed);
  r.mutable_admit()->set_patient_id(patient);
  return r;
}

}  // namespace

TEST_CASE("every refusal names its field, and the daemon goes on") {
  Daemon d;
  auto reply = d.run(v1::CommandRequest{});
  CHECK(!reply.ok());
  CHECK(reply.error_field() == "command");
  CHECK(reply.request_id() == "r-1");

  reply = d.run(admit("bed-9", "P-1"));
  CHECK(reply.error_field() == "admit.bed");
  CHECK(reply.error() == "admit.bed: no bed 'bed-9' (beds: bed-1, bed-2)");
  CHECK(reply.error_code() == "not_found");

  reply = d.run(admit("bed-1", "P-1"), "");
  CHECK(reply.error_field() == "actor");

  v1::CommandRequest reset;
  reset.mutable_reset()->set_bed("bed-1");
  CHECK(d.run(reset).error_field() == "reset.alarm_id");

  v1::CommandRequest limit;
  limit.mutable_set_limit()->set_bed("bed-1");
  auto* o = limit.mutable_set_limit()->mutable_limit();
  o->set_condition("desaturation");
  o->set_priority(v1::HIGH);
  o->set_threshold(std::nan(""));
  reply = d.run(limit);
  CHECK(!reply.ok());
  CHECK(reply.error_field() == "set_limit.limit.threshold");
  CHECK(reply.error_code() == "invalid");

  v1::CommandRequest replay;
  replay.mutable_replay()->set_bed("bed-1");
  replay.mutable_replay()->add_kinds("gossip");
  CHECK(d.run(replay).error_field() == "replay.kinds[0]");

  // Field paths from the bed logic come out whole: the override's condition
  // names a level the profile does not have.
  o->set_threshold(85);
  o->set_priority(v1::LOW);
  reply = d.run(limit);
  CHECK(reply.error_field() == "set_limit.limit.priority");
  CHECK(reply.error_code() == "not_found");
  CHECK(reply.error().starts_with("set_limit.limit.priority: condition 'desaturation' has no low level"));

  // After all that, the daemon still takes a good command.
  reply = d.run(admit("bed-1", "P-1"));
  CHECK(reply.ok());
  CHECK(d.vigild->bed("bed-1")->alarms().patient_id() == "P-1");
  // Another patient into an occupied bed: right in itself, wrong for the bed's state.
  reply = d.run(admit("bed-1", "P-2"));
  CHECK(reply.error_field() == "admit.bed");
  CHECK(reply.error_code() == "conflict");
}

TEST_CASE("commands act on the bed they name and status shows the result") {
  Daemon d;
  REQUIRE(d.run(admit("bed-2", "P-22")).ok());
  v1::CommandRequest start;
  start.mutable_start_infusion()->set_bed("bed-2");
  start.mutable_start_infusion()->set_drug("ketamine");
  start.mutable_start_infusion()->mutable_baseline()->set_nibp_sys(124);
  auto reply = d.run(start);
  CHECK(reply.ok());
  CHECK(d.vigild->bed("bed-2")->alarms().infusion().has_value());
  CHECK(!d.vigild->bed("bed-1")->alarms().infusion().has_value());

  v1::CommandRequest status;
  status.mutable_status()->set_bed("bed-2");
  reply = d.run(status);
  REQUIRE(reply.beds_size() == 1);
  CHECK(reply.beds(0).patient_id() == "P-22");
  CHECK(reply.beds(0).infusion_running());
  CHECK(reply.beds(0).baseline().nibp_sys() == 124);
  REQUIRE(reply.beds(0).devices_size() == 1);
  CHECK(reply.beds(0).devices(0).device() == "mon");

  // A baseline no patient can have is refused at its field.
  start.mutable_start_infusion()->mutable_baseline()->set_spo2(140);
  reply = d.run(start);
  CHECK(reply.error_field() == "start_infusion.baseline.spo2");
  // So is a dose in mg/kg without the weight it is per kg of.
  start.mutable_start_infusion()->mutable_baseline()->set_spo2(97);
  start.mutable_start_infusion()->mutable_dose()->set_amount(0.5);
  start.mutable_start_infusion()->mutable_dose()->set_unit("mg/kg");
  start.mutable_start_infusion()->mutable_dose()->set_duration_min(40);
  reply = d.run(start);
  CHECK(reply.error_field() == "start_infusion.dose.weight_kg");

  v1::CommandRequest stop;
  stop.mutable_stop_infusion()->set_bed("bed-2");
  CHECK(d.run(stop).ok());
  CHECK(!d.vigild->bed("bed-2")->alarms().infusion().has_value());
  // Status of every bed, with no bed named.
  status.mutable_status()->clear_bed();
  CHECK(d.run(status).beds_size() == 2);
}

TEST_CASE("update_patient corrects the admitted patient's identity and never another patient's") {
  Daemon d;
  REQUIRE(d.run(admit("bed-1", "P-OLD")).ok());
  v1::CommandRequest u;
  u.mutable_update_patient()->set_bed("bed-1");
  u.mutable_update_patient()->set_patient_id("P-OTHER");
  u.mutable_update_patient()->set_new_patient_id("P-NEW");
  auto reply = d.run(u, "ADT");
  CHECK(reply.error() ==
        "update_patient.patient_id: bed-1 holds patient P-OLD, not P-OTHER; nothing changed");
  CHECK(d.vigild->bed("bed-1")->alarms().patient_id() == "P-OLD");

  u.mutable_update_patient()->set_patient_id("P-OLD");
  u.mutable_update_patient()->set_birth_date("1970-02-30");
  CHECK(d.run(u, "ADT").error() == "update_patient.birth_date: '1970-02-30' is not a date as YYYY-MM-DD");
  CHECK(d.vigild->bed("bed-1")->alarms().patient_id() == "P-OLD");

  u.mutable_update_patient()->set_birth_date("1970-04-12");
  u.mutable_update_patient()->set_patient_name("DOE, JANE");
  reply = d.run(u, "ADT");
  REQUIRE(reply.ok());
  CHECK(reply.message() ==
        "patient P-OLD on bed-1 updated by ADT at unit: id P-OLD -> P-NEW, name, date of birth");
  CHECK(d.vigild->bed("bed-1")->alarms().patient_id() == "P-NEW");

  // Nothing left to change, and a bed with no patient.
  v1::CommandRequest same;
  same.mutable_update_patient()->set_bed("bed-1");
  same.mutable_update_patient()->set_patient_id("P-NEW");
  CHECK(d.run(same, "ADT").error() == "update_patient.patient_id: nothing to update");
  same.mutable_update_patient()->set_bed("bed-2");
  same.mutable_update_patient()->set_patient_name("ROE, ANN");
  CHECK(d.run(same, "ADT").error() == "update_patient.bed: bed-2 has no patient to update");
}

TEST_CASE("an amendment needs a signed record, a correction and its reason; a refused one changes nothing") {
  Daemon d;
  v1::CommandRequest r;
  auto* a = r.mutable_amend_record();
  auto reply = d.run(r);
  CHECK(reply.error_field() == "amend_record.session");
  a->set_session(2);
  a->set_what("  ");
  a->set_why("pump log");
  CHECK(d.run(r).error_field() == "amend_record.what");
  a->set_what("the pause was at 10:40");
  a->set_why("line one\nline two");
  CHECK(d.run(r).error() == "amend_record.why: holds control characters (one line of text)");
  a->set_why("pump log");
  reply = d.run(r);
  CHECK(reply.error_field() == "amend_record.session");
  CHECK(reply.error_code() == "conflict");
  CHECK(reply.error().find("is not signed") != std::string::npos);
  CHECK(reply.amendment_id() == 0);
  // Signing reads the record off the core thread: only the command channel takes it.
  v1::CommandRequest sign;
  sign.mutable_sign_record()->set_session(2);
  CHECK(d.run(sign).error_code() == "unavailable");
}

TEST_CASE(
    "a systolic-only hypertension limit set by command is in force for that rule alone, and a metric that "
    "is not one is refused at its field") {
  Daemon d;
  REQUIRE(d.run(admit("bed-1", "P-1")).ok());
  v1::CommandRequest limit;
  limit.mutable_set_limit()->set_bed("bed-1");
  auto* o = limit.mutable_set_limit()->mutable_limit();
  o->set_condition("hypertension");
  o->set_priority(v1::MEDIUM);
  o->set_threshold(170);
  // Without a metric the number goes to the diastolic rule too, above its high level.
  auto reply = d.run(limit);
  CHECK(reply.error_field() == "set_limit.limit.threshold");
  o->set_metric("nibp_sistolic");
  reply = d.run(limit);
  CHECK(reply.error_field() == "set_limit.limit.metric");
  CHECK(reply.error() == "set_limit.limit.metric: 'nibp_sistolic' is not a metric (e.g. nibp_sys, nibp_dia)");
  o->set_metric("nibp_sys");
  reply = d.run(limit);
  REQUIRE(reply.ok());

  v1::CommandRequest status;
  status.mutable_status()->set_bed("bed-1");
  reply = d.run(status);
  REQUIRE(reply.beds_size() == 1);
  std::map<std::string, double> medium;
  for (const auto& l : reply.beds(0).limits())
    if (l.condition() == "hypertension" && l.priority() == v1::MEDIUM) medium[l.metric()] = l.threshold();
  CHECK(medium == std::map<std::string, double>{{"nibp_sys", 170}, {"nibp_dia", 110}});
}
