#include "wire/envelope.hpp"

namespace vigil::wire {

std::string topic(std::string_view kind, std::string_view bed) {
  std::string t;
  t.reserve(kind.size() + bed.size() + 2);
  t.append(kind).append("/").append(bed).append("/");
  return t;
}

std::string_view topic_kind(const vigil::v1::BusMessage& m) {
  switch (m.body_case()) {
    case vigil::v1::BusMessage::kObservation:
      return kObservationKind;
    case vigil::v1::BusMessage::kAlarm:
      return "alarm";
    case vigil::v1::BusMessage::kLink:
      return "link";
    case vigil::v1::BusMessage::kHeartbeat:
      return "hb";
    case vigil::v1::BusMessage::kContext:
      return "ctx";
    case vigil::v1::BusMessage::BODY_NOT_SET:
      break;
  }
  return "unknown";
}

const std::string& bed_of(const vigil::v1::BusMessage& m) {
  switch (m.body_case()) {
    case vigil::v1::BusMessage::kObservation:
      return m.observation().bed();
    case vigil::v1::BusMessage::kAlarm:
      return m.alarm().bed();
    case vigil::v1::BusMessage::kLink:
      return m.link().bed();
    case vigil::v1::BusMessage::kHeartbeat:
      return m.heartbeat().bed();
    case vigil::v1::BusMessage::kContext:
      return m.context().bed();
    case vigil::v1::BusMessage::BODY_NOT_SET:
      break;
  }
  static const std::string none;
  return none;
}

std::uint64_t seq_of(const vigil::v1::BusMessage& m) {
  switch (m.body_case()) {
    case vigil::v1::BusMessage::kObservation:
      return m.observation().seq();
    case vigil::v1::BusMessage::kAlarm:
      return m.alarm().seq();
    case vigil::v1::BusMessage::kLink:
      return m.link().seq();
    case vigil::v1::BusMessage::kContext:
      return m.context().seq();
    case vigil::v1::BusMessage::kHeartbeat:
    case vigil::v1::BusMessage::BODY_NOT_SET:
      break;
  }
  return 0;
}

}  // namespace vigil::wire
