#include "wire/timestamp.hpp"

namespace vigil::wire {

void set_time(google::protobuf::Timestamp* ts, core::TimePoint t) {
  const WireTime w = wire_time(t);
  ts->set_seconds(w.seconds);
  ts->set_nanos(w.nanos);
}

core::TimePoint from_proto(const google::protobuf::Timestamp& ts) {
  return from_wire({ts.seconds(), ts.nanos()});
}

}  // namespace vigil::wire
