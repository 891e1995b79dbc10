#pragma once
// A bus message's bytes, the same bytes as protobuf's SerializeToString. A
// reading's are written by hand, straight from the core::Observation: every
// reading is published once on the core thread, and building a protobuf
// message for it (its strings assigned field by field) and then measuring
// and writing it through protobuf's generic path was about a seventh of an
// oximeter reading's cost on the full path (docs/architecture.md, issue 17).
// The strings written are the bed's and the device's names, from the
// configuration (checked for UTF-8 when protobuf parsed it), and the
// metric's names and unit from core's table (ASCII), as protobuf would
// write them. Every other message goes through protobuf.
//
// The bytes are the subscribers' contract: tests/unit/wire compares them with
// protobuf's own for wire::to_proto(), at every length class.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/observation.hpp"
#include "vigil/v1/bus.pb.h"

namespace vigil::wire {

// Measures a message once, then writes its bytes: the replay store needs
// the size first, to make room, and the bytes then. (A reading's bytes are
// ReadingBytes' below.)
class BusMessageBytes {
 public:
  // Any message, through protobuf.
  explicit BusMessageBytes(const vigil::v1::BusMessage& m);
  std::size_t size() const { return size_; }
  // Writes size() bytes at out; returns their end. What was measured must
  // not have changed.
  std::uint8_t* write(std::uint8_t* out) const;

 private:
  const vigil::v1::BusMessage* m_;
  std::size_t size_;
};

// A reading's bytes, written in one pass into a buffer kept from one reading
// to the next (the publisher keeps one): each nested message's length is
// filled in once its fields are written, instead of every field being sized
// in a first pass and written in a second, and nothing is allocated once the
// buffer has grown to the bed's names.
class ReadingBytes {
 public:
  // The bytes of a BusMessage holding wire::to_proto(o, drill), valid until
  // the next call.
  std::string_view write(const core::Observation& o, bool drill);

 private:
  std::string buffer_;
};

}  // namespace vigil::wire
