#include "wire/timestamp.hpp"

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
  return core::TimePoint{std::chrono::duration_cast<core::Duration>(std::chrono::seconds{ts.seconds()} +
                                                                    std::chrono::nanoseconds{ts.nanos()})};
}

}  // namespace vigil::wire
