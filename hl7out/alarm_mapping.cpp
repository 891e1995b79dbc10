#include "hl7out/alarm_mapping.hpp"

namespace vigil::hl7out {
namespace {
core::TimePoint to_time(const google::protobuf::Timestamp& t) {
  return core::TimePoint{std::chrono::duration_cast<core::Duration>(std::chrono::seconds{t.seconds()} +
                                                                    std::chrono::nanoseconds{t.nanos()})};
}

AlertOrigin origin_of(vigil::v1::AlarmRule r) {
  switch (r) {
    case vigil::v1::LIMIT_RULE:
      return AlertOrigin::limit_rule;
    case vigil::v1::RHYTHM_ANALYSIS:
      return AlertOrigin::rhythm_analysis;
    case vigil::v1::TECHNICAL_CHECK:
      return AlertOrigin::technical_check;
    default:
      return AlertOrigin::unknown;
  }
}
}  // namespace

AlertReport to_alert_report(const vigil::v1::AlarmEvent& e) {
  AlertReport a;
  a.alert_id = e.alarm_id();
  a.condition = e.condition();
  a.text = e.message();
  a.technical = e.kind() == vigil::v1::TECHNICAL;
  a.origin = origin_of(e.rule());
  a.priority = e.priority() == vigil::v1::HIGH  ? AlertPriority::high
               : e.priority() == vigil::v1::LOW ? AlertPriority::low
                                                : AlertPriority::medium;
  switch (e.transition()) {
    case vigil::v1::RAISED:
      a.phase = AlertPhase::start;
      break;
    case vigil::v1::ESCALATED:
      a.phase = AlertPhase::escalate;
      break;
    case vigil::v1::CLEARED:
      // A latched signal outlives its condition: the alert goes on until reset.
      a.phase = e.latched() ? AlertPhase::continue_ : AlertPhase::end;
      break;
    case vigil::v1::RESET:
      a.phase = AlertPhase::end;
      break;
    default:  // updated, acknowledged, audio paused or resumed, restored after a restart
      a.phase = AlertPhase::continue_;
      break;
  }
  a.state = e.transition() == vigil::v1::RESET ? AlertState::inactive
            : e.active()                       ? AlertState::active
            : e.latched()                      ? AlertState::latched
                                               : AlertState::inactive;
  const bool paused = e.has_audio_paused_until() && to_time(e.audio_paused_until()) > to_time(e.time());
  a.inactivation = paused             ? AlertInactivation::audio_paused
                   : e.acknowledged() ? AlertInactivation::acknowledged
                                      : AlertInactivation::enabled;
  a.mdc_code = e.mdc_code();
  a.value = e.value();
  a.limit = e.limit();
  a.below = e.value() < e.limit();
  a.source = e.device();
  a.time = to_time(e.time());
  return a;
}

}  // namespace vigil::hl7out
