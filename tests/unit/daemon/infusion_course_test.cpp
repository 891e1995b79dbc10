// Pausing, resuming and re-rating an infusion, and the notes, interventions
// and adverse events staff enter: a real VigilDaemon in-process on the fake
// clock, the commands through execute(), what they said read back through
// replay (the bus's own stream, as a station would see it).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/daemon/in_process_daemon.hpp"
#include "wire/timestamp.hpp"

using namespace vigil;
using namespace std::chrono_literals;
namespace v1 = vigil::v1;

namespace {

struct Ward : test::InProcessDaemon {
  Ward()
      : InProcessDaemon{
            "course",
            R"(bed { id: "bed-1" device { id: "ox" protocol: "masimo" path: "/nonexistent/vigil-unit" } }
bed { id: "bed-2" device { id: "ox" protocol: "masimo" path: "/nonexistent/vigil-unit-2" } })",
            "nurse Ben", "station-2"} {}

  // The context events on the bed's stream, as "what: new_value".
  std::vector<std::string> context(const std::string& bed) {
    v1::CommandRequest r;
    r.mutable_replay()->set_bed(bed);
    r.mutable_replay()->add_kinds("ctx");
    std::vector<std::string> v;
    const auto reply = run(r);
    for (const auto& m : reply.messages()) v.push_back(m.context().what() + ": " + m.context().new_value());
    return v;
  }
};

v1::CommandRequest admit(const std::string& bed) {
  v1::CommandRequest r;
  r.mutable_admit()->set_bed(bed);
  r.mutable_admit()->set_patient_id("PAT-5");
  return r;
}

v1::CommandRequest start(const std::string& bed) {
  v1::CommandRequest r;
  r.mutable_start_infusion()->set_bed(bed);
  r.mutable_start_infusion()->set_drug("ketamine");
  r.mutable_start_infusion()->mutable_baseline()->set_nibp_sys(128);
  r.mutable_start_infusion()->mutable_baseline()->set_nibp_dia(78);
  return r;
}

v1::CommandRequest pause_infusion(const std::string& reason = "") {
  v1::CommandRequest r;
  r.mutable_pause_infusion()->set_bed("bed-1");
  r.mutable_pause_infusion()->set_reason(reason);
  return r;
}

v1::CommandRequest resume() {
  v1::CommandRequest r;
  r.mutable_resume_infusion()->set_bed("bed-1");
  return r;
}

v1::CommandRequest rate(double mg_per_min) {
  v1::CommandRequest r;
  r.mutable_change_infusion_rate()->set_bed("bed-1");
  r.mutable_change_infusion_rate()->set_rate_mg_per_min(mg_per_min);
  return r;
}

enum class Entry { note, intervention, adverse_event };

v1::CommandRequest entry(Entry type, const std::string& bed, const std::string& kind,
                         const std::string& text) {
  v1::CommandRequest r;
  auto* e = type == Entry::note           ? r.mutable_note()
            : type == Entry::intervention ? r.mutable_intervention()
                                          : r.mutable_adverse_event();
  e->set_bed(bed);
  e->set_kind(kind);
  e->set_text(text);
  return r;
}

}  // namespace

