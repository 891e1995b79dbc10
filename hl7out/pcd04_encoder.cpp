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
      return "deescalate";
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
  // OBR-3 names this report, OBR-29.2 the alert, the same in every report
  // of its life; the start's OBR-3 is the alert's own id, as in the IHE PCD
  // TF-2 example E.3.1 (docs/hl7.md: where the TF's texts differ). OBR-7 is
  // when the report was made; the alert's own time is facet .1's OBX-14.
  const std::string namespace_id = escape(h.sending_application);
  const std::string report = a.phase == AlertPhase::start ? a.alert_id : a.alert_id + ":" + h.control_id;
  m += "OBR|1||" + escape(report) + "^" + namespace_id + "^" + h.equipment_eui64 + "^EUI-64|" +
       cwe(kEvtAlarm) + "|||" + timestamp(h.time) + std::string(22, '|') + "^" + escape(a.alert_id) + "&" +
       namespace_id + "&" + h.equipment_eui64 + "&EUI-64\r";

  const MetricPlacement* p = a.mdc_code ? placement(a.mdc_code) : nullptr;
  // The facets hang below the metric the alert is about, or below the MDS.
  const std::string base = p ? "1." + std::to_string(p->vmd_index) + ".1." + std::to_string(p->metric_index)
                             : std::string{"1.0.0.0"};
  const std::string type = a.technical ? "ST" : "SP";
  const std::string priority{priority_code(a.priority)};
  int n = 0;
  // OBX-11 is F on every row: a report once sent is final (TF-2 B.8.6).
  auto row = [&](const std::string& value_type, const std::string& id, int facet, const std::string& value,
                 const std::string& obx6_to_8, const std::string& from_obx12 = {}) {
    m += "OBX|" + std::to_string(++n) + "|" + value_type + "|" + id + "|" + base + "." +
         std::to_string(facet) + "|" + value + "|" + obx6_to_8 + "|||F" + from_obx12 + "\r";
  };
  // .1 what happened: a physiological alarm's MDC event code in OBX-3 (TF-2
  // table B.8.5-1), repeated in OBX-5 with vigil's condition and text: a
  // limit rule's is "below/above the limit" of its metric, rhythm
  // analysis's names the rhythm. Anything else is 196616 MDC_EVT_ALARM with
  // the event in vigil's local coding system 99VIGIL. OBX-8: abnormality
  // (L/H past a limit, A for a rhythm; physiological only), priority, type.
  const bool limit = !a.technical && a.origin == AlertOrigin::limit_rule;
  const MdcCode* event = nullptr;
  if (limit && p) event = a.below ? &kEvtLoLtLim : &kEvtHiGtLim;
  if (!a.technical && a.origin == AlertOrigin::rhythm_analysis) event = &rhythm_event(a.condition);
  const std::string local = escape(a.condition) + "^" + escape(a.text) + "^99VIGIL";
  std::string flags = a.technical ? "" : limit ? (a.below ? "L~" : "H~") : "A~";
  flags += priority + "~" + type;
  row("CWE", cwe(event ? *event : kEvtAlarm), 1, event ? cwe(*event) + "^" + local : local, "||" + flags,
      "|||" + timestamp(a.time) + "||||" + equipment(h));
  // .2 the source: the measurement behind a physiological alarm, with the
  // limit it crossed (OBX-7 "low-" or "-high") if a limit rule raised it (a
  // rhythm's rate threshold is no limit), or the device behind the alert.
  if (p && !a.technical) {
    const std::string range = !limit ? "" : a.below ? number(a.limit) + "-" : "-" + number(a.limit);
    row("NM", cwe(p->metric_code), 2, number(a.value),
        cwe(p->unit) + "^" + std::string{p->ucum} + "^" + std::string{p->ucum} + "^UCUM|" + range + "|",
        "|||" + timestamp(a.time));
  } else {
    row("ST", cwe(kAttrAlertSource), 2, escape(a.source.empty() ? bed.bed : a.source), "||");
  }
  row("ST", cwe(kAttrEventPhase), 3, std::string{to_string(a.phase)}, "||");
  row("ST", cwe(kAttrAlarmState), 4, std::string{to_string(a.state)}, "||");
  row("ST", cwe(kAttrInactivationState), 5, std::string{to_string(a.inactivation)}, "||");
  row("ST", cwe(kAttrAlarmPriority), 6, priority, "||");
  row("ST", cwe(kAttrAlertType), 7, type, "||");
  return m;
}

}  // namespace vigil::hl7out
