#pragma once
// The vigil side of a Philips IntelliVue MP/MX "Data Export" link over the
// MIB/RS232 port (protocol "intellivue"): the driver state machine behind
// DeviceSession. The monitor says nothing until a client associates, so:
//
//   on_open   -> association request
//   monitor   -> association accept, then MDS Create Event Report
//   session   -> MDS Create Event Result; the association is up
//   on_tick   -> about once a second: an extended poll for all numeric
//                objects and one for the alert monitor (patient and
//                technical alarms); every poll also keeps the association
//                alive
//   monitor   -> poll results: readings and technical conditions
//
// Never sent: SET, CONFIRMED SET, or any action other than a poll, so
// vigil cannot change a monitor setting (not even the wave priority list
// VSCaptureMP sets).
//
// Timing (sources in intellivue_messages.hpp):
//  - The monitor ends an association it hears nothing on. OpenICE derives
//    the time-out from the negotiated minimum poll period (10 s when that is
//    3.3 s or less, as with vigil's 125 ms); the Programming Guide's
//    "Connection Time-out Mechanism" section, which we could not read, is
//    the source it follows. vigil polls every second, far inside it.
//  - Polls go out on ticks once kPollInterval minus kPollSlack has passed,
//    so ticks that arrive a little early do not skip a second.
//  - No answer to an association request (or no MDS Create Event Report
//    after an accept) for kAssociationRetry: the request is sent again.
//  - Nothing heard for kSilenceTimeout while associated: the association is
//    taken as lost and a new one requested (the monitor will have dropped
//    it by then too). The first of each run of failures gets an error line.
//  - A refused, aborted or released association is requested again after
//    kAssociationRetry.
//
// Readings (vigil's decisions):
//  - ECG heart rate (NOM_ECG_CARD_BEAT_RATE), SpO2 (NOM_PULS_OXIM_SAT_O2),
//    pulse rate from the pleth (NOM_PLETH_PULS_RATE), respiration rate
//    (NOM_RESP_RATE) and NIBP systolic, diastolic and mean (members of the
//    NOM_PRESS_BLD_NONINV compound, or alone). Other numerics are ignored.
//  - A value in a unit other than the expected one is not read (one error
//    line); NIBP in kPa is converted to mmHg.
//  - MeasurementState: invalid, unavailable, demo data or test data make
//    the reading invalid (demo and test data also get one error line per
//    poll result); questionable or calibration ongoing make it questionable.
//    FLOAT NaN, NRes and infinities are invalid, without a value.
//  - Continuous values are reported with every poll result and carry no
//    device time (the receive time is within a second of the measurement).
//  - NIBP is reported once per measurement: when its values, validity or
//    time stamp change, and once after each association. Its device time is
//    the last tick minus its age on the monitor's own clock (poll result
//    time minus measurement time stamp, absolute or relative), so the
//    monitor's unsynchronised clock and unknown time zone do not matter.
//    When the age cannot be worked out (no stamp, no tick yet) the first
//    NIBP of an association is marked questionable: it may be hours old.
//  - Technical alarms (INOPs) of the alert monitor map to conditions by
//    their alarm code (intellivue_inop_conditions), or, for codes vigil does
//    not know, by words of their English text ("LEADS OFF", "NO SENSOR",
//    ...). Patient alarms are not read: vigil judges values itself.
//  - Expected interval 2 s (protocol_table.cpp): one poll result a second,
//    with room for tick jitter.
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/device_condition.hpp"
#include "core/observation.hpp"
#include "drivers/device_session.hpp"
#include "drivers/intellivue/intellivue_messages.hpp"

namespace vigil::drivers {

namespace intellivue_timing {
constexpr std::chrono::milliseconds kPollInterval{1000};
constexpr std::chrono::milliseconds kPollSlack{200};
constexpr std::chrono::seconds kAssociationRetry{5};
constexpr std::chrono::seconds kSilenceTimeout{10};
// What OpenICE expects of the monitor for a minimum poll period under 3.3 s.
constexpr std::chrono::seconds kMonitorTimeout{10};
}  // namespace intellivue_timing

// The conditions one technical alarm implies (none for codes and texts
// vigil does not map).
core::DeviceConditions intellivue_inop_conditions(const IntellivueAlarm& inop);
core::DeviceConditions intellivue_conditions(const std::vector<IntellivueAlarm>& technical);
// Per-value quality from MeasurementState bits.
core::Quality intellivue_quality(std::uint16_t msmt_state);

std::unique_ptr<DeviceSession> make_intellivue_session();

// The device as vigil-sim plays it (intellivue_sim_device.cpp).
std::unique_ptr<SimulatedDevice> make_intellivue_sim_device();

}  // namespace vigil::drivers
