#include "hl7out/unreachable_alarm.hpp"

#include <doctest/doctest.h>

using namespace vigil::hl7out;
using namespace std::chrono;

TEST_CASE("unreachable alarm: raised after the configured time of failing, cleared only once drained") {
  vigil::core::ManualClock clock{vigil::core::TimePoint{hours{1000}}};
  UnreachableAlarm alarm{seconds{120}};
  std::size_t depth = 0;
  int depth_reads = 0;
  const auto queue = [&] {
    ++depth_reads;
    return depth;
  };
  // A healthy destination at start: known to be fine, which clears an alarm
  // restored from before a restart.
  CHECK(!alarm.known());
  CHECK(alarm.update(std::nullopt, queue, clock.now()));
  CHECK(alarm.known());
  CHECK(!alarm.raised());
  CHECK(!alarm.update(std::nullopt, queue, clock.now()));

  const auto since = clock.now();
  depth = 40;
  clock.advance(seconds{119});
  CHECK(!alarm.update(since, queue, clock.now()));
  CHECK(!alarm.raised());
  clock.advance(seconds{1});
  CHECK(alarm.update(since, queue, clock.now()));
  CHECK(alarm.raised());
  clock.advance(seconds{600});
  CHECK(!alarm.update(since, queue, clock.now()));
  // Delivering again, but an hour's messages still queued: still raised.
  CHECK(!alarm.update(std::nullopt, queue, clock.now()));
  CHECK(alarm.raised());
  depth = 0;
  CHECK(alarm.update(std::nullopt, queue, clock.now()));
  CHECK(!alarm.raised());
  // A fresh failure starts the time again.
  const int reads = depth_reads;
  const auto again = clock.now();
  clock.advance(seconds{60});
  CHECK(!alarm.update(again, queue, clock.now()));
  CHECK(!alarm.raised());
  CHECK(depth_reads == reads);  // the queue is only counted when the alarm could clear
}

TEST_CASE("unreachable alarm: an alarm restored at start stays until the queue is seen to drain") {
  const vigil::core::TimePoint now{hours{1000}};
  UnreachableAlarm alarm{seconds{120}};
  CHECK(!alarm.update(
      std::nullopt, [] { return std::size_t{12}; }, now));
  CHECK(!alarm.known());
  CHECK(alarm.update(
      now - seconds{120}, [] { return std::size_t{12}; }, now));
  CHECK(alarm.raised());
}
