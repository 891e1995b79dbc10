#pragma once
// GE Datex-Ohmeda records (the content of one datex_framing.hpp frame): the
// physiological-data transmission request a client sends and the displayed
// values ("DRI_PH_DISPL") records a monitor answers with, basic class only.
// All fields little-endian, packed.
//
// Record header (40 bytes): r_len (whole record), r_nbr, dri_level, plug_id,
// r_time (seconds since 1970 on the monitor's clock), three reserved fields,
// r_maintype (0 = physiological data), then eight subrecord descriptors
// {offset from the end of the header, type}, the list ending at type 0xFF.
//
// Transmission request (main type 0, one subrecord of type 0, 9 bytes):
// record type (1 = displayed values), interval in seconds (0 stops, -1
// asks for one record), class bit field (0 = basic class only; bit 0 would
// deny basic, bits 1-3 add the extended classes), reserved.
//
// Physiological subrecord (278 bytes): time, 270 bytes of class data,
// marker, reserved, and a word whose bits 8-11 give the class (0 = basic).
// The basic class is a row of groups, each a 6-byte header (32 status bits,
// 16 label bits) and 16-bit values: ECG at 0 (HR, three ST levels, impedance
// respiration rate), four invasive pressures, NIBP at 72 (sys, dia, mean in
// 1/100 mmHg, pulse rate), four temperatures, SpO2 at 118 (SpO2 in 1/100 %,
// pulse rate, IR amplitude, SvO2), CO2, O2, N2O, agents, ...
//
// Values below -32000 are not measurements: -32767 no valid data, -32766
// not updated, -32765 discontinuity, -32764 under range, -32763 over range,
// -32762 not calibrated (DATA_INVALID_LIMIT is -32001).
//
// Status bits (every group): bit 0 module exists, bit 1 measurement active.
// ECG: bit 2 asystole, bits 3-6 heart rate source (1 ECG, 2-5 and 7-8
// invasive pressures, 6 SpO2), bit 7 noise, bit 8 artifact, bit 9 learning,
// bit 10 pacer, bits 11-13 channel 1-3 off; ECG label bits 0-3, 4-7, 8-11
// the lead of channels 1-3 (0 = not selected). NIBP label: bits 0-2 cuff,
// bit 3 auto, bit 4 STAT, bit 5 measuring, bit 6 stasis, bit 7 calibrating,
// bit 8 data older than 60 s.
//
// Sources (facts only, restated in our words):
//  - xeonfusion/VSCapture and VSCaptureWave Class1.cs/Class2.cs (C#): header
//    and request layout, DRI levels (2001 = 7 ... 2015 = 11), class masks,
//    the 270-byte basic class with its group order, the 4-byte time before
//    the class data, scaling (HR x1, pressures and SpO2 x0.01), the special
//    values and the -32001 limit. JiaXiuSai/VSCapture: the same.
//  - KaiWU17TUM/icu_devices ge_monitor.cpp and documents/GE_Monitor.md (C++,
//    CARESCAPE B650): request with subrecord type 0, EOL 0xFF, and the same
//    basic layout.
//  - nanutlmhk/flora-core ivy/ges5 (JavaScript, B650 and Aisys): the 278-byte
//    subrecord, the request it checked against the specification's appendix
//    A example, the minimum 5 s interval, requests at several DRI levels.
//  - Two independent field tables (a Python S/5 "measures" module and a Rust
//    status-bit module found by code search) agree on the status and label
//    bits above. Not confirmed with a document we could read: the meaning of
//    ECG "channel off" (taken as leads off), NIBP bit 8, and that the class
//    sits in bits 8-11 of the last word (from the Go and Rust readers).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::drivers {

