#include "station/terminal_view.hpp"

#include <doctest/doctest.h>

#include "station/ward.hpp"

using namespace std::chrono_literals;
namespace v1 = vigil::v1;

namespace {
const vigil::core::TimePoint kShownAt{std::chrono::seconds{1'800'000'000}};
}

TEST_CASE(
    "the terminal view lists beds with their values and alarms with priority, TECHNICAL and who "
    "acknowledged") {
  vigil::station::Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  ward.add_daemon("room-2", "tcp://y:1", {"bed-2"});
  v1::BusMessage m;
  auto* o = m.mutable_observation();
  o->set_bed("bed-1");
  o->set_metric("spo2");
  o->set_value(97);
  o->mutable_received()->set_seconds(1'800'000'000);
  ward.on_update("room-1", m);
  ward.set_bed_health("room-1", "bed-1", true, true, "", kShownAt);
  ward.set_daemon_online("room-1", true, "", kShownAt);
  ward.set_daemon_online("room-2", false, "nothing from tcp://y:1 for 2.5 s", kShownAt);
  ward.set_bed_health("room-2", "bed-2", false, false, "vigild room-2 lost", kShownAt);
  v1::BusMessage a;
  auto* e = a.mutable_alarm();
  e->set_bed("bed-1");
  e->set_alarm_id("bed-1:device_lost:ox:1");
  e->set_priority(v1::MEDIUM);
  e->set_kind(v1::TECHNICAL);
  e->set_transition(v1::ACKNOWLEDGED);
  e->set_active(true);
  e->set_acknowledged(true);
  e->set_actor("nurse A at station-1");
  e->set_message("ox (masimo): end of stream");
  ward.on_update("room-1", a);

  const auto text = vigil::station::render_terminal(ward.view(kShownAt + 5s), "", false);
  CHECK(text.find("!! vigild room-2 LOST: nothing from tcp://y:1 for 2.5 s") != std::string::npos);
  CHECK(text.find("bed-1     room-1    -          -               -     97") != std::string::npos);
  // Staff's names, and the 97 under SpO₂: the header's columns line up with the values' although ₂ is 3
  // bytes.
  CHECK(text.find("\nBED       DAEMON    PATIENT    INFUSION        HR    SpO₂  NIBP            RESP\n") !=
        std::string::npos);
  CHECK(text.find("bed-2     room-2    OFFLINE: vigild room-2 lost") != std::string::npos);
  CHECK(text.find("1 MED  bed-1   TECHNICAL ox (masimo): end of stream  ack by nurse A at station-1") !=
        std::string::npos);
  CHECK(text.find("\x1b[") == std::string::npos);  // no colour codes when asked for none
  const auto coloured = vigil::station::render_terminal(ward.view(kShownAt + 5s), "", true);
  CHECK(coloured.find("\x1b[1;97;41m") != std::string::npos);
}

TEST_CASE("a paused infusion reads PAUSED and since when in the terminal view, the word first") {
  vigil::station::Ward ward{"station-1"};
  ward.add_daemon("room-1", "tcp://x:1", {});
  ward.set_bed_health("room-1", "bed-1", true, true, "", kShownAt);
  ward.set_daemon_online("room-1", true, "", kShownAt);
  v1::BedStatus s;
  s.set_bed("bed-1");
  s.set_patient_id("PAT-7");
  s.set_infusion_running(true);
  s.mutable_infusion_started()->set_seconds(1'800'000'000);
  s.mutable_infusion_paused_since()->set_seconds(1'800'000'000 + 20 * 60);
  ward.on_snapshot("room-1", s);
  const auto text = vigil::station::render_terminal(ward.view(kShownAt + 25min), "", false);
  const auto at = text.find("PAT-7      PAUSED ");
  REQUIRE(at != std::string::npos);
  // Local time, as the rest of the view: only its shape is checked.
  const auto clock = text.substr(at + 18, 5);
  CHECK((clock.size() == 5 && clock[2] == ':'));
}
