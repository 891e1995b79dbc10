#include "daemon/bus_messages.hpp"

namespace vigil::daemon {

void set_time(google::protobuf::Timestamp* ts, core::TimePoint t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  ts->set_seconds(us / 1000000);
  ts->set_nanos(static_cast<int>((us % 1000000) * 1000));
}

core::TimePoint from_proto(const google::protobuf::Timestamp& ts) {
  return core::TimePoint{std::chrono::duration_cast<core::Duration>(std::chrono::seconds{ts.seconds()} +
                                                                    std::chrono::nanoseconds{ts.nanos()})};
}

vigil::v1::Observation to_proto(const core::Observation& o, bool drill) {
  vigil::v1::Observation p;
  const auto& info = core::info(o.reading.metric);
  p.set_bed(o.bed);
  p.set_device(o.device);
  p.set_mdc_code(core::code(o.reading.metric));
  p.set_mdc_ref(std::string{info.mdc_ref});
  p.set_metric(std::string{info.name});
  p.set_value(o.reading.value);
  p.set_unit(std::string{info.ucum_unit});
  const auto& q = o.reading.quality;
  auto* pq = p.mutable_quality();
  pq->set_invalid(q.has(core::QualityFlag::invalid));
  pq->set_artifact(q.has(core::QualityFlag::artifact));
  pq->set_sensor_off(q.has(core::QualityFlag::sensor_off));
  pq->set_low_perfusion(q.has(core::QualityFlag::low_perfusion));
  pq->set_questionable(q.has(core::QualityFlag::questionable));
  if (o.reading.device_time) set_time(p.mutable_device_time(), *o.reading.device_time);
  set_time(p.mutable_received(), o.received);
  p.set_seq(o.seq);
  p.set_drill(drill);
  return p;
}

vigil::v1::Priority to_proto(alerts::Priority p) {
  switch (p) {
    case alerts::Priority::low:
      return vigil::v1::LOW;
    case alerts::Priority::medium:
      return vigil::v1::MEDIUM;
    case alerts::Priority::high:
      return vigil::v1::HIGH;
  }
  return vigil::v1::PRIORITY_UNSPECIFIED;
}

vigil::v1::AlarmEvent to_proto(const alerts::AlarmEvent& e, bool drill) {
  vigil::v1::AlarmEvent p;
  p.set_alarm_id(e.alarm_id);
  p.set_bed(e.bed);
  p.set_condition(e.condition);
  p.set_priority(to_proto(e.priority));
  p.set_kind(e.kind == alerts::AlarmKind::technical ? vigil::v1::TECHNICAL : vigil::v1::PHYSIOLOGICAL);
  p.set_transition(static_cast<vigil::v1::AlarmTransition>(static_cast<int>(e.transition)));
  p.set_message(e.message);
  if (e.metric) {
    p.set_mdc_code(core::code(*e.metric));
    p.set_metric(std::string{core::name(*e.metric)});
  }
  p.set_value(e.value);
  p.set_limit(e.limit);
  p.set_baseline(e.baseline);
  set_time(p.mutable_onset(), e.onset);
  set_time(p.mutable_time(), e.time);
  p.set_active(e.active);
  p.set_latched(e.latched);
  p.set_acknowledged(e.acknowledged);
  p.set_actor(e.actor);
  if (e.audio_paused_until) set_time(p.mutable_audio_paused_until(), *e.audio_paused_until);
  p.set_drill(drill);
  p.set_device(e.device);
  return p;
}

std::string topic(std::string_view kind, std::string_view bed) {
  std::string t;
  t.reserve(kind.size() + bed.size() + 2);
  t.append(kind).append("/").append(bed).append("/");
  return t;
}

std::string_view topic_kind(const vigil::v1::BusMessage& m) {
  switch (m.body_case()) {
    case vigil::v1::BusMessage::kObservation:
      return "obs";
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
    default:
      return 0;
  }
}

}  // namespace vigil::daemon
