#pragma once
// The content of an HL7 v2 ORU^R01 observation message as profiled by IHE PCD-01
// (Device Enterprise Communication): what vigil reads from it and what the
// simulator writes.
//
// Facts (IHE PCD Technical Framework vol. 2, PCD-01, restated; layout checked
// against vendor examples in the GE B40 HL7 interface manual and Mindray
// gateway messages, and against the simple-hl7 / node-hl7-client readers):
//  - MSH PID PV1 then OBR groups, each OBR followed by its OBX rows. OBR-7 is
//    the observation time of the group.
//  - OBX-2 value type (NM numeric), OBX-3 the observation as an MDC triplet
//    "150456^MDC_PULS_OXIM_SAT_O2^MDC", OBX-4 the containment sub-id
//    (mds.vmd.channel.metric, e.g. 1.3.1.150456), OBX-5 the value, OBX-6 the
//    unit as an MDC triplet (262688^MDC_DIM_PERCENT^MDC) or UCUM
//    (mm[Hg]^mm[Hg]^UCUM), OBX-8 abnormal flags, which PCD also uses for the
//    11073 measurement status and for null flavours (NI, NA, NAV, OFF, MSK,
//    OTH, NAN, PINF, NINF per the IHE PCD wiki), OBX-11 result status (F, R;
//    X = no result could be obtained), OBX-14 the observation time.
//  - Rows without a value type and with status X describe the device
//    hierarchy (MDS, VMD, channel): they carry no measurement.
//  - MDC dimension codes: 262688 %, 264864 beats/min, 264928 breaths/min,
//    266016 mmHg, 265987 kPa (term code 3843 in partition 4, confirmed in
//    the 11073-10101 tables of several open-source readers).
// Unconfirmed: the short forms of measurement-status flags (INV, QUES, CAL,
// TEST; "DEMO" is seen in a real Mindray message) — vigil accepts both those
// and the 11073 names (invalid, questionable, calibration-ongoing, ...).
//
// Decisions (vigil's):
//  - Metric by OBX-3 numeric code, else by its MDC reference name; when both
//    are known and disagree the row is rejected (a vendor typo must not turn a
//    diastolic pressure into a heart rate). Unknown codes are skipped and
//    counted. Aliases: NIBP as MDC_PRESS_BLD_NONINV_* (15002x) or
//    MDC_PRESS_CUFF_* (15030x); PI as MDC_PULS_OXIM_PERF_REL or
//    MDC_BLD_PERF_INDEX; respiration as MDC_RESP_RATE, MDC_TTHOR_RESP_RATE or
//    MDC_CO2_RESP_RATE.
//  - The first row of a metric in a message wins; later rows of the same
//    metric (a second probe, another source) are skipped and counted.
//  - No value, status X/N/W/D, a null flavour, demo or test data, or a value
//    outside the metric's plausible range: the reading is kept but flagged
//    QualityFlag::invalid (without a value when there is none), so the last good
//    number stops being current.
//  - kPa is converted to mmHg; any other unit that is not the metric's own is
//    a problem and the row is dropped. An empty unit means the metric's own.
//  - A time without a UTC offset takes MSH-7's offset; with neither, it is no
//    instant and is dropped. Only episodic metrics (NIBP) carry the device
//    time on their Reading (the age of a cuff value counts from the cuff).
//  - The NIBP parts of one measurement (same OBR, same OBX-4 channel
//    mds.vmd.chan, same measured time) come out together in `readings`, at
//    the place of the first, even when other rows stand between them, so the
//    measurement is judged whole (alerts/cuff_measurement.hpp).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/metric.hpp"
#include "core/observation.hpp"
#include "core/time.hpp"
#include "drivers/hl7/hl7_message.hpp"
#include "drivers/hl7/hl7_waveform.hpp"

namespace vigil::drivers {

struct Hl7Observation {
  core::Metric metric{};
  double value = 0;
  // When measured. Decoding: OBX-14, else the group's OBR-7, as an instant
  // (see above). Encoding: written to OBX-14, the message time when empty.
  std::optional<core::TimePoint> time;
};

struct OruR01 {
  std::string sending_application = "VIGIL-SIM";
  std::string sending_facility;
  std::string control_id;
  std::string patient_id;  // PID-3
  std::string location;    // PV1-3, the bed
  core::TimePoint message_time{};
  std::vector<Hl7Observation> observations;
  // ECG segments, written after the numerics in their own OBR group
  // (hl7_waveform.hpp); sub-ids 1.1.1.<n>.
  std::vector<WaveformSegment> waveforms;
};

// The message text (segments ended by CR, not MLLP-framed), IHE PCD-01 style.
std::string encode_oru_r01(const OruR01& msg);

struct OruContent {
  std::vector<core::Reading> readings;
  std::vector<Hl7Observation> observations;  // the usable values, in message order
  std::vector<WaveformSegment> waveforms;    // ECG segments (NA rows, hl7_waveform.hpp)
  std::vector<std::string> problems;         // one line per row that could not be used
  std::size_t skipped_unknown = 0;           // rows whose code vigil does not read (other waveforms too)
  std::size_t skipped_duplicate = 0;         // later rows of a metric already read
  std::size_t demo_or_test = 0;              // rows the device marked as not patient data
};

// Reads the OBX rows of a parsed ORU^R01 (the caller checks MSH-9). NA rows
// and their facets go to the waveform reader.
OruContent decode_oru_r01(const Hl7Message& msg);
// The same into `out`, whose lists keep their capacity: for a session, which
// reads message after message.
void decode_oru_r01(const Hl7Message& msg, OruContent& out);

}  // namespace vigil::drivers
