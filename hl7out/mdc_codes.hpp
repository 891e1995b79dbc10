#pragma once
// The IEEE 11073-10101 codes vigil sends, each confirmed from a second
// public source (docs/hl7.md lists them with the sources). A metric missing
// from this table is not sent: no code is invented.
#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil::hl7out {

struct MdcCode {
  std::uint32_t code = 0;
  std::string_view ref;
};

// Where a metric sits in the containment tree (OBX-4 MDS.VMD.CHAN.METRIC)
// and the unit it is sent in.
struct MetricPlacement {
  std::uint32_t metric = 0;
  MdcCode metric_code;
  int vmd_index = 0;            // the VMD's position under the MDS
  MdcCode vmd;                  // the VMD row
  std::optional<MdcCode> chan;  // the channel row, where its code is confirmed
  int metric_index = 0;         // the metric's position in its channel
  MdcCode unit;
  std::string_view ucum;  // OBX-6 alternate
};

inline constexpr MdcCode kMds{69965, "MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS"};
inline constexpr MdcCode kEvtAlarm{196616, "MDC_EVT_ALARM"};
inline constexpr MdcCode kEvtLoLtLim{196672, "MDC_EVT_LO_LT_LIM"};
inline constexpr MdcCode kEvtHiGtLim{196650, "MDC_EVT_HI_GT_LIM"};
// Rhythm events: partition 3 (196608) + 3158 and 3266.
inline constexpr MdcCode kEvtBeatRateIrregular{199766, "MDC_EVT_ECG_CARD_BEAT_RATE_IRREG"};
inline constexpr MdcCode kEvtArrhythmia{199874, "MDC_EVT_ECG_ARRHY"};
inline constexpr MdcCode kAttrAlertSource{68480, "MDC_ATTR_ALERT_SOURCE"};
inline constexpr MdcCode kAttrEventPhase{68481, "MDC_ATTR_EVENT_PHASE"};
inline constexpr MdcCode kAttrAlarmState{68482, "MDC_ATTR_ALARM_STATE"};
inline constexpr MdcCode kAttrInactivationState{68483, "MDC_ATTR_ALARM_INACTIVATION_STATE"};
inline constexpr MdcCode kAttrAlarmPriority{68484, "MDC_ATTR_ALARM_PRIORITY"};
inline constexpr MdcCode kAttrAlertType{68485, "MDC_ATTR_ALERT_TYPE"};

inline constexpr std::string_view kProfilePcd01 = "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO";
inline constexpr std::string_view kProfilePcd04 = "IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO";

// The placement of an observation's MDC code, or none.
const MetricPlacement* placement(std::uint32_t mdc_code);

// The event code of an alarm from rhythm analysis, by vigil's condition.
const MdcCode& rhythm_event(std::string_view condition);

}  // namespace vigil::hl7out
