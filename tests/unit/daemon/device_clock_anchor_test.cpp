#include "daemon/device_clock_anchor.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>

using namespace vigil;
using namespace std::chrono_literals;
using daemon::DeviceClockAnchor;

namespace {
const core::TimePoint kStart{std::chrono::hours{24 * 365 * 50}};
}

TEST_CASE("a device clock read late by varying amounts is placed by its least delayed delivery") {
  DeviceClockAnchor clock;
  // Deliveries every 40 ms of device time, each read 0-37 ms late (a loaded
  // machine); the first is among the latest.
  const std::int64_t delays_ms[] = {30, 12, 37, 3, 25, 0, 18, 9, 33, 5};
  for (int i = 0; i < 10; ++i) {
    const core::Duration end = std::chrono::milliseconds{40 * (i + 1)};
    const core::TimePoint now = kStart + end + std::chrono::milliseconds{delays_ms[i]};
    CHECK(clock.restart_reason(end, now).empty());
    clock.settle(end, now);
    // Never in the future, whatever the delay.
    CHECK(clock.at(end) <= now);
  }
  // Settled on the on-time delivery: device time t is exactly kStart + t.
  CHECK(clock.at(100ms) == kStart + 100ms);
}

TEST_CASE("a device clock that falls behind or goes back must be restarted") {
  DeviceClockAnchor clock;
  CHECK(clock.restart_reason(1s, kStart).empty());  // nothing placed yet
  clock.settle(1s, kStart);
  CHECK(clock.placed());
  // 2 s of device time delivered over 4.5 s of ours: 2.5 s late is still placed.
  CHECK(clock.restart_reason(3s, kStart + 4500ms).empty());
  // More than kLag behind: frames were lost or the link stalled.
  CHECK(clock.restart_reason(3s, kStart + 5100ms) ==
        "data are 3.10 s late (some missing, or the link stalled)");
  // A decoder that started afresh counts from zero again.
  CHECK(clock.restart_reason(200ms, kStart + 1500ms) ==
        "the device clock went back (the device or its decoder restarted)");
  clock.reset();
  CHECK(!clock.placed());
  clock.settle(200ms, kStart + 1500ms);
  CHECK(clock.at(200ms) == kStart + 1500ms);
}