namespace datex {
constexpr std::size_t kHeaderSize = 40;
constexpr std::size_t kDescriptors = 8;
constexpr std::size_t kPhdbSubrecordSize = 278;
constexpr std::size_t kClassDataSize = 270;
constexpr std::size_t kRequestSize = 9;

constexpr std::int16_t kMainPhysiological = 0;
constexpr std::int16_t kMainWaveform = 1;
constexpr std::int16_t kMainAlarm = 4;

constexpr std::uint8_t kPhTransmissionRequest = 0;
constexpr std::uint8_t kPhDisplayed = 1;
constexpr std::uint8_t kPh10sTrend = 2;
constexpr std::uint8_t kPh60sTrend = 3;
constexpr std::uint8_t kEndOfList = 0xFF;

constexpr std::uint8_t kClassBasic = 0;
constexpr std::uint32_t kRequestBasicOnly = 0x0000;
constexpr std::uint32_t kRequestExt1 = 0x0002;
constexpr std::uint32_t kRequestExt2 = 0x0004;
constexpr std::uint32_t kRequestExt3 = 0x0008;

constexpr std::uint8_t kLevel2001 = 0x07;
constexpr std::uint8_t kLevel2003 = 0x08;
constexpr std::uint8_t kLevel2005 = 0x09;
constexpr std::uint8_t kLevel2009 = 0x0A;
constexpr std::uint8_t kLevel2015 = 0x0B;

constexpr std::int16_t kDataInvalidLimit = -32001;
constexpr std::int16_t kDataInvalid = -32767;
constexpr std::int16_t kDataNotUpdated = -32766;
constexpr std::int16_t kDataDiscontinuity = -32765;
constexpr std::int16_t kDataUnderRange = -32764;
constexpr std::int16_t kDataOverRange = -32763;
constexpr std::int16_t kDataNotCalibrated = -32762;

namespace status {
constexpr std::uint32_t exists = 1u << 0;
constexpr std::uint32_t active = 1u << 1;
}  // namespace status

namespace ecg_status {
constexpr std::uint32_t asystole = 1u << 2;
constexpr unsigned hr_source_shift = 3;
constexpr std::uint32_t hr_source_mask = 0xFu;
constexpr std::uint32_t noise = 1u << 7;
constexpr std::uint32_t artifact = 1u << 8;
constexpr std::uint32_t learning = 1u << 9;
constexpr std::uint32_t pacer = 1u << 10;
constexpr std::uint32_t channel1_off = 1u << 11;
constexpr std::uint32_t channel2_off = 1u << 12;
constexpr std::uint32_t channel3_off = 1u << 13;
}  // namespace ecg_status

namespace hr_source {
constexpr unsigned not_selected = 0;
constexpr unsigned ecg = 1;
constexpr unsigned spo2 = 6;
}  // namespace hr_source

namespace nibp_label {
constexpr std::uint16_t auto_mode = 1u << 3;
constexpr std::uint16_t stat_mode = 1u << 4;
constexpr std::uint16_t measuring = 1u << 5;
constexpr std::uint16_t calibrating = 1u << 7;
constexpr std::uint16_t older_than_60s = 1u << 8;
}  // namespace nibp_label
}  // namespace datex

struct DatexGroup {
  std::uint32_t status = 0;
  std::uint16_t label = 0;
  friend bool operator==(const DatexGroup&, const DatexGroup&) = default;
};

// The part of the basic class vigil reads; every other value is sent as
// "no valid data".
struct DatexBasic {
  DatexGroup ecg;
  std::int16_t hr = datex::kDataInvalid;
  DatexGroup nibp;
  std::int16_t nibp_sys = datex::kDataInvalid;  // 1/100 mmHg
  std::int16_t nibp_dia = datex::kDataInvalid;
  std::int16_t nibp_mean = datex::kDataInvalid;
  std::int16_t nibp_hr = datex::kDataInvalid;
  DatexGroup spo2;
  std::int16_t spo2_value = datex::kDataInvalid;  // 1/100 %
  std::int16_t spo2_pr = datex::kDataInvalid;
  friend bool operator==(const DatexBasic&, const DatexBasic&) = default;
};

// One displayed-values record holding one basic subrecord.
struct DatexDisplayed {
  std::uint8_t record_number = 0;
  std::uint8_t dri_level = datex::kLevel2005;
  std::uint32_t record_time = 0;     // r_time
  std::uint32_t subrecord_time = 0;  // the subrecord's own time
  DatexBasic basic;
  friend bool operator==(const DatexDisplayed&, const DatexDisplayed&) = default;
};

struct DatexPhdbRequest {
  std::uint8_t dri_level = 0;
  std::uint8_t record_type = datex::kPhDisplayed;
  std::int16_t interval_s = 5;
  std::uint32_t class_mask = datex::kRequestBasicOnly;
  friend bool operator==(const DatexPhdbRequest&, const DatexPhdbRequest&) = default;
};

struct DatexRecord {
  std::int16_t main_type = 0;
  std::uint8_t number = 0;
  std::uint8_t dri_level = 0;
  std::uint32_t time = 0;
  std::optional<DatexPhdbRequest> request;  // a client's transmission request
  std::vector<DatexDisplayed> displayed;    // basic displayed-values subrecords
  std::vector<std::string> skipped;         // subrecords vigil does not read, and why
};

struct DatexRecordParse {
  std::optional<DatexRecord> record;
  std::string error;  // set when record is empty
};

// Record bytes, unframed.
std::vector<std::uint8_t> encode_datex_phdb_request(const DatexPhdbRequest& request);
std::vector<std::uint8_t> encode_datex_displayed(const DatexDisplayed& displayed);
DatexRecordParse parse_datex_record(std::span<const std::uint8_t> record);

inline bool datex_is_special(std::int16_t v) {
  return v <= datex::kDataInvalidLimit;
}
// "no valid data", "not updated", ... for special values; empty for measurements.
std::string_view datex_special_name(std::int16_t v);

}  // namespace vigil::drivers
