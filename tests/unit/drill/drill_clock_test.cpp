#include "drill/drill_clock.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace vigil;
using namespace std::chrono_literals;

TEST_CASE("a fast drill's time is the simulator's, and the simulator learns how far vigild has caught up") {
  const auto path = (std::filesystem::temp_directory_path() / "vigil-drill-clock-test").string();
  const core::TimePoint start{std::chrono::seconds{1'800'000'000}};
  drill::DrillClockWriter sim{path, start};
  auto daemon = drill::DrillClock::open(path, 20);
  REQUIRE_MESSAGE(daemon.ok(), (daemon.ok() ? "" : daemon.error()));
  auto& clock = **daemon;
  CHECK(clock.now() == start);
  CHECK(clock.rate() == 20);
  CHECK_FALSE(sim.daemon_time());  // vigild has said nothing yet

  // The simulator moves time; vigild reads it, whatever the wall clock does.
  sim.set(start + 1500ms);
  CHECK(clock.now() == start + 1500ms);
  clock.caught_up(start + 1500ms);
  REQUIRE(sim.daemon_time());
  CHECK(*sim.daemon_time() == start + 1500ms);
  std::filesystem::remove(path);
}

TEST_CASE("a file that is not a drill clock is refused") {
  const auto path = (std::filesystem::temp_directory_path() / "vigil-not-a-clock").string();
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("hello, this is not a clock file", f);
    std::fclose(f);
  }
  auto c = drill::DrillClock::open(path, 20);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().find("is not a drill clock file") != std::string::npos);
  CHECK_FALSE(drill::DrillClock::open(path + ".missing", 20).ok());
  std::filesystem::remove(path);
}
