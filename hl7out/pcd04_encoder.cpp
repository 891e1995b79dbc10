#include "hl7out/pcd04_encoder.hpp"

#include "hl7out/hl7_text.hpp"
#include "hl7out/mdc_codes.hpp"

namespace vigil::hl7out {
namespace {
std::string cwe(const MdcCode& c) {
  return std::to_string(c.code) + "^" + std::string{c.ref} + "^MDC";
}

std::string_view priority_code(AlertPriority p) {
  switch (p) {
    case AlertPriority::high:
      return "PH";
    case AlertPriority::medium:
      return "PM";
    case AlertPriority::low:
      return "PL";
  }
  return "PM";
}
}  // namespace

std::string_view to_string(AlertPhase p) {
  switch (p) {
    case AlertPhase::start:
      return "start";
    case AlertPhase::continue_:
      return "continue";
    case AlertPhase::end:
      return "end";
    case AlertPhase::escalate:
      return "escalate";
    case AlertPhase::de_escalate:
      return "de-escalate";
  }
  return "continue";
}

std::string_view to_string(AlertState s) {
  switch (s) {
    case AlertState::active:
      return "active";
    case AlertState::latched:
      return "latched";
    case AlertState::inactive:
      return "inactive";
  }
  return "active";
}

std::string_view to_string(AlertInactivation i) {
  switch (i) {
    case AlertInactivation::enabled:
      return "enabled";
    case AlertInactivation::audio_paused:
      return "audio-paused";
    case AlertInactivation::alarm_off:
      return "alarm-off";
    case AlertInactivation::acknowledged:
      return "alert-acknowledged";
  }
  return "enabled";
}

std::string encode_oru_r40(const MessageHeader& h, const BedContext& bed, const AlertReport& a) {
  std::string m = msh(h, "ORU^R40^ORU_R40", kProfilePcd04.data());
  m += pid_pv1(bed, h);
  // OBR-3: the alert's identifier, the same in every message of its life;
  // OBR-7: its onset.
  m += "OBR|1||" + escape(a.alert_id) + "^" + escape(h.sending_application) + "^" + h.equipment_eui64 +
       "^EUI-64|" + cwe(kEvtAlarm) + "|||" + timestamp(a.onset) + "\r";

  const MetricPlacement* p = a.mdc_code ? placement(a.mdc_code) : nullptr;
  // The facets hang below the metric the alert is about, or below the MDS.
  const std::string base = p ? "1." + std::to_string(p->vmd_index) + ".1." + std::to_string(p->metric_index)
                             : std::string{"1.0.0.0"};
  const std::string type = a.technical ? "ST" : "SP";
  const std::string priority{priority_code(a.priority)};
  int n = 0;
  auto row = [&](const std::string& value_type, const std::string& id, int facet, const std::string& value,
                 const std::string& tail) {
    m += "OBX|" + std::to_string(++n) + "|" + value_type + "|" + id + "|" + base + "." +
         std::to_string(facet) + "|" + value + tail + "\r";
  };
  // .1 what happened: a low limit crossed has its MDC event code; anything
  // else (codes not confirmed, docs/hl7.md) is sent in vigil's local coding
  // system 99VIGIL. OBX-8: abnormality (L/H, physiological only), priority, type.
  std::string event;
  if (p && !a.technical && a.below)
    event = cwe(kEvtLoValLtLim) + "^" + escape(a.condition) + "^" + escape(a.text) + "^99VIGIL";
  else
    event = escape(a.condition) + "^" + escape(a.text) + "^99VIGIL";
  std::string flags = a.technical ? "" : (a.below ? "L~" : "H~");
  flags += priority + "~" + type;
  row("CWE", cwe(kEvtAlarm), 1, event, "|||" + flags + "|||R|||" + timestamp(a.time) + "||||" + equipment(h));
  // .2 the source: the measurement with the limit it crossed (OBX-7
  // "low-" or "-high"), or the device behind a technical alert.
  if (p && !a.technical) {
    const std::string range = a.below ? number(a.limit) + "-" : "-" + number(a.limit);
    row("NM", cwe(p->metric_code), 2, number(a.value),
        "|" + cwe(p->unit) + "^" + std::string{p->ucum} + "^" + std::string{p->ucum} + "^UCUM|" + range +
            "||||R|||" + timestamp(a.time));
  } else {
    row("ST", cwe(kAttrAlertSource), 2, escape(a.source.empty() ? bed.bed : a.source), "||||||R");
  }
  row("ST", cwe(kAttrEventPhase), 3, std::string{to_string(a.phase)}, "||||||R");
  row("ST", cwe(kAttrAlarmState), 4, std::string{to_string(a.state)}, "||||||R");
  row("ST", cwe(kAttrInactivationState), 5, std::string{to_string(a.inactivation)}, "||||||R");
  row("ST", cwe(kAttrAlarmPriority), 6, priority, "||||||R");
  row("ST", cwe(kAttrAlertType), 7, type, "||||||R");
  return m;
}

}  // namespace vigil::hl7out
