#include "journal/journal_state.hpp"

#include "journal/bus_messages.hpp"

namespace vigil::journal {
namespace v1 = vigil::v1;
namespace {

alerts::Priority priority_from(v1::Priority p) {
  switch (p) {
    case v1::LOW:
      return alerts::Priority::low;
    case v1::HIGH:
      return alerts::Priority::high;
    default:
      return alerts::Priority::medium;
  }
}

std::chrono::milliseconds ms(core::Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

v1::journal::AlarmState to_journal(const alerts::AlarmState& a, const std::string& bed, bool drill) {
  alerts::AlarmEvent e;
  e.alarm_id = a.alarm_id;
  e.bed = bed;
  e.condition = a.last.condition;
  e.priority = a.priority;
  e.kind = a.last.kind;
  e.rule = a.last.rule;
  e.transition = alerts::Transition::restored;
  e.message = a.last.text();
  e.metric = a.last.metric;
  e.value = a.last.value;
  e.limit = a.last.limit;
  e.baseline = a.last.baseline;
  e.onset = a.onset;
  e.active = a.active;
  e.latched = !a.active;
  e.acknowledged = a.acknowledged;
  e.actor = a.actor;
  e.audio_paused_until = a.paused_until;
  e.device = a.last.device;
  v1::journal::AlarmState p;
  *p.mutable_alarm() = to_proto(e, drill);
  p.set_escalated(a.escalated);
  p.set_latching(a.latching);
  p.set_reported_priority(to_proto(a.last.priority));
  p.set_delay_ms(static_cast<std::uint32_t>(ms(a.last.delay).count()));
  p.set_reported_latching(a.last.latching);
  set_time(p.mutable_raised(), a.raised);
  return p;
}

alerts::AlarmState from_journal(const v1::journal::AlarmState& p) {
  const auto& e = p.alarm();
  alerts::AlarmState a;
  a.last.condition = e.condition();
  a.last.present = e.active();
  a.last.priority = priority_from(p.reported_priority());
  a.last.kind = e.kind() == v1::TECHNICAL ? alerts::AlarmKind::technical : alerts::AlarmKind::physiological;
  a.last.rule = rule_from(e.rule());
  a.last.delay = std::chrono::milliseconds{p.delay_ms()};
  a.last.latching = p.reported_latching();
  a.last.metric = core::metric_from_code(e.mdc_code());
  a.last.value = e.value();
  a.last.limit = e.limit();
  a.last.baseline = e.baseline();
  a.last.message = e.message();
  a.last.device = e.device();
  a.alarm_id = e.alarm_id();
  a.onset = from_proto(e.onset());
  if (p.has_raised()) a.raised = from_proto(p.raised());
  a.priority = priority_from(e.priority());
  a.active = e.active();
  a.acknowledged = e.acknowledged();
  a.escalated = p.escalated();
  a.latching = p.latching();
  a.actor = e.actor();
  if (e.has_audio_paused_until()) a.paused_until = from_proto(e.audio_paused_until());
  return a;
}

}  // namespace

v1::LimitOverride to_proto(const alerts::RuleOverride& o) {
  v1::LimitOverride p;
  p.set_condition(o.condition);
  p.set_priority(to_proto(o.priority));
  if (o.threshold) p.set_threshold(*o.threshold);
  if (o.delay)
    p.set_delay_s(
        static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(*o.delay).count()));
  if (o.enabled) p.set_enabled(*o.enabled);
  p.set_reason(o.reason);
  p.set_set_by(o.by);
  p.set_metric(o.metric);
  return p;
}

alerts::RuleOverride from_proto_override(const v1::LimitOverride& p) {
  alerts::RuleOverride o;
  o.condition = p.condition();
  o.priority = priority_from(p.priority());
  if (p.has_threshold()) o.threshold = p.threshold();
  if (p.has_delay_s()) o.delay = std::chrono::seconds{p.delay_s()};
  if (p.has_enabled()) o.enabled = p.enabled();
  o.reason = p.reason();
  o.by = p.set_by();
  o.metric = p.metric();
  return o;
}

v1::journal::BedState to_journal(const std::string& bed, const alerts::BedState& s, bool drill) {
  v1::journal::BedState p;
  const auto& c = s.context;
  p.set_bed(bed);
  p.set_patient_id(c.patient_id);
  p.set_profile(c.profile);
  p.set_profile_from_admission(c.profile_from_admission);
  for (const auto& o : c.profile_changes) *p.add_profile_changes() = to_proto(o);
  if (c.infusion) {
    auto* i = p.mutable_infusion();
    set_time(i->mutable_started(), c.infusion->started);
    i->set_drug(c.infusion->drug);
    i->set_regimen(c.infusion->regimen);
  }
  for (const auto& [metric, value] : c.baseline) (*p.mutable_baseline())[core::code(metric)] = value;
  p.set_baseline_source(c.baseline_source);
  if (c.baseline_set) {
    set_time(p.mutable_baseline_set(), c.baseline_set->time);
    p.set_baseline_set_by(c.baseline_set->by);
  }
  for (const auto& [device, d] : s.device_conditions) (*p.mutable_device_conditions())[device] = d.bits;
  for (const auto& a : s.alarms) *p.add_alarms() = to_journal(a, bed, drill);
  return p;
}

alerts::BedState from_journal(const v1::journal::BedState& p) {
  alerts::BedState s;
  auto& c = s.context;
  c.patient_id = p.patient_id();
  c.profile = p.profile();
  c.profile_from_admission = p.profile_from_admission();
  for (const auto& o : p.profile_changes()) c.profile_changes.push_back(from_proto_override(o));
  if (p.has_infusion())
    c.infusion =
        alerts::Infusion{from_proto(p.infusion().started()), p.infusion().drug(), p.infusion().regimen()};
  for (const auto& [code, value] : p.baseline())
    if (auto m = core::metric_from_code(code)) c.baseline[*m] = value;
  c.baseline_source = p.baseline_source();
  if (p.has_baseline_set())
    c.baseline_set = alerts::BaselineSetting{from_proto(p.baseline_set()), p.baseline_set_by()};
  for (const auto& [device, bits] : p.device_conditions())
    s.device_conditions[device] = core::DeviceConditions{bits};
  for (const auto& a : p.alarms()) s.alarms.push_back(from_journal(a));
  return s;
}

}  // namespace vigil::journal
