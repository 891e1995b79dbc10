#include "sim/ward.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "sim/builtin_scenarios.hpp"

using namespace vigil::sim;
using namespace std::chrono_literals;

TEST_CASE("a ward runs built-in scenarios on several beds, each with its devices") {
  auto w = parse_ward(R"(title: Quarterly drill
description: Three emergencies
  at once.
speed: 20
bed bed-1 runs steady
  device oximeter masimo
  device monitor hl7-mllp
bed bed-2 runs steady for patient P-77
  device pod cms50 via tcp
)",
                      "q.ward", "");
  REQUIRE_MESSAGE(w.ok(), (w.ok() ? "" : w.error()));
  CHECK(w->title == "Quarterly drill");
  CHECK(w->description == "Three emergencies at once.");
  CHECK(w->speed == 20);
  REQUIRE(w->beds.size() == 2);
  CHECK(w->beds[0].scenario_ref == "steady");
  CHECK(w->beds[0].patient_id == "DRILL-bed-1");
  REQUIRE(w->beds[0].devices.size() == 2);
  CHECK(w->beds[0].devices[0].via == WardDevice::Via::pty);
  CHECK(w->beds[0].devices[1].via == WardDevice::Via::tcp);  // HL7 senders connect over TCP
  CHECK(w->beds[1].patient_id == "P-77");
  REQUIRE(w->beds[1].devices.size() == 3);  // the scenario's two, and the ward's own
  CHECK(w->beds[1].devices[2].id == "pod");
  CHECK(w->beds[1].devices[2].via == WardDevice::Via::tcp);
  CHECK(w->duration() == w->beds[0].scenario.duration);
}

TEST_CASE("a ward takes a scenario file relative to itself, and the scenario's own devices") {
  const auto dir = std::filesystem::temp_directory_path() / "vigil-ward-test";
  std::filesystem::create_directories(dir / "mine");
  std::ofstream{dir / "mine" / "Drop.scn"} << "title: drop\ndevice ox nonin-7\nat 0:10 unplug ox for 5 s\n";
  std::ofstream{dir / "w.ward"} << "bed b1 runs mine/Drop.scn\n  device ox cms50\n";
  auto w = load_ward((dir / "w.ward").string());
  REQUIRE_MESSAGE(w.ok(), (w.ok() ? "" : w.error()));
  CHECK(w->beds[0].scenario_ref == (dir / "mine" / "Drop.scn").string());
  REQUIRE(w->beds[0].devices.size() == 1);
  CHECK(w->beds[0].devices[0].protocol == "cms50");  // the ward changes the protocol
  // A scenario without devices needs the ward to give some.
  std::ofstream{dir / "bare.scn"} << "title: bare\n";
  auto bare = parse_ward("bed b2 runs bare.scn\n", "b.ward", dir.string());
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.error().starts_with("b.ward:1:1: b2: its scenario names no device"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("ward errors name the line and column") {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"bed bed-1 runs nosuchthing\n", "w.ward:1:16: no built-in scenario 'nosuchthing'"},
      {"bed bed/1 runs steady\n", "w.ward:1:5: a bed id is letters"},
      {"bed b1 walks steady\n", "w.ward:1:8: expected 'runs', found 'walks'"},
      {"device ox masimo\n", "w.ward:1:1: a 'device' line belongs under a 'bed' line"},
      {"bed b1 runs steady\n device ox morse\n", "w.ward:2:12: the simulator does not speak 'morse'"},
      {"bed b1 runs steady\n device ox masimo via usb\n",
       "w.ward:2:23: expected 'pty' or 'tcp', found 'usb'"},
      {"bed b1 runs steady\nbed b1 runs steady\n", "w.ward:2:5: bed 'b1' is named twice"},
      {"speed: 500\n", "w.ward:1:8: a speed of 1 (real time) to 100 is expected"},
      {"title: nobody\n", "w.ward:2:1: a ward needs a 'bed' line"},
      {"beds: 3\n", "w.ward:1:1: unknown line 'beds:'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto w = parse_ward(c.text, "w.ward", "");
    REQUIRE_FALSE(w.ok());
    CHECK_MESSAGE(w.error().starts_with(c.error), w.error());
  }
}

TEST_CASE("every shipped ward reads, with every scenario it names") {
  CHECK(builtin_wards().size() >= 1);
  for (const auto& b : builtin_wards()) {
    CAPTURE(b.name);
    auto w = load_ward(b.name);
    CHECK_MESSAGE(w.ok(), (w.ok() ? "" : w.error()));
  }
}
