#pragma once
// ECG waveform segments in HL7 v2 ORU^R01 messages, as IHE PCD gateways send
// them (PCD-01 with the Waveform Content Module, WCM): what vigil reads and
// what the simulator and tests write.
//
// Facts (restated; sources: the IHE PCD Technical Framework Supplement
// "Waveform Content Module (WCM)", trial implementation 2012 and rev. 1.3 of
// 2018, whose text we could only reach through search excerpts; the message
// layout checked against two open-source receivers with example messages
// (repository names not recorded by our search tool): the T5 gateway (Java
// package net.sllmdilab.t5, WaveformScannerProcessorTest: ORU^R01 with NA rows
// 131329^MDC_ECG_LEAD_I and 131330^MDC_ECG_LEAD_II in 266418^MDC_DIM_MILLI_VOLT,
// facets 0^MDC_ATTR_SAMP_RATE 150 264608^MDC_DIM_PER_SEC and NR
// MDC_ATTR_DATA_RANGE) and a Python collector for Mindray D-series monitors
// (its process_oru_r01 and test: NA rows of integer counts, facets
// MDC_ATTR_SAMP_RATE 500 264640^MDC_DIM_HZ and 2327^MDC_ATTR_NU_MSMT_RES
// 0.001221 266418^MDC_DIM_MILLI_VOLT, i.e. mV per count); the MDC codes
// checked against the 11073-10101 tables of an HL7 PHD-to-FHIR encoder
// (Mdc.java): MDC_ECG_ELEC_POTL_I/II/III = partition 2, terms 257/258/317, so
// 131329/131330/131389; V1-V6 terms 259-264; aVR/aVL/aVF 318-320;
// MDC_DIM_MILLI_VOLT = partition 4 term 4274 = 266418 (so micro-volt, one
// decimal prefix further, 266419)):
//  - One OBX per lead and segment: OBX-2 value type NA (numeric array: the
//    samples as components separated by the component separator '^'), OBX-3
//    the lead as an MDC triplet, OBX-4 the containment sub-id
//    (mds.vmd.channel.metric), OBX-5 the samples, OBX-6 the unit.
//  - The rows right after it whose OBX-4 extends the lead's sub-id by one
//    more number are its facets: MDC_ATTR_SAMP_RATE (samples per second,
//    unit MDC_DIM_PER_SEC 264608 or MDC_DIM_HZ 264640), MDC_ATTR_NU_MSMT_RES
//    (the value of one count, with the physical unit) and MDC_ATTR_DATA_RANGE
//    (NR: low^high of the samples). Vendors send the facet codes differently
//    (0, 2327, 67917 are all seen), so facets are recognised by name.
//  - The time of the first sample is OBX-14 of the NA row, else OBR-7 of the
//    group (OBR-8 is the end of the segment).
// Unconfirmed: the WCM's own wording of the scale rules (we could not read
// the full supplement): whether samples are always counts when
// MDC_ATTR_NU_MSMT_RES is sent (vigil multiplies whenever it is present,
// which is right for both example sets above), and the facet term codes.
// MDC_ATTR_DATA_RANGE is read for nothing: one example gives it as the
// block's min/max, another as the display range.
//
// Decisions (vigil's):
//  - ECG leads only (by OBX-3 code, else by the MDC_ECG_ELEC_POTL_* or older
//    MDC_ECG_LEAD_* name; code and name must not disagree). Other waveforms
//    (pleth, respiration, pressure) and their facets are skipped and counted.
//  - A row is rejected whole, with a problem line, when a sample is empty or
//    not an HL7 number, when there are more than kMaxSamples, when the rate
//    is missing or outside [kMinRateHz, kMaxRateHz], when the unit is not mV
//    or µV, or when a scaled sample exceeds ±kMaxMillivolts (no ECG
//    amplifier gives that: it is a scale or unit error). A wrong waveform is
//    worse than none: the daemon treats the missing segment as a gap.
//  - Rows the device marks as not valid (OBX-11 X, N, W or D) are skipped
//    without a problem: the gap says enough.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "drivers/device_session.hpp"
#include "drivers/hl7/hl7_message.hpp"

namespace vigil::drivers {

constexpr std::size_t kMaxWaveformSamples = 60000;
constexpr double kMinWaveformRateHz = 50;
constexpr double kMaxWaveformRateHz = 5000;
constexpr double kMaxEcgMillivolts = 50;

// The ECG leads vigil reads; empty label when the code is none of them.
std::string_view ecg_lead_label(std::uint32_t mdc_code);

// An NA value: the numbers between component separators. Error text names
// the first bad sample (1-based).
core::Result<std::vector<double>> parse_numeric_array(std::string_view value, char separator = '^',
                                                      std::size_t max_count = kMaxWaveformSamples);

// Reads the waveform rows of one ORU^R01 in message order. The ORU^R01
// reader hands it every OBX row first; rows it takes are not numerics.
class Hl7WaveformReader {
 public:
  // `msh7`: the message's MSH-7, as read by the caller.
  Hl7WaveformReader(const Hl7Message& m, std::optional<Hl7Time> msh7);

  // True when the row is a waveform row or a facet of the current one.
  // `type` and `name` are the row's OBX-2.1 and OBX-3.2 as the caller read
  // them (once for both readers); `group_time` is OBR-7 of the row's group.
  bool take(const Hl7Segment& obx, std::string_view type, std::string_view name, std::string_view group_time);
  // Ends the current waveform: a new OBR, or the end of the message.
  void finish();

  std::vector<WaveformSegment> segments;
  std::vector<std::string> problems;  // one line per rejected row
  std::size_t skipped = 0;            // waveforms that are not ECG, or marked not valid

 private:
  // Views into the message, which outlives the reader.
  struct Pending {
    const Hl7Segment* row = nullptr;  // the NA row, named in problems
    std::string_view sub_id;
    std::string_view unit;
    std::string_view values;
    std::optional<double> rate;
    std::optional<double> resolution;
    std::string_view resolution_unit;
    std::string problem;  // set once something is wrong
    WaveformSegment segment;
  };
  // "OBX 5 (131330^MDC_ECG_ELEC_POTL_II^MDC)", for problems.
  static std::string describe(const Hl7Segment& obx);
  void take_facet(const Hl7Segment& obx, std::string_view name);
  std::optional<core::TimePoint> first_sample_time(std::string_view obx14, std::string_view obr7);

  const Hl7Message& m_;
  std::optional<Hl7Time> msh7_;
  std::optional<Pending> pending_;
  std::string_view skipped_sub_id_;  // facets of a skipped waveform are skipped too
};

// The rows of one waveform segment for an ORU^R01 (samples in mV, written
// with `decimals` places), each ended by CR; `set_id` is advanced per row.
std::string encode_waveform_rows(const WaveformSegment& w, int& set_id, std::string_view sub_id,
                                 int decimals = 3);

}  // namespace vigil::drivers