TEST_CASE(
    "a running infusion is paused for a 220/120, resumed ten minutes later and slowed; each step is on the "
    "bus") {
  Ward w;
  // No infusion yet: nothing to pause.
  auto reply = w.run(pause_infusion());
  CHECK(reply.error_field() == "pause_infusion.bed");
  CHECK(reply.error_code() == "conflict");
  REQUIRE(w.run(admit("bed-1")).ok());
  REQUIRE(w.run(start("bed-1")).ok());
  w.clock.advance(20min);

  reply = w.run(pause_infusion("BP 220/120"));
  REQUIRE(reply.ok());
  CHECK(reply.message() == "ketamine paused on bed-1 by nurse Ben at station-2: BP 220/120");
  CHECK(w.vigild->bed("bed-1")->infusion_course().paused(w.vigild->bed("bed-1")->alarms()));
  // Paused is a state: pausing again says so, and changes nothing.
  w.clock.advance(2min);
  reply = w.run(pause_infusion());
  CHECK(reply.error() == "pause_infusion.bed: the infusion on bed-1 is already paused (since 2 min)");
  // The alarms go on: the infusion still counts as running for them.
  CHECK(w.vigild->bed("bed-1")->alarms().infusion().has_value());

  w.clock.advance(8min);
  reply = w.run(resume());
  REQUIRE(reply.ok());
  CHECK(reply.message() == "ketamine resumed on bed-1 by nurse Ben at station-2 after a pause of 10 min");
  CHECK(w.run(resume()).error() == "resume_infusion.bed: the infusion on bed-1 is not paused");

  CHECK(w.run(rate(0)).error_field() == "change_infusion_rate.rate_mg_per_min");
  CHECK(w.run(rate(5000)).error_field() == "change_infusion_rate.rate_mg_per_min");
  reply = w.run(rate(0.5));
  REQUIRE(reply.ok());
  CHECK(reply.message() == "ketamine rate on bed-1 set to 0.5 mg/min by nurse Ben at station-2");

  const auto ctx = w.context("bed-1");
  REQUIRE(ctx.size() >= 3);
  CHECK(ctx[ctx.size() - 3] == "infusion_paused: BP 220/120");
  CHECK(ctx[ctx.size() - 2] == "infusion_resumed: ");
  CHECK(ctx[ctx.size() - 1] == "infusion_rate_changed: 0.5 mg/min");

  // A new infusion starts unpaused, whatever the last one was.
  REQUIRE(w.run(pause_infusion()).ok());
  v1::CommandRequest stop;
  stop.mutable_stop_infusion()->set_bed("bed-1");
  REQUIRE(w.run(stop).ok());
  CHECK(w.run(resume()).error_field() == "resume_infusion.bed");
  w.clock.advance(1min);
  REQUIRE(w.run(start("bed-1")).ok());
  CHECK(w.run(resume()).error() == "resume_infusion.bed: the infusion on bed-1 is not paused");
}

TEST_CASE("an infusion paused before vigild restarts is still paused after it, since the same time") {
  Ward w;
  REQUIRE(w.run(admit("bed-1")).ok());
  REQUIRE(w.run(start("bed-1")).ok());
  w.clock.advance(10min);
  REQUIRE(w.run(rate(0.6)).ok());
  w.clock.advance(5min);
  REQUIRE(w.run(pause_infusion("BP 220/120")).ok());
  w.clock.advance(3min);
  w.restart();
  const auto& bed = *w.vigild->bed("bed-1");
  CHECK(bed.alarms().infusion().has_value());
  CHECK(w.vigild->bed("bed-1")->infusion_course().paused(bed.alarms()));
  CHECK(w.run(pause_infusion()).error() ==
        "pause_infusion.bed: the infusion on bed-1 is already paused (since 3 min)");
  w.clock.advance(2min);
  auto reply = w.run(resume());
  REQUIRE(reply.ok());
  CHECK(reply.message() == "ketamine resumed on bed-1 by nurse Ben at station-2 after a pause of 5 min");

  // Resumed before the restart: running after it.
  w.restart();
  CHECK_FALSE(w.vigild->bed("bed-1")->infusion_course().paused(w.vigild->bed("bed-1")->alarms()));
  CHECK(w.run(resume()).error() == "resume_infusion.bed: the infusion on bed-1 is not paused");
  // The rate set before the restarts is the one a change replaces.
  REQUIRE(w.run(rate(0.5)).ok());
  const auto ctx = w.context("bed-1");
  REQUIRE_FALSE(ctx.empty());
  CHECK(ctx.back() == "infusion_rate_changed: 0.5 mg/min");
}

TEST_CASE(
    "the bed's status says since when, why and by whom its infusion is paused, before and after vigild "
    "restarts, and its last rate; resumed, it no longer says paused") {
  Ward w;
  REQUIRE(w.run(admit("bed-1")).ok());
  REQUIRE(w.run(start("bed-1")).ok());
  const auto status = [&] {
    v1::CommandRequest r;
    r.mutable_snapshot()->set_bed("bed-1");
    const auto reply = w.run(r);
    REQUIRE(reply.beds_size() == 1);
    return reply.beds(0);
  };
  CHECK_FALSE(status().has_infusion_paused_since());
  CHECK(status().infusion_rate_mg_per_min() == 0);  // none set since the start
  w.clock.advance(10min);
  REQUIRE(w.run(rate(0.6)).ok());
  const auto paused_at = w.clock.now();
  REQUIRE(w.run(pause_infusion("BP 220/120")).ok());
  for (int restarted = 0; restarted < 2; ++restarted) {
    CAPTURE(restarted);
    const auto s = status();
    REQUIRE(s.has_infusion_paused_since());
    CHECK(wire::from_proto(s.infusion_paused_since()) == paused_at);
    CHECK(s.infusion_pause_reason() == "BP 220/120");
    CHECK(s.infusion_paused_by() == "nurse Ben at station-2");
    CHECK(s.infusion_rate_mg_per_min() == doctest::Approx(0.6));
    w.clock.advance(3min);
    w.restart();
  }
  REQUIRE(w.run(resume()).ok());
  CHECK_FALSE(status().has_infusion_paused_since());
  CHECK(status().infusion_pause_reason().empty());
}

