#pragma once
// The one conversion between core::TimePoint and protobuf Timestamps. Times
// go out to the microsecond, the journal's resolution, so that a message
// read back from the journal is the message that was published.
#include <google/protobuf/timestamp.pb.h>

#include "core/time.hpp"

namespace vigil::wire {

void set_time(google::protobuf::Timestamp* ts, core::TimePoint t);
core::TimePoint from_proto(const google::protobuf::Timestamp& ts);

}  // namespace vigil::wire
