// BaselineWindow on its own: which readings of the window make a baseline,
// on a fake clock.
#include "alerts/baseline_window.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using core::Metric;

namespace {
struct Window {
  core::ManualClock clock;
  BaselineWindow window{10min};
  void stream(Metric m, double value, core::Duration length) {
    for (auto end = clock.now() + length; clock.now() <= end; clock.advance(1s))
      window.add(m, value, clock.now());
  }
};
}  // namespace

TEST_CASE("a minute of a streamed value or one cuff reading makes that metric's baseline") {
  Window w;
  w.stream(Metric::spo2, 96, 60s);
  w.stream(Metric::pulse_rate, 80, 30s);
  w.window.add(Metric::nibp_systolic, 118, w.clock.now());
  const auto b = w.window.take(w.clock.now(), {});
  CHECK(b.values == std::map<Metric, double>{{Metric::nibp_systolic, 118}, {Metric::spo2, 96}});
  CHECK(b.source == "measured");
  CHECK(b.text ==
        "baseline (measured, median of the last 10 min): NIBP sys 118, SpO₂ 96; not enough data for a full "
        "baseline (need 60 s of SpO2 and heart rate before the start)");
}

TEST_CASE("the baseline is the median, and entered values stand over measured ones") {
  Window w;
  w.stream(Metric::heart_rate, 70, 30s);
  w.stream(Metric::heart_rate, 90, 40s);
  const auto b = w.window.take(w.clock.now(), {{Metric::spo2, 95}});
  CHECK(b.values.at(Metric::heart_rate) == 90);
  CHECK(b.values.at(Metric::spo2) == 95);
  CHECK(b.source == "measured and entered");
}

TEST_CASE("readings older than the window, or after the start, do not count") {
  Window w;
  w.window.add(Metric::nibp_systolic, 150, w.clock.now());
  w.clock.advance(11min);
  const auto start = w.clock.now();
  w.clock.advance(1s);
  w.window.add(Metric::nibp_systolic, 120, w.clock.now());
  const auto b = w.window.take(start, {});
  CHECK(b.values.empty());
  CHECK(b.source == "unavailable");
  CHECK(values_text(b.values) == "none");
}

TEST_CASE(
    "a device flooding its line costs the window one value a second per metric, and the baseline is still "
    "the flood's median") {
  Window w;
  // Ten minutes of SpO2 at 1000 readings a second, 90 to 99 evenly: the
  // median of all of them is 94.5.
  for (int ms = 0; ms <= 600'000; ++ms) {
    w.window.add(Metric::spo2, 90 + (ms / 7) % 10, w.clock.now());
    w.clock.advance(1ms);
  }
  CHECK(w.window.size() <= 10 * 60 + 1);
  const double median = w.window.take(w.clock.now(), {}).values.at(Metric::spo2);
  CHECK(median >= 94);
  CHECK(median <= 95);
}

TEST_CASE(
    "a Nonin's three readings a second keep one a second, a 1 Hz monitor keeps every value, and a clock "
    "that stepped back loses none") {
  Window w;
  for (int i = 0; i < 300; ++i) {
    w.window.add(Metric::spo2, 97, w.clock.now());
    w.clock.advance(333ms);
  }
  CHECK(w.window.size() == 100);
  // A Masimo's line a second, arriving a few milliseconds early or late.
  for (int i = 0; i < 100; ++i) {
    w.window.add(Metric::pulse_rate, 80, w.clock.now() + std::chrono::milliseconds{(i * 37) % 11 - 5});
    w.clock.advance(1s);
  }
  CHECK(w.window.size() == 200);
  w.clock.set(w.clock.now() - 30s);  // NTP stepped the clock back
  w.window.add(Metric::spo2, 90, w.clock.now());
  CHECK(w.window.size() == 201);
}

TEST_CASE(
    "after 24 days of uptime the window's times move to a new epoch and the values of the last minutes still "
    "count") {
  Window w;
  w.window.add(Metric::nibp_systolic, 120, w.clock.now());  // the epoch: times are kept as 32-bit ms from it
  w.clock.advance(std::chrono::milliseconds{std::numeric_limits<std::int32_t>::max()} - 3min);
  w.stream(Metric::spo2, 90, 4min);  // past 2^31 ms a minute in
  w.stream(Metric::spo2, 99, 1min);
  CHECK(w.window.size() == 241 + 61);
  const auto b = w.window.take(w.clock.now(), {});
  CHECK(b.values == std::map<Metric, double>{{Metric::spo2, 90}});
}

TEST_CASE("the window keeps only the metrics a baseline is taken of") {
  Window w;
  w.stream(Metric::resp_rate, 16, 120s);
  CHECK(w.window.size() == 0);
  const auto b = w.window.take(w.clock.now(), {{Metric::spo2, 95}});
  CHECK(b.source == "entered");
}
