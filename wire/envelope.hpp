#pragma once
// How a vigil.v1::BusMessage travels: its topic, its bed and its place in
// the bed's stream. vigild and every subscriber read them the same way.
#include <cstdint>
#include <string>
#include <string_view>

#include "vigil/v1/bus.pb.h"

namespace vigil::wire {

// Topic of a bus message: "<kind>/<bed>/"; the trailing slash keeps "bed-1"
// from matching "bed-10".
std::string topic(std::string_view kind, std::string_view bed);
// "obs", "alarm", "link", "hb", "ctx"; "unknown" for a message without a body.
inline constexpr std::string_view kObservationKind = "obs";
std::string_view topic_kind(const vigil::v1::BusMessage& m);
const std::string& bed_of(const vigil::v1::BusMessage& m);
// The bed stream's sequence number of a message (0 for heartbeats).
std::uint64_t seq_of(const vigil::v1::BusMessage& m);

}  // namespace vigil::wire
