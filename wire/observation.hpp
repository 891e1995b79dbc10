#pragma once
// A core::Observation as the vigil.v1 message subscribers and the journal get:
// MDC code and UCUM unit on the wire, never a display name.
#include "core/observation.hpp"
#include "vigil/v1/bus.pb.h"

namespace vigil::wire {

// The message has no presence for value: a reading without one goes out as
// the field left unset (0) and flagged invalid, so a subscriber that asks
// wire::usable() never takes it for a measurement. What fill() and the
// hand-written bytes (wire/bus_message_bytes.hpp) both send, inline for
// the bytes and the journal row written for every reading:
inline double value_on_wire(const core::Reading& r) {
  return r.value.value_or(0);
}
inline core::Quality quality_on_wire(const core::Reading& r) {
  core::Quality q = r.quality;
  if (!r.value) q.set(core::QualityFlag::invalid);
  return q;
}

vigil::v1::Observation to_proto(const core::Observation& o, bool drill);
// The same into a message that may hold an earlier observation: every field
// is set (or cleared), so the bytes are to_proto's, and the message's strings
// and parts are reused instead of allocated again.
void fill(vigil::v1::Observation& p, const core::Observation& o, bool drill);

}  // namespace vigil::wire
