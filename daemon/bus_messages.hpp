#pragma once
// Conversions from vigil's in-process values to the vigil.v1 wire messages.
#include <string>
#include <string_view>

#include "alerts/alarm.hpp"
#include "core/observation.hpp"
#include "vigil/v1/bus.pb.h"

namespace vigil::daemon {

void set_time(google::protobuf::Timestamp* ts, core::TimePoint t);
core::TimePoint from_proto(const google::protobuf::Timestamp& ts);

vigil::v1::Observation to_proto(const core::Observation& o, bool drill);
vigil::v1::AlarmEvent to_proto(const alerts::AlarmEvent& e, bool drill);
vigil::v1::Priority to_proto(alerts::Priority p);

// Topic of a bus message: "<kind>/<bed>/"; the trailing slash keeps "bed-1"
// from matching "bed-10".
std::string topic(std::string_view kind, std::string_view bed);
std::string_view topic_kind(const vigil::v1::BusMessage& m);
// The bed stream's sequence number of a message (0 for heartbeats).
std::uint64_t seq_of(const vigil::v1::BusMessage& m);

}  // namespace vigil::daemon
