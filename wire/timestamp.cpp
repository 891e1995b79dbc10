#include "wire/timestamp.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace vigil::wire {

void set_time(google::protobuf::Timestamp* ts, core::TimePoint t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  // Floor division: a time before the epoch still has nanos in [0, 1e9).
  std::int64_t seconds = us / 1000000, rest = us % 1000000;
  if (rest < 0) {
    --seconds;
    rest += 1000000;
  }
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<std::int32_t>(rest * 1000));
}

core::TimePoint from_proto(const google::protobuf::Timestamp& ts) {
  // A Timestamp holds years 1 to 9999, a count of nanoseconds only about 1678
  // to 2262: a time beyond is taken as the nearest one it can hold, so a bad
  // or hostile message (a history query from the year 2358) cannot overflow.
  constexpr std::int64_t kLimit = 9'000'000'000;  // s from the epoch: 1684 to 2255
  const std::int64_t seconds = std::clamp<std::int64_t>(ts.seconds(), -kLimit, kLimit);
  return core::TimePoint{std::chrono::duration_cast<core::Duration>(std::chrono::seconds{seconds} +
                                                                    std::chrono::nanoseconds{ts.nanos()})};
}

}  // namespace vigil::wire
