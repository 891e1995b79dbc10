#include "daemon/bed_monitor.hpp"

#include <spdlog/spdlog.h>

#include "daemon/bus_messages.hpp"

namespace vigil::daemon {
using alerts::AlarmKind;
using alerts::Direction;
using alerts::Priority;

std::vector<alerts::LimitRule> limit_rules_from_config(const vigil::v1::config::Limits& l) {
  std::vector<alerts::LimitRule> rules;
  auto add = [&](const char* condition, core::Metric m, Direction d, double threshold, const char* label) {
    alerts::LimitRule r;
    r.condition = condition;
    r.metric = m;
    r.direction = d;
    r.threshold = threshold;
    r.priority = Priority::medium;
    r.label = label;
    rules.push_back(r);
  };
  if (l.has_spo2_low()) add("spo2_low", core::Metric::spo2, Direction::below, l.spo2_low(), "SpO2 low");
  for (auto m : {core::Metric::pulse_rate, core::Metric::heart_rate}) {
    if (l.has_pulse_high()) add("rate_high", m, Direction::above, l.pulse_high(), "Heart rate high");
    if (l.has_pulse_low()) add("rate_low", m, Direction::below, l.pulse_low(), "Heart rate low");
  }
  if (l.has_nibp_sys_high())
    add("nibp_high", core::Metric::nibp_systolic, Direction::above, l.nibp_sys_high(), "Blood pressure high");
  if (l.has_nibp_dia_high())
    add("nibp_high", core::Metric::nibp_diastolic, Direction::above, l.nibp_dia_high(), "Blood pressure high");
  return rules;
}

BedMonitor::BedMonitor(const vigil::v1::config::Bed& config, bool drill, BusPublisher& bus)
    : id_{config.id()}, drill_{drill}, bus_{bus}, rules_{limit_rules_from_config(config.limits())}, engine_{config.id()} {}

void BedMonitor::on_reading(const std::string& device, const core::Reading& r, core::TimePoint now) {
  core::Observation o;
  o.bed = id_;
  o.device = device;
  o.reading = r;
  o.received = now;
  vigil::v1::BusMessage m;
  *m.mutable_observation() = to_proto(o, drill_);
  o.seq = bus_.publish(m, id_);
  latest_[r.metric] = o;
  for (const auto& report : rules_.evaluate(r, device)) engine_.report(report, now, events_);
  publish(events_);
}

namespace {
struct TechnicalSpec {
  Priority priority;
  std::chrono::seconds delay;
  const char* text;
};
TechnicalSpec technical_spec(core::DeviceCondition c) {
  using core::DeviceCondition;
  switch (c) {
    case DeviceCondition::sensor_off: return {Priority::medium, std::chrono::seconds{10}, "sensor off the patient"};
    case DeviceCondition::no_sensor: return {Priority::medium, std::chrono::seconds{10}, "no sensor connected"};
    case DeviceCondition::device_malfunction: return {Priority::medium, std::chrono::seconds{0}, "device or sensor fault"};
    case DeviceCondition::low_signal_quality: return {Priority::low, std::chrono::seconds{10}, "low signal quality"};
    case DeviceCondition::artifact: return {Priority::low, std::chrono::seconds{10}, "motion artifact / interference"};
    case DeviceCondition::low_perfusion: return {Priority::low, std::chrono::seconds{10}, "low perfusion"};
    case DeviceCondition::searching: return {Priority::low, std::chrono::seconds{10}, "searching for pulse"};
    case DeviceCondition::low_battery: return {Priority::low, std::chrono::seconds{0}, "device battery low"};
  }
  return {Priority::low, std::chrono::seconds{0}, "device condition"};
}
}  // namespace

void BedMonitor::on_device_conditions(const std::string& device, core::DeviceConditions c, core::TimePoint now) {
  auto& previous = device_conditions_[device];
  for (auto condition : core::kAllDeviceConditions) {
    const bool present = c.has(condition);
    // Report while present (so the delay can run out) and once when it ends.
    if (!present && !previous.has(condition)) continue;
    const auto spec = technical_spec(condition);
    alerts::ConditionReport r;
    r.condition = std::string{core::condition_name(condition)} + ":" + device;
    r.present = present;
    r.kind = AlarmKind::technical;
    r.priority = spec.priority;
    r.delay = spec.delay;
    r.device = device;
    r.message = device + ": " + spec.text;
    engine_.report(r, now, events_);
  }
  previous = c;
  publish(events_);
}

void BedMonitor::on_link_state(const DeviceLink& link, core::TimePoint now) {
  vigil::v1::BusMessage m;
  auto* s = m.mutable_link();
  s->set_bed(id_);
  s->set_device(link.id());
  s->set_protocol(std::string{link.protocol().name});
  s->set_state(link.state());
  s->set_reason(link.reason());
  const auto stats = link.stats();
  s->set_frames_ok(stats.frames_ok);
  s->set_frames_bad(stats.frames_bad);
  s->set_resyncs(stats.resyncs);
  if (link.last_frame()) set_time(s->mutable_last_frame(), *link.last_frame());
  set_time(s->mutable_time(), now);
  bus_.publish(m, id_);

  // Opened but not yet talking says nothing new: a lost device stays lost
  // until its first valid frame, and silence is judged by the link.
  if (link.state() == vigil::v1::CONNECTING) return;
  const bool lost = link.state() == vigil::v1::DOWN || link.state() == vigil::v1::STALE;
  alerts::ConditionReport r;
  r.condition = "device_lost:" + link.id();
  r.present = lost;
  r.kind = AlarmKind::technical;
  r.priority = Priority::medium;
  r.device = link.id();
  r.message = link.id() + " (" + std::string{link.protocol().name} + "): " +
              (lost ? link.reason() : "receiving again");
  engine_.report(r, now, events_);
  if (!lost) {
    // The device's own status will be reported afresh by its next frame.
    on_device_conditions(link.id(), core::DeviceConditions{}, now);
  }
  publish(events_);
}

void BedMonitor::tick(core::TimePoint now) {
  engine_.tick(now, events_);
  publish(events_);
}

void BedMonitor::publish(std::vector<alerts::AlarmEvent>& events) {
  for (const auto& e : events) {
    vigil::v1::BusMessage m;
    *m.mutable_alarm() = to_proto(e, drill_);
    bus_.publish(m, id_);
    const auto level = e.transition == alerts::Transition::raised && e.priority == Priority::high ? spdlog::level::err
                       : e.transition == alerts::Transition::raised                                ? spdlog::level::warn
                                                                                                   : spdlog::level::info;
    spdlog::log(level, "{}: alarm {} {} [{} {}] {}", id_, alerts::to_string(e.transition), e.condition,
                alerts::to_string(e.priority), alerts::to_string(e.kind), e.message);
  }
  events.clear();
}

}  // namespace vigil::daemon
