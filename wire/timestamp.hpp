#pragma once
// The one conversion between core::TimePoint and protobuf Timestamps. Times
// go out to the microsecond, the journal's resolution, so that a message
// read back from the journal is the message that was published.
#include <google/protobuf/timestamp.pb.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "core/time.hpp"

namespace vigil::wire {

// A time as a Timestamp's two fields hold it: whole seconds (floored) and
// the nanoseconds past them, to the microsecond. The hand-written bus bytes
// (wire/bus_message_bytes.hpp) write these without a Timestamp message.
struct WireTime {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;
};
// Both inline: every reading's bus message and journal row convert two
// times, and a call each was a measurable share of publishing one.
constexpr WireTime wire_time(core::TimePoint t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  // Floor division: a time before the epoch still has nanos in [0, 1e9).
  std::int64_t seconds = us / 1000000, rest = us % 1000000;
  if (rest < 0) {
    --seconds;
    rest += 1000000;
  }
  return {seconds, static_cast<std::int32_t>(rest * 1000)};
}
// What a reader makes of those fields (clamped to the years a TimePoint holds).
constexpr core::TimePoint from_wire(WireTime t) {
  // A Timestamp holds years 1 to 9999, a count of nanoseconds only about 1678
  // to 2262: a time beyond is taken as the nearest one it can hold, so a bad
  // or hostile message (a history query from the year 2358) cannot overflow.
  constexpr std::int64_t kLimit = 9'000'000'000;  // s from the epoch: 1684 to 2255
  const std::int64_t seconds = std::clamp<std::int64_t>(t.seconds, -kLimit, kLimit);
  return core::TimePoint{std::chrono::duration_cast<core::Duration>(std::chrono::seconds{seconds} +
                                                                    std::chrono::nanoseconds{t.nanos})};
}

void set_time(google::protobuf::Timestamp* ts, core::TimePoint t);
core::TimePoint from_proto(const google::protobuf::Timestamp& ts);

}  // namespace vigil::wire
