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

// Measures a message once, then writes its bytes: the replay store needs
// the size first, to make room, and the bytes then.
class BusMessageBytes {
 public:
  explicit BusMessageBytes(const vigil::v1::BusMessage& m);
  std::size_t size() const { return size_; }
  // Writes size() bytes at out; returns their end. m must not have changed.
  std::uint8_t* write(std::uint8_t* out) const;

 private:
  const vigil::v1::BusMessage& m_;
  bool by_hand_;
  std::size_t body_size_ = 0;  // the observation's, when written by hand
  std::size_t size_;
};

}  // namespace vigil::wire
