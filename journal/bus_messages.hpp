#pragma once
// Alarm events as vigil.v1 messages. Everything else about the wire (time
// stamps, quality, topics, sequence numbers, observations) has its one home
// in wire/; the journal's code names those through this header, others as wire::.
#include "alerts/alarm.hpp"
#include "vigil/v1/bus.pb.h"
#include "wire/envelope.hpp"
#include "wire/observation.hpp"
#include "wire/timestamp.hpp"

namespace vigil::journal {

using wire::from_proto;
using wire::seq_of;
using wire::set_time;
using wire::to_proto;
using wire::topic;
using wire::topic_kind;

vigil::v1::AlarmEvent to_proto(const alerts::AlarmEvent& e, bool drill);
vigil::v1::Priority to_proto(alerts::Priority p);
vigil::v1::AlarmRule to_proto(alerts::AlarmRule r);
// An unknown value (from a newer sender) is unspecified: never a limit rule.
alerts::AlarmRule rule_from(vigil::v1::AlarmRule r);

}  // namespace vigil::journal
