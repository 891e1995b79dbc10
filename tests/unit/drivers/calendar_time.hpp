#pragma once
// A calendar time taken as UTC, as the device tests state what a monitor's
// clock or a message's timestamp says: utc(2024, 3, 5, 10, 0, 0).
#include <chrono>

#include "core/time.hpp"

namespace vigil::test {

inline core::TimePoint utc(int y, unsigned mo, unsigned d, int h, int mi, int s, int ms = 0) {
  using namespace std::chrono;
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s} + milliseconds{ms};
}

}  // namespace vigil::test
