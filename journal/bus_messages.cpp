#include "journal/bus_messages.hpp"

namespace vigil::journal {

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

vigil::v1::AlarmRule to_proto(alerts::AlarmRule r) {
  switch (r) {
    case alerts::AlarmRule::limit:
      return vigil::v1::LIMIT_RULE;
    case alerts::AlarmRule::rhythm:
      return vigil::v1::RHYTHM_ANALYSIS;
    case alerts::AlarmRule::technical:
      return vigil::v1::TECHNICAL_CHECK;
    case alerts::AlarmRule::unspecified:
      break;
  }
  return vigil::v1::ALARM_RULE_UNSPECIFIED;
}

alerts::AlarmRule rule_from(vigil::v1::AlarmRule r) {
  switch (r) {
    case vigil::v1::LIMIT_RULE:
      return alerts::AlarmRule::limit;
    case vigil::v1::RHYTHM_ANALYSIS:
      return alerts::AlarmRule::rhythm;
    case vigil::v1::TECHNICAL_CHECK:
      return alerts::AlarmRule::technical;
    default:
      return alerts::AlarmRule::unspecified;
  }
}

vigil::v1::AlarmEvent to_proto(const alerts::AlarmEvent& e, bool drill) {
  vigil::v1::AlarmEvent p;
  p.set_alarm_id(e.alarm_id);
  p.set_bed(e.bed);
  p.set_condition(e.condition);
  p.set_priority(to_proto(e.priority));
  p.set_kind(e.kind == alerts::AlarmKind::technical ? vigil::v1::TECHNICAL : vigil::v1::PHYSIOLOGICAL);
  p.set_rule(to_proto(e.rule));
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

}  // namespace vigil::journal
