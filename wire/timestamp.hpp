#pragma once
// The one conversion between core::TimePoint and protobuf Timestamps. Times
// go out to the microsecond, the journal's resolution, so that a message
// read back from the journal is the message that was published.
#include <google/protobuf/timestamp.pb.h>

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
WireTime wire_time(core::TimePoint t);
// What a reader makes of those fields (clamped to the years a TimePoint holds).
core::TimePoint from_wire(WireTime t);

void set_time(google::protobuf::Timestamp* ts, core::TimePoint t);
core::TimePoint from_proto(const google::protobuf::Timestamp& ts);

}  // namespace vigil::wire