TEST_CASE("notes, interventions and adverse events are journalled and published; bad ones change nothing") {
  Ward w;
  REQUIRE(w.run(admit("bed-1")).ok());
  const auto before = w.context("bed-1").size();

  auto reply = w.run(entry(Entry::note, "bed-2", "", "calm"));
  CHECK(reply.error() == "note.bed: no patient is admitted to bed-2; admit one first");
  CHECK(reply.error_code() == "conflict");
  CHECK(w.run(entry(Entry::note, "bed-9", "", "calm")).error_code() == "not_found");
  CHECK(w.run(entry(Entry::note, "bed-1", "", "  ")).error() == "note.text: is empty; say what to note");
  CHECK(w.run(entry(Entry::note, "bed-1", "oxygen", "calm")).error_field() == "note.kind");
  reply = w.run(entry(Entry::intervention, "bed-1", "magic", ""));
  CHECK(reply.error() ==
        "intervention.kind: unknown kind 'magic' (oxygen, medication, position, airway, fluids, other)");
  CHECK(w.run(entry(Entry::intervention, "bed-1", "", "")).error_field() == "intervention.kind");
  CHECK(w.run(entry(Entry::intervention, "bed-1", "medication", "")).error() ==
        "intervention.text: is required for 'medication': say what");
  CHECK(w.run(entry(Entry::adverse_event, "bed-1", "nausea", "line 1\nline 2")).error_field() ==
        "adverse_event.text");
  CHECK(w.run(entry(Entry::adverse_event, "bed-1", "nausea", std::string(2000, 'x'))).error_field() ==
        "adverse_event.text");
  CHECK(w.context("bed-1").size() == before);

  reply = w.run(entry(Entry::intervention, "bed-1", "oxygen", "nasal cannula 2 L/min"));
  REQUIRE(reply.ok());
  CHECK(reply.message() == "Intervention on bed-1 by nurse Ben at station-2: oxygen: nasal cannula 2 L/min");
  REQUIRE(w.run(entry(Entry::intervention, "bed-1", "medication", "metoprolol 5 mg IV")).ok());
  REQUIRE(w.run(entry(Entry::adverse_event, "bed-1", "hypertension", "")).ok());
  REQUIRE(w.run(entry(Entry::note, "bed-1", "", "calm, talking")).ok());
  const auto ctx = w.context("bed-1");
  REQUIRE(ctx.size() == before + 4);
  CHECK(ctx[before] == "intervention: oxygen: nasal cannula 2 L/min");
  CHECK(ctx[before + 1] == "intervention: medication: metoprolol 5 mg IV");
  CHECK(ctx[before + 2] == "adverse_event: hypertension");
  CHECK(ctx[before + 3] == "note: calm, talking");
}

TEST_CASE("an admission with a name and a date of birth that is not a date is refused and admits nobody") {
  Ward w;
  auto r = admit("bed-1");
  r.mutable_admit()->set_patient_name("Ana Test");
  r.mutable_admit()->set_birth_date("1980-02-30");
  const auto reply = w.run(r);
  CHECK(reply.error_field() == "admit.birth_date");
  CHECK(reply.error() == "admit.birth_date: '1980-02-30' is not a date as YYYY-MM-DD");
  CHECK(w.run(entry(Entry::note, "bed-1", "", "calm")).error_field() == "note.bed");
  r.mutable_admit()->set_birth_date("1980-02-14");
  CHECK(w.run(r).ok());
  CHECK(w.run(entry(Entry::note, "bed-1", "", "calm")).ok());
}

TEST_CASE(
    "the bed's snapshot names the running infusion's drug and regimen, before and after vigild restarts") {
  Ward w;
  REQUIRE(w.run(admit("bed-1")).ok());
  auto s = start("bed-1");
  s.mutable_start_infusion()->set_regimen("0.5 mg/kg over 40 min");
  REQUIRE(w.run(s).ok());
  for (int restarted = 0; restarted < 2; ++restarted) {
    CAPTURE(restarted);
    v1::CommandRequest r;
    r.mutable_snapshot()->set_bed("bed-1");
    const auto reply = w.run(r);
    REQUIRE(reply.beds_size() == 1);
    CHECK(reply.beds(0).infusion_drug() == "ketamine");
    CHECK(reply.beds(0).infusion_regimen() == "0.5 mg/kg over 40 min");
    w.restart();
  }
}
