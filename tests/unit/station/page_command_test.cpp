#include "station/page_command.hpp"

#include <doctest/doctest.h>

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
