#include "station/page_command.hpp"

#include <doctest/doctest.h>

using vigil::station::operator_name;
using vigil::station::page_command;
using vigil::v1::CommandRequest;
using vigil::v1::station::PageRequest;

namespace {

PageRequest intervention(const std::string& who, const std::string& bed) {
  PageRequest r;
  r.set_operator_name(who);
  r.set_daemon("room-1");
  auto& e = *r.mutable_intervention();
  e.set_bed(bed);
  e.set_kind("oxygen");
  e.set_text("nasal cannula 2 L/min");
  return r;
}

}  // namespace

TEST_CASE("a staff entry from a page becomes the same command for the bed, under the trimmed name") {
  auto c = page_command(intervention("  A. Diaz ", "bed-1"));
  REQUIRE(c.ok());
  CHECK(c->command.actor() == "A. Diaz");
  REQUIRE(c->command.command_case() == CommandRequest::kIntervention);
  CHECK(c->command.intervention().kind() == "oxygen");
  CHECK(c->command.intervention().text() == "nasal cannula 2 L/min");
  CHECK(c->bed == "bed-1");
  CHECK(c->what == "intervention oxygen");

  PageRequest note;
  note.set_operator_name("B. Okafor");
  note.mutable_note()->set_bed("bed-2");
  note.mutable_note()->set_text("patient asleep");
  auto n = page_command(note);
  REQUIRE(n.ok());
  CHECK(n->command.command_case() == CommandRequest::kNote);
  CHECK(n->command.note().text() == "patient asleep");
  CHECK(n->what == "note");

  PageRequest adverse;
  adverse.set_operator_name("B. Okafor");
  adverse.mutable_adverse_event()->set_bed("bed-2");
  adverse.mutable_adverse_event()->set_kind("nausea");
  auto a = page_command(adverse);
  REQUIRE(a.ok());
  CHECK(a->command.command_case() == CommandRequest::kAdverseEvent);
  CHECK(a->command.adverse_event().kind() == "nausea");
  CHECK(a->what == "adverse event nausea");
}

TEST_CASE("acknowledgements and audio pauses are forwarded as before") {
  PageRequest ack;
  ack.set_operator_name("A. Diaz");
  ack.mutable_acknowledge()->set_bed("bed-1");
  auto c = page_command(ack);
  REQUIRE(c.ok());
  CHECK(c->command.command_case() == CommandRequest::kAcknowledge);
  CHECK(c->what == "acknowledge all alarms");

  PageRequest pause;
  pause.set_operator_name("A. Diaz");
  pause.mutable_audio_pause()->set_bed("bed-1");
  auto p = page_command(pause);
  REQUIRE(p.ok());
  CHECK(p->command.command_case() == CommandRequest::kAudioPause);
}

