#include "alerts/technical_conditions.hpp"

#include <algorithm>

namespace vigil::alerts {
using namespace std::chrono_literals;

TechnicalSpec technical_spec(core::DeviceCondition c) {
  using core::DeviceCondition;
  switch (c) {
    case DeviceCondition::sensor_off:
      return {Priority::medium, 10s, "sensor off the patient"};
    case DeviceCondition::no_sensor:
      return {Priority::medium, 10s, "no sensor connected"};
    case DeviceCondition::device_malfunction:
      return {Priority::medium, 0s, "device or sensor fault"};
    case DeviceCondition::low_signal_quality:
      return {Priority::low, 10s, "low signal quality"};
    case DeviceCondition::artifact:
      return {Priority::low, 10s, "motion artifact or interference"};
    case DeviceCondition::low_perfusion:
      return {Priority::low, 10s, "low perfusion"};
    case DeviceCondition::searching:
      return {Priority::low, 10s, "searching for a pulse"};
    case DeviceCondition::low_battery:
      return {Priority::low, 0s, "device battery low"};
  }
  return {Priority::low, 0s, "device condition"};
}

std::vector<ConditionReport> TechnicalConditions::device_conditions(const std::string& device,
                                                                    core::DeviceConditions c) {
  std::vector<ConditionReport> out;
  auto& previous = reported_[device];
  // The usual frame: nothing wrong now or before, nothing to say.
  if ((c.bits | previous.bits) == 0) return out;
  for (auto condition : core::kAllDeviceConditions) {
    const bool present = c.has(condition);
    if (!present && !previous.has(condition)) continue;
    const auto spec = technical_spec(condition);
    ConditionReport r;
    r.condition = std::string{core::condition_name(condition)} + ":" + device;
    r.present = present;
    r.kind = AlarmKind::technical;
    r.rule = AlarmRule::technical;
    r.priority = spec.priority;
    r.delay = spec.delay;
    r.device = device;
    r.message = device + ": " + spec.text;
    out.push_back(std::move(r));
  }
  previous = c;
  return out;
}

std::vector<ConditionReport> TechnicalConditions::link(const std::string& device, const std::string& protocol,
                                                       bool lost, const std::string& reason) {
  ConditionReport r;
  r.condition = "device_lost:" + device;
  r.present = lost;
  r.kind = AlarmKind::technical;
  r.rule = AlarmRule::technical;
  r.priority = Priority::medium;
  r.device = device;
  r.message = device + " (" + protocol + "): " + (lost ? reason : "receiving again");
  std::vector<ConditionReport> out{std::move(r)};
  if (!lost)
    for (auto& ended : device_conditions(device, core::DeviceConditions{})) out.push_back(std::move(ended));
  return out;
}

ConditionReport TechnicalConditions::garbled(const std::string& device, bool garbled,
                                             const std::string& reason) {
  ConditionReport r;
  r.condition = "garbled_stream:" + device;
  r.present = garbled;
  r.kind = AlarmKind::technical;
  r.rule = AlarmRule::technical;
  r.priority = Priority::low;
  r.device = device;
  r.message = device + ": " + reason;
  return r;
}

ConditionReport TechnicalConditions::journal(bool available, const std::string& reason) {
  ConditionReport r;
  r.condition = "journal_unavailable";
  r.present = !available;
  r.kind = AlarmKind::technical;
  r.rule = AlarmRule::technical;
  r.priority = Priority::medium;
  r.message = available ? "journal writing again"
                        : "journal unavailable: " + reason +
                              "; alarms are still published but would not survive a restart";
  return r;
}

ConditionReport TechnicalConditions::hl7_destination(const std::string& destination, bool failing,
                                                     const std::string& text) {
  ConditionReport r;
  r.condition = "hl7_unreachable:" + destination;
  r.present = failing;
  r.kind = AlarmKind::technical;
  r.rule = AlarmRule::technical;
  r.priority = Priority::low;
  r.message = text;
  return r;
}

ConditionReport TechnicalConditions::adt_refused(bool refused, const std::string& text) {
  ConditionReport r;
  r.condition = "adt_discharge_refused";
  r.present = refused;
  r.kind = AlarmKind::technical;
  r.rule = AlarmRule::technical;
  r.priority = Priority::low;
  r.message = text;
  return r;
}

std::optional<ConditionReport> TechnicalConditions::nibp_overdue(const std::optional<CuffWatch>& watch,
                                                                 bool signalled, core::TimePoint now) {
  if (!watch && !signalled) return std::nullopt;
  ConditionReport r;
  r.condition = "nibp_overdue";
  r.kind = AlarmKind::technical;
  r.rule = AlarmRule::technical;
  r.metric = core::Metric::nibp_systolic;
  r.present = false;
  if (watch) {
    const core::TimePoint last =
        std::max(watch->last_cuff.value_or(watch->infusion_started), watch->infusion_started);
    const auto since = now - last;
    const auto one = watch->cycle + watch->grace;
    const auto two = 2 * watch->cycle + watch->grace;
    r.present = since > one;
    r.priority = since > two ? Priority::medium : Priority::low;
    r.value = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(since).count());
    r.limit = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(one).count());
    r.message = "no blood pressure reading for " +
                std::to_string(std::chrono::duration_cast<std::chrono::minutes>(since).count()) +
                " min during the infusion (cuff cycle " +
                std::to_string(std::chrono::duration_cast<std::chrono::minutes>(watch->cycle).count()) +
                " min)";
  }
  // Only a change is worth a report; the engine escalates when the level rises.
  return r;
}

}  // namespace vigil::alerts
