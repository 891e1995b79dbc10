#pragma once
// A bus message's bytes, the same bytes as protobuf's SerializeToString,
// with an observation written by hand. Every reading is serialized once on
// the core thread, and protobuf's generic path (sizes cached field by field,
// then each proto3 string checked for UTF-8 again) was about a tenth of an
// oximeter reading's cost. An observation's strings are the bed's and the
// device's names, from the configuration (checked for UTF-8 when protobuf
// parsed it), and the metric's names and unit from core's table (ASCII), so
// the check cannot find anything. Any other body, or a message carrying
// unknown fields, goes through protobuf as before.
//
// The bytes are the subscribers' contract: tests/unit/wire compares them with
// protobuf's own, field by field and at every length class.
#include <cstddef>
#include <cstdint>

#include "vigil/v1/bus.pb.h"

namespace vigil::wire {

// The size of m's bytes; call before write_bus_message (protobuf's path
// caches sizes here that its writing reads).
std::size_t bus_message_size(const vigil::v1::BusMessage& m);
// Writes m's bytes at out; `size` is what bus_message_size(m) returned, so
// nothing is measured twice. Returns their end.
std::uint8_t* write_bus_message(const vigil::v1::BusMessage& m, std::size_t size, std::uint8_t* out);

}  // namespace vigil::wire
