#pragma once
// Where the alerts tests' fake clock starts (core::ManualClock's own default
// start, some 50 years after the epoch), so a test states its beats and
// readings as t0 + how far into the test they fall.
#include <chrono>

#include "core/time.hpp"

namespace vigil::alerts::test {

inline const core::TimePoint t0{std::chrono::hours{24 * 365 * 50}};

}  // namespace vigil::alerts::test
