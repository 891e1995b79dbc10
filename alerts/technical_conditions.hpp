#pragma once
// A bed's technical conditions: what keeps vigil from measuring the patient
// rather than the patient's state. A device lost (silent, unplugged,
// garbled), a stream with many bad frames, the conditions a device reports
// itself (sensor off, no sensor, low signal quality, ...), no cuff reading
// for a cycle during an infusion, and a journal that cannot write. Each is
// answered as condition reports for the alarm engine.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alarm.hpp"
#include "core/device_condition.hpp"
#include "core/time.hpp"

namespace vigil::alerts {

// How a device-reported condition alarms: its level, its condition delay
// and its words.
struct TechnicalSpec {
  Priority priority;
  core::Duration delay;
  const char* text;
};
TechnicalSpec technical_spec(core::DeviceCondition c);

// The cuff's schedule during an infusion, for nibp_overdue.
struct CuffWatch {
  core::TimePoint infusion_started{};
  std::optional<core::TimePoint> last_cuff;  // the last cuff reading's measurement time
  core::Duration cycle{};
  core::Duration grace{};
};

class TechnicalConditions {
 public:
  // Reported while present (so a delay can run out) and once when it ends.
  std::vector<ConditionReport> device_conditions(const std::string& device, core::DeviceConditions c);
  // A device that comes back reports its own conditions afresh with its next
  // frame, so the ones it had end here.
  std::vector<ConditionReport> link(const std::string& device, const std::string& protocol, bool lost,
                                    const std::string& reason);
  static ConditionReport garbled(const std::string& device, bool garbled, const std::string& reason);
  static ConditionReport journal(bool available, const std::string& reason);
  // A hospital system (HL7 destination) not taking vigil's messages: low,
  // the bedside alarms are not affected.
  static ConditionReport hl7_destination(const std::string& destination, bool failing,
                                         const std::string& text);
  // The hospital's ADT system discharged or moved the bed's patient and vigil
  // refused because an infusion runs: the chart and the bedside disagree
  // until staff discharge or stop the infusion. Low: the patient is still
  // monitored; staff must learn the EHR thinks they left.
  static ConditionReport adt_refused(bool refused, const std::string& text);
  // No cuff reading for a cycle (low) or two (medium) of an infusion;
  // `watch` is empty without an infusion or a cuff cycle. Nothing to report
  // when there is neither a watch nor an alarm with a signal to clear.
  static std::optional<ConditionReport> nibp_overdue(const std::optional<CuffWatch>& watch, bool signalled,
                                                     core::TimePoint now);

  // Survives a restart: a device condition behind a restored alarm must be
  // seen to end, or its alarm would never clear.
  const std::map<std::string, core::DeviceConditions>& reported() const { return reported_; }
  void restore(std::map<std::string, core::DeviceConditions> reported) { reported_ = std::move(reported); }

 private:
  std::map<std::string, core::DeviceConditions> reported_;  // per device, as last reported
};

}  // namespace vigil::alerts
