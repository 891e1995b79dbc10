#pragma once
// Philips IntelliVue "Data Export" messages, the user data of one frame
// (intellivue_framing.hpp): the association handshake, the MDS Create Event
// Report and its result, extended polls and their results, remote errors.
// Encoders for both ends (vigil polls; the simulator answers) and one
// decoder for everything either end sends. All fields big-endian.
//
// A Data Export message is a session/presentation header (0xE1 0x00, then
// presentation context 2), a remote operation header (ROIV invoke, RORS
// result, ROER error or ROLRS linked result, each with its length) and the
// operation: an EventReport(Result) or an Action(Result) naming a managed
// object. Association control messages (request 0x0D, accept 0x0E, refuse
// 0x0C, release 0x09/0x0A, abort 0x19) are ISO session PDUs around a fixed
// presentation header; only the request and accept carry user data
// (MDSEUserInfoStd, with the poll profile).
//
// Numerics arrive as NuObsValue (physio id, MeasurementState bits, unit
// code, FLOAT-Type: signed 8-bit exponent over a signed 24-bit mantissa,
// with reserved mantissas for NaN, NRes and +/- infinity) alone or in a
// compound (NIBP sys/dia/mean). Episodic numerics carry the time they were
// measured (absolute time stamp, BCD date and time of the monitor's clock;
// relative time stamp in 1/8 ms ticks). The alert monitor object carries
// the device alert condition and the lists of patient and technical alarms
// (INOPs) with source, code, state and, for string info, the text shown.
//
// Sources (facts only, restated in our words):
//  - Philips "Data Export Interface Programming Guide" (4535 642 59271):
//    chapter titles and structure names (MDSEUserInfoStd, PollProfileSupport,
//    PollMdibDataReplyExt, NuObsValue, DevAlarmList, ...). We could not read
//    its full text; every byte layout below is taken from the readers below,
//    which agree with each other.
//  - xeonfusion/VSCaptureMP Class2.cs/Class3.cs: the association request
//    bytes, the MDS Create Event Result, the extended poll request without a
//    poll period (sent once a second as the poll), the reply header offsets,
//    MeasurementState bits, FLOAT-Type special values, BCD absolute time, the
//    relative time unit (125 us), attribute ids and alarm (NOM_EVT_*) codes.
//  - wendeldr/VSCaptureMP (an earlier fork): the FLOAT-Type conversion with a
//    sign-extended 24-bit mantissa under a signed 8-bit exponent.
//  - mdpnp/mdpnp OpenICE (Java): association accept presentation header,
//    DevAlarmEntry / DeviceAlertCondition / AlertState / AlertType layouts,
//    physio ids (NOM_ECG_CARD_BEAT_RATE 0x4182, NOM_PLETH_PULS_RATE 0x4822,
//    NOM_PULS_OXIM_SAT_O2 0x4BB8, NOM_PRESS_BLD_NONINV_SYS/DIA/MEAN
//    0x4A05-0x4A07, NOM_RESP_RATE 0x500A) and unit codes; its intellivue.map
//    maps NOM_PLETH_PULS_RATE to MDC_PULS_OXIM_PULS_RATE.
//  - mindleaving/patient-monitor-datalogger: session data and trailers of
//    refuse/release/abort, and a recorded single-poll result whose layout
//    matches ours field for field.
// Not confirmed by any source we could read: the exact presentation bytes a
// real monitor puts in its association accept (we only check the session
// type byte) and the system type value of a server (0x00800000).
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace vigil::drivers {

namespace intellivue {
// Session PDU types of association control.
constexpr std::uint8_t kSpduConnect = 0x0D;     // association request
constexpr std::uint8_t kSpduAccept = 0x0E;      // association accepted
constexpr std::uint8_t kSpduRefuse = 0x0C;      // association refused
constexpr std::uint8_t kSpduFinish = 0x09;      // release request
constexpr std::uint8_t kSpduDisconnect = 0x0A;  // release response
constexpr std::uint8_t kSpduAbort = 0x19;       // association abort
constexpr std::uint8_t kSpduDataExport = 0xE1;  // data export message

// Remote operation types.
constexpr std::uint16_t kRoInvoke = 1;
constexpr std::uint16_t kRoResult = 2;
constexpr std::uint16_t kRoError = 3;
constexpr std::uint16_t kRoLinkedResult = 5;

// Commands.
constexpr std::uint16_t kCmdEventReport = 0;
constexpr std::uint16_t kCmdConfirmedEventReport = 1;
constexpr std::uint16_t kCmdGet = 3;
constexpr std::uint16_t kCmdSet = 4;
constexpr std::uint16_t kCmdConfirmedSet = 5;
constexpr std::uint16_t kCmdConfirmedAction = 7;

constexpr std::uint16_t kActionPollMdibData = 0x0C16;     // single poll
constexpr std::uint16_t kActionPollMdibDataExt = 0xF13B;  // extended poll
constexpr std::uint16_t kEventMdsCreate = 0x0D06;

// Object classes (partition NOM_PART_OBJ = 1).
constexpr std::uint16_t kPartitionObject = 1;
constexpr std::uint16_t kClassNumeric = 6;
constexpr std::uint16_t kClassMds = 33;
constexpr std::uint16_t kClassPatientDemographics = 42;
constexpr std::uint16_t kClassAlertMonitor = 54;

// Attribute ids and groups.
constexpr std::uint16_t kGroupAll = 0x0000;
constexpr std::uint16_t kGroupAlertMonitor = 0x0801;
constexpr std::uint16_t kAttrPollProfileSupport = 0x0001;
constexpr std::uint16_t kAttrAlarmListPatient = 0x0902;
constexpr std::uint16_t kAttrAlarmListTechnical = 0x0904;
constexpr std::uint16_t kAttrDeviceAlertCondition = 0x0916;
constexpr std::uint16_t kAttrIdHandle = 0x0921;
constexpr std::uint16_t kAttrNumericCompound = 0x094B;
constexpr std::uint16_t kAttrNumeric = 0x0950;
constexpr std::uint16_t kAttrTimeAbs = 0x0987;
constexpr std::uint16_t kAttrTimeRel = 0x098F;
constexpr std::uint16_t kAttrTimeStampAbs = 0x0990;
constexpr std::uint16_t kAttrTimeStampRel = 0x0991;
constexpr std::uint16_t kAttrPollProfileExt = 0xF001;

// Alarm entry info kinds.
constexpr std::uint16_t kAlertInfoGeneral = 513;
constexpr std::uint16_t kAlertInfoString = 516;

// Physiological ids (SCADA partition).
constexpr std::uint16_t kPhysioEcgHeartRate = 0x4182;
constexpr std::uint16_t kPhysioPulseRate = 0x480A;
constexpr std::uint16_t kPhysioPlethPulseRate = 0x4822;
constexpr std::uint16_t kPhysioNibp = 0x4A04;
constexpr std::uint16_t kPhysioNibpSys = 0x4A05;
constexpr std::uint16_t kPhysioNibpDia = 0x4A06;
constexpr std::uint16_t kPhysioNibpMean = 0x4A07;
constexpr std::uint16_t kPhysioPleth = 0x4BB4;
constexpr std::uint16_t kPhysioSpo2 = 0x4BB8;
constexpr std::uint16_t kPhysioRespRate = 0x500A;
constexpr std::uint16_t kPhysioEcg = 0x0100;

// Unit codes (dimension partition).
constexpr std::uint16_t kUnitDimensionless = 0x0200;
constexpr std::uint16_t kUnitPercent = 0x0220;
constexpr std::uint16_t kUnitBeatsPerMinute = 0x0AA0;
constexpr std::uint16_t kUnitBreathsPerMinute = 0x0AE0;
constexpr std::uint16_t kUnitKiloPascal = 0x0F03;
constexpr std::uint16_t kUnitMmHg = 0x0F20;

// MeasurementState bits of a NuObsValue.
namespace msmt {
constexpr std::uint16_t invalid = 0x8000;
constexpr std::uint16_t questionable = 0x4000;
constexpr std::uint16_t unavailable = 0x2000;
constexpr std::uint16_t calibration_ongoing = 0x1000;
constexpr std::uint16_t test_data = 0x0800;
constexpr std::uint16_t demo_data = 0x0400;
constexpr std::uint16_t validated = 0x0080;
constexpr std::uint16_t early_indication = 0x0040;
constexpr std::uint16_t measurement_ongoing = 0x0020;
constexpr std::uint16_t in_alarm = 0x0002;
constexpr std::uint16_t alarm_inhibited = 0x0001;
}  // namespace msmt

// AlertType (max alarm of the device, type of an alarm entry).
namespace alert_type {
constexpr std::uint16_t technical_low = 0x0001;
constexpr std::uint16_t technical_medium = 0x0002;
constexpr std::uint16_t technical_high = 0x0004;
constexpr std::uint16_t patient_low = 0x0100;
constexpr std::uint16_t patient_medium = 0x0200;
constexpr std::uint16_t patient_high = 0x0400;
}  // namespace alert_type

// AlertState of the device or an alarm entry.
namespace alert_state {
constexpr std::uint16_t inhibited = 0x8000;
constexpr std::uint16_t suspended = 0x4000;
constexpr std::uint16_t latched = 0x2000;
constexpr std::uint16_t silenced_reset = 0x1000;
constexpr std::uint16_t device_test_mode = 0x0400;
constexpr std::uint16_t device_standby = 0x0200;
constexpr std::uint16_t device_demo_mode = 0x0100;
constexpr std::uint16_t new_alert = 0x0008;
}  // namespace alert_state

// Alarm codes (event partition) vigil maps to technical conditions.
namespace evt {
constexpr std::uint16_t absent = 4;
constexpr std::uint16_t disconnected = 22;
constexpr std::uint16_t disturbed = 24;
constexpr std::uint16_t erratic = 32;
constexpr std::uint16_t failure = 38;
constexpr std::uint16_t malfunction = 70;
constexpr std::uint16_t noisy = 74;
constexpr std::uint16_t unavailable = 110;
constexpr std::uint16_t warming = 124;
constexpr std::uint16_t weak = 128;
constexpr std::uint16_t calibration_failed = 138;
constexpr std::uint16_t battery_low = 194;
constexpr std::uint16_t battery_problem = 198;
constexpr std::uint16_t equipment_malfunction = 242;
constexpr std::uint16_t lead_disconnected = 268;
constexpr std::uint16_t leads_off = 274;
constexpr std::uint16_t optic_module_absent = 298;
constexpr std::uint16_t optic_module_defect = 300;
constexpr std::uint16_t sensor_disconnected = 308;
constexpr std::uint16_t sensor_malfunction = 310;
constexpr std::uint16_t sensor_problem = 312;
constexpr std::uint16_t transducer_disconnected = 336;
constexpr std::uint16_t transducer_malfunction = 338;
constexpr std::uint16_t measurement_disconnected = 352;
constexpr std::uint16_t measurement_error = 354;
constexpr std::uint16_t measurement_failed = 356;
constexpr std::uint16_t measurement_inop = 358;
constexpr std::uint16_t signal_low = 380;
constexpr std::uint16_t signal_unanalyzeable = 384;
constexpr std::uint16_t unsupported = 400;
constexpr std::uint16_t wave_artifact = 432;
constexpr std::uint16_t wave_signal_quality = 434;
constexpr std::uint16_t measurement_interference = 436;
constexpr std::uint16_t incompatible = 600;
constexpr std::uint16_t battery_condition = 6676;
constexpr std::uint16_t battery_replace = 6678;
constexpr std::uint16_t status_sensor_warming = 6176;
constexpr std::uint16_t status_warming = 6178;
constexpr std::uint16_t status_learning = 6224;
constexpr std::uint16_t measurement_restart = 61772;
constexpr std::uint16_t muscle_noise = 61782;
constexpr std::uint16_t line_noise = 61784;
constexpr std::uint16_t lead_disconnected_yellow = 61833;
constexpr std::uint16_t lead_disconnected_red = 61834;
constexpr std::uint16_t leads_disconnected = 61844;
constexpr std::uint16_t sensor_replace = 61894;
}  // namespace evt

// Relative time counts 1/8 ms.
constexpr auto kRelativeTick = std::chrono::microseconds{125};
// A code as the logs name it, "0x0F20": an attribute id, a unit, a physio id.
std::string hex4(std::uint16_t v);

}  // namespace intellivue

// The monitor's absolute time: BCD century, year, month, day, hour, minute,
// second, hundredths. All 0xFF means "not set".
struct IntellivueAbsTime {
  std::array<std::uint8_t, 8> bcd{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

  // The fields as if they were UTC (a naive wall-clock time, zone unknown),
  // or nothing when unset or not a valid date.
  std::optional<core::TimePoint> naive() const;
  static IntellivueAbsTime from_naive(core::TimePoint t);
  friend bool operator==(const IntellivueAbsTime&, const IntellivueAbsTime&) = default;
};

// FLOAT-Type: nothing for NaN, NRes and the infinities.
std::optional<double> intellivue_float_value(std::uint32_t raw);
// The FLOAT-Type for v with the given number of decimals (clamped to 24 bits).
std::uint32_t intellivue_float(double v, int decimals);
constexpr std::uint32_t kIntellivueFloatNaN = 0x007FFFFF;

struct IntellivueNuObs {
  std::uint16_t physio_id = 0;
  std::uint16_t state = 0;  // intellivue::msmt bits
  std::uint16_t unit = 0;
  std::uint32_t value = kIntellivueFloatNaN;
  friend bool operator==(const IntellivueNuObs&, const IntellivueNuObs&) = default;
};

// One numeric object of a poll result.
struct IntellivueNumeric {
  std::uint16_t handle = 0;
  std::vector<IntellivueNuObs> values;  // one, or the members of a compound
  bool compound = false;
  std::optional<IntellivueAbsTime> abs_stamp;
  std::optional<std::uint32_t> rel_stamp;
  friend bool operator==(const IntellivueNumeric&, const IntellivueNumeric&) = default;
};

struct IntellivueAlarm {
  std::uint16_t source = 0;  // physio id or object of the alarm
  std::uint16_t code = 0;    // intellivue::evt
  std::uint16_t type = 0;    // intellivue::alert_type
  std::uint16_t state = 0;   // intellivue::alert_state
  std::string text;          // the text on screen (string info only), ASCII
  friend bool operator==(const IntellivueAlarm&, const IntellivueAlarm&) = default;
};

struct IntellivueDeviceAlert {
  std::uint16_t state = 0;
  std::uint16_t change_count = 0;
  std::uint16_t max_patient = 0;
  std::uint16_t max_technical = 0;
  std::uint16_t max_audible = 0;
  friend bool operator==(const IntellivueDeviceAlert&, const IntellivueDeviceAlert&) = default;
};

struct IntellivueAlertMonitor {
  std::optional<IntellivueDeviceAlert> device;
  std::optional<std::vector<IntellivueAlarm>> patient;
  std::optional<std::vector<IntellivueAlarm>> technical;
  friend bool operator==(const IntellivueAlertMonitor&, const IntellivueAlertMonitor&) = default;
};

struct IntellivuePollResult {
  bool extended = true;
  std::uint16_t poll_number = 0;
  std::uint16_t sequence = 0;  // extended polls only
  std::uint32_t rel_time = 0;
  IntellivueAbsTime abs_time;
  std::uint16_t object_class = 0;
  std::uint16_t attribute_group = 0;
  std::vector<IntellivueNumeric> numerics;              // numeric objects
  std::optional<IntellivueAlertMonitor> alert_monitor;  // alert monitor object
  friend bool operator==(const IntellivuePollResult&, const IntellivuePollResult&) = default;
};

struct IntellivuePollRequest {
  bool extended = true;
  std::uint16_t poll_number = 0;
  std::uint16_t object_class = 0;
  std::uint16_t attribute_group = 0;
  std::optional<std::uint32_t> period;  // NOM_ATTR_TIME_PD_POLL, 1/8 ms ticks
  friend bool operator==(const IntellivuePollRequest&, const IntellivuePollRequest&) = default;
};

enum class IntellivueMessageKind : std::uint8_t {
  association_request,
  association_accept,
  association_refuse,
  release_request,
  release_response,
  association_abort,
  mds_create_event,   // monitor: the MDS Create Event Report
  mds_create_result,  // client: its result
  poll_request,       // client
  poll_result,        // monitor (result or one part of a linked result)
  remote_error,       // either
  other,              // a well-formed data export message vigil does not use
};

struct IntellivueMessage {
  IntellivueMessageKind kind = IntellivueMessageKind::other;
  std::uint16_t ro_type = 0;
  std::uint16_t invoke_id = 0;
  std::uint16_t command = 0;
  std::uint8_t linked_state = 0;  // ROLRS: 1 first, 2 neither first nor last, 3 last
  std::uint16_t error_value = 0;  // ROER
  std::uint32_t event_time = 0;   // MDS create: relative time of the event
  IntellivuePollRequest poll_request;
  IntellivuePollResult poll_result;
};

struct IntellivueParse {
  std::optional<IntellivueMessage> message;
  std::string error;  // set when message is empty
};

IntellivueParse parse_intellivue_message(std::span<const std::uint8_t> user_data);

// What vigil announces in its association request. The defaults are the
// values VSCaptureMP's "aarq_msg_ext_poll2" sends: minimum poll period 125
// ms, 2500/1000-byte MTUs, no bandwidth limit, dynamic object creation and
// deletion, extended polls with 1 s numerics.
struct IntellivueAssociationParams {
  std::uint32_t min_poll_period = 1000;  // 1/8 ms ticks
  std::uint32_t max_mtu_rx = 2500;
  std::uint32_t max_mtu_tx = 1000;
  std::uint32_t max_bw_tx = 0xFFFFFFFF;
  std::uint32_t options = 0x60000000;
  std::uint32_t ext_options = 0x8C000000;
};

// Client (vigil) messages.
std::vector<std::uint8_t> encode_intellivue_association_request(
    const IntellivueAssociationParams& params = {});
std::vector<std::uint8_t> encode_intellivue_mds_create_result(std::uint16_t invoke_id,
                                                              std::uint32_t event_time);
std::vector<std::uint8_t> encode_intellivue_poll_request(std::uint16_t invoke_id,
                                                         const IntellivuePollRequest& request);
// Either end.
std::vector<std::uint8_t> encode_intellivue_release_request();
std::vector<std::uint8_t> encode_intellivue_release_response();
std::vector<std::uint8_t> encode_intellivue_abort();
std::vector<std::uint8_t> encode_intellivue_remote_error(std::uint16_t invoke_id, std::uint16_t error_value);
// Monitor messages, for the simulator.
std::vector<std::uint8_t> encode_intellivue_association_accept(
    const IntellivueAssociationParams& params = {});
std::vector<std::uint8_t> encode_intellivue_association_refuse();
std::vector<std::uint8_t> encode_intellivue_mds_create_event(std::uint16_t invoke_id, std::uint32_t rel_time,
                                                             const IntellivueAbsTime& abs_time);
// A poll result: numeric objects, or the alert monitor object when set.
// linked_state 0 sends a plain result (RORS), 1-3 one part of a linked one.
std::vector<std::uint8_t> encode_intellivue_poll_result(std::uint16_t invoke_id,
                                                        const IntellivuePollResult& result,
                                                        std::uint8_t linked_state = 0);

}  // namespace vigil::drivers
