#include "core/time.hpp"

#include <doctest/doctest.h>

using namespace vigil::core;
using namespace std::chrono_literals;

TEST_CASE("a drill clock runs rate times faster from its anchor, and two copies agree") {
  const auto anchor = std::chrono::system_clock::now() - 1s;
  ScaledClock a{20, anchor}, b{20, anchor};
  const auto ta = a.now();
  const auto tb = b.now();
  // One real second since the anchor is twenty on the drill clock.
  CHECK(ta - anchor >= 20s);
  CHECK(ta - anchor < 22s);
  CHECK(tb - ta >= 0s);
  CHECK(tb - ta < 100ms);
  CHECK(a.rate() == 20);
}

TEST_CASE(
    "before its anchor a drill clock keeps real time, so waiting for the drill to start is no silence") {
  const auto anchor = std::chrono::system_clock::now() + 10s;
  ScaledClock c{20, anchor};
  const auto before = std::chrono::system_clock::now();
  const auto t = c.now();
  CHECK(t >= before);
  CHECK(t - before < 1s);
}

TEST_CASE("real timers wait the clock's time divided by its rate") {
  ScaledClock fast{20, std::chrono::system_clock::now()};
  SystemClock real;
  CHECK(real_wait(250ms, fast) == std::chrono::nanoseconds{12'500'000});
  CHECK(real_wait(250ms, real) == 250ms);
}