TEST_CASE(
    "the infusion's start, pause, resume, stop and rate change become the bed's commands, the dose as "
    "numbers") {
  PageRequest start;
  start.set_operator_name(" A. Diaz");
  auto& s = *start.mutable_start_infusion();
  s.set_bed("bed-1");
  s.set_drug("ketamine");
  s.set_regimen("0.5 mg/kg over 40 min");
  s.mutable_dose()->set_amount(0.5);
  s.mutable_dose()->set_unit("mg/kg");
  s.mutable_dose()->set_weight_kg(72);
  s.mutable_dose()->set_duration_min(40);
  auto c = page_command(start);
  REQUIRE(c.ok());
  CHECK(c->command.actor() == "A. Diaz");
  REQUIRE(c->command.command_case() == CommandRequest::kStartInfusion);
  CHECK(c->command.start_infusion().regimen() == "0.5 mg/kg over 40 min");
  CHECK(c->command.start_infusion().dose().weight_kg() == 72);
  CHECK(c->command.start_infusion().dose().duration_min() == 40);
  CHECK(c->bed == "bed-1");
  CHECK(c->what == "start infusion ketamine 0.5 mg/kg \u00d7 72 kg = 36 mg over 40 min (0.9 mg/min)");

  // A dose vigild will refuse is still sent, for vigild to refuse in its own words.
  s.mutable_dose()->set_weight_kg(0);
  auto bad = page_command(start);
  REQUIRE(bad.ok());
  CHECK(bad->command.start_infusion().dose().unit() == "mg/kg");
  CHECK(bad->what == "start infusion ketamine (a dose vigild will refuse)");

  PageRequest pause;
  pause.set_operator_name("A. Diaz");
  pause.mutable_pause_infusion()->set_bed("bed-1");
  pause.mutable_pause_infusion()->set_reason("BP 220/120");
  auto p = page_command(pause);
  REQUIRE(p.ok());
  REQUIRE(p->command.command_case() == CommandRequest::kPauseInfusion);
  CHECK(p->command.pause_infusion().reason() == "BP 220/120");
  CHECK(p->what == "pause infusion");

  PageRequest resume;
  resume.set_operator_name("A. Diaz");
  resume.mutable_resume_infusion()->set_bed("bed-1");
  auto r = page_command(resume);
  REQUIRE(r.ok());
  CHECK(r->command.command_case() == CommandRequest::kResumeInfusion);
  CHECK(r->what == "resume infusion");

  PageRequest stop;
  stop.set_operator_name("A. Diaz");
  stop.mutable_stop_infusion()->set_bed("bed-1");
  auto t = page_command(stop);
  REQUIRE(t.ok());
  CHECK(t->command.command_case() == CommandRequest::kStopInfusion);
  CHECK(t->what == "stop infusion");

  PageRequest rate;
  rate.set_operator_name("A. Diaz");
  rate.mutable_change_infusion_rate()->set_bed("bed-1");
  rate.mutable_change_infusion_rate()->set_rate_mg_per_min(0.6);
  rate.mutable_change_infusion_rate()->set_reason("BP settled");
  auto n = page_command(rate);
  REQUIRE(n.ok());
  REQUIRE(n->command.command_case() == CommandRequest::kChangeInfusionRate);
  CHECK(n->command.change_infusion_rate().rate_mg_per_min() == 0.6);
  CHECK(n->command.change_infusion_rate().reason() == "BP settled");
  CHECK(n->bed == "bed-1");
  CHECK(n->what == "change infusion rate to 0.6 mg/min");
  // A rate vigild will refuse is still sent, for vigild to refuse in its own words.
  rate.mutable_change_infusion_rate()->set_rate_mg_per_min(-1);
  CHECK(page_command(rate).ok());

  PageRequest nameless = stop;
  nameless.clear_operator_name();
  CHECK(page_command(nameless).failure().field == "operator_name");
  PageRequest bedless = start;
  bedless.mutable_start_infusion()->clear_bed();
  CHECK(page_command(bedless).error() == "bed: is required: which bed this is for");
}

TEST_CASE("a request without a name, a bed or an action is refused before anything is sent") {
  CHECK(page_command(intervention("  ", "bed-1")).failure().message.starts_with("enter your name first"));
  CHECK(page_command(intervention(std::string(65, 'x'), "bed-1")).failure().field == "operator_name");
  CHECK(page_command(intervention("A. Diaz", "")).error() == "bed: is required: which bed this is for");
  PageRequest nothing;
  nothing.set_operator_name("A. Diaz");
  CHECK(page_command(nothing).error().starts_with("no action"));
  PageRequest look;
  look.set_operator_name("A. Diaz");
  look.mutable_trend()->set_bed("bed-1");
  CHECK_FALSE(page_command(look).ok());
}

TEST_CASE("the baseline set from the panel goes to vigild as set_baseline, logged as entered or measured") {
  PageRequest entered;
  entered.set_operator_name("A. Diaz");
  entered.mutable_set_baseline()->set_bed("bed-1");
  entered.mutable_set_baseline()->mutable_baseline()->set_nibp_sys(124);
  auto e = page_command(entered);
  REQUIRE(e.ok());
  REQUIRE(e->command.command_case() == CommandRequest::kSetBaseline);
  CHECK(e->command.actor() == "A. Diaz");
  CHECK(e->command.set_baseline().baseline().nibp_sys() == 124);
  CHECK(e->bed == "bed-1");
  CHECK(e->what == "enter the baseline");
  PageRequest measure = entered;
  measure.mutable_set_baseline()->clear_baseline();
  measure.mutable_set_baseline()->set_measure(true);
  CHECK(page_command(measure)->what == "measure the baseline again");
}

TEST_CASE("a journal query is asked under the operator's name without the white space around it") {
  PageRequest r;
  r.set_operator_name("\t A. Diaz \r\n");
  r.mutable_trend()->set_bed("bed-1");
  CHECK(operator_name(r) == "A. Diaz");
  r.set_operator_name(" \t ");
  CHECK(operator_name(r).empty());
}
