#include "wire/timestamp.hpp"

#include <algorithm>
#include <chrono>

namespace vigil::wire {

WireTime wire_time(core::TimePoint t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  // Floor division: a time before the epoch still has nanos in [0, 1e9).
  std::int64_t seconds = us / 1000000, rest = us % 1000000;
  if (rest < 0) {
    --seconds;
    rest += 1000000;
  }
  return {seconds, static_cast<std::int32_t>(rest * 1000)};
}

core::TimePoint from_wire(WireTime t) {
  // A Timestamp holds years 1 to 9999, a count of nanoseconds only about 1678
  // to 2262: a time beyond is taken as the nearest one it can hold, so a bad
  // or hostile message (a history query from the year 2358) cannot overflow.
  constexpr std::int64_t kLimit = 9'000'000'000;  // s from the epoch: 1684 to 2255
  const std::int64_t seconds = std::clamp<std::int64_t>(t.seconds, -kLimit, kLimit);
  return core::TimePoint{std::chrono::duration_cast<core::Duration>(std::chrono::seconds{seconds} +
                                                                    std::chrono::nanoseconds{t.nanos})};
}

void set_time(google::protobuf::Timestamp* ts, core::TimePoint t) {
  const WireTime w = wire_time(t);
  ts->set_seconds(w.seconds);
  ts->set_nanos(w.nanos);
}

core::TimePoint from_proto(const google::protobuf::Timestamp& ts) {
  return from_wire({ts.seconds(), ts.nanos()});
}

}  // namespace vigil::wire
