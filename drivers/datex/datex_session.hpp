#pragma once
// The vigil side of a GE Datex-Ohmeda S/5 / Cardiocap/5 / CARESCAPE
// computer interface link (protocol "datex"). The monitor sends nothing
// until asked; once asked it sends displayed values at the requested
// interval until told to stop or switched off, so:
//
//   on_open  -> one displayed-values transmission request (basic class,
//               every 5 s) at each DRI level from 2015 down to 2001
//   monitor  -> a record every 5 s: readings and ECG conditions
//   on_tick  -> nothing heard for kRequestAgainAfter: the requests again
//               (the monitor may have been restarted)
//
// Nothing else is ever sent: no waveform or alarm requests, no settings.
//
// Decisions (vigil's; sources in datex_records.hpp):
//  - Requests go out at several DRI levels because monitors answer only the
//    request at their own level (flora-core's note on the B650, and what
//    VSCaptureWave does); a request at the right level replaces the last.
//  - 5 s is the shortest interval flora-core lets a user choose and
//    VSCapture's default; the protocol table's expected interval is 5 s.
//  - Readings of a group whose "module exists" bit is clear are not reported
//    (the monitor has no such measurement). Special values (-32001 and
//    below) give an invalid reading without a value.
//  - ECG heart rate is reported only when the monitor's heart rate source is
//    ECG (or not selected); with another source the number is a pulse rate
//    and SpO2's own pulse rate is reported instead. Noise or artifact bits
//    flag it artifact, learning questionable; every ECG channel in use
//    (lead selected) off flags it sensor off.
//  - Conditions, set from every record with an ECG module: artifact (noise
//    or artifact bit), sensor off (any ECG channel in use off).
//  - NIBP is reported once per measurement: when its values change, or when
//    a measurement ends (the measuring bit clears) with the same numbers, and
//    once at the start. It carries no device time (the receive time is
//    within one interval of the end of the measurement), except that a
//    first value marked "older than 60 s" is flagged questionable: its age
//    is unknown.
#include <chrono>
#include <memory>

#include "core/device_condition.hpp"
#include "core/observation.hpp"
#include "drivers/datex/datex_records.hpp"
#include "drivers/device_session.hpp"

namespace vigil::drivers {

namespace datex_timing {
constexpr std::chrono::seconds kInterval{5};
constexpr std::chrono::seconds kRequestAgainAfter{15};
}  // namespace datex_timing

// The DRI levels vigil sends its request at, newest first.
constexpr std::uint8_t kDatexRequestLevels[] = {datex::kLevel2015, datex::kLevel2009, datex::kLevel2005,
                                                datex::kLevel2003, datex::kLevel2001};

// Continuous readings (ECG HR, SpO2, pulse rate) and conditions of one
// displayed-values subrecord; NIBP is the session's (it needs history).
struct DatexContinuous {
  std::vector<core::Reading> readings;
  std::optional<core::DeviceConditions> conditions;  // empty without an ECG module
};
DatexContinuous datex_continuous(const DatexBasic& basic);

std::unique_ptr<DeviceSession> make_datex_session();

// The device as vigil-sim plays it (datex_sim_device.cpp).
std::unique_ptr<SimulatedDevice> make_datex_sim_device();

}  // namespace vigil::drivers
