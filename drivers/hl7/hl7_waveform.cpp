#include "drivers/hl7/hl7_waveform.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace vigil::drivers {
namespace {

struct Lead {
  std::uint32_t code;
  std::string_view name;  // the lead as MDC reference names end: ..._II
};

// IEEE 11073-10101 partition 2 (SCADA), MDC_ECG_ELEC_POTL + lead.
constexpr std::array kLeads{
    Lead{131329, "I"},   Lead{131330, "II"},  Lead{131389, "III"}, Lead{131390, "AVR"},
    Lead{131391, "AVL"}, Lead{131392, "AVF"}, Lead{131331, "V1"},  Lead{131332, "V2"},
    Lead{131333, "V3"},  Lead{131334, "V4"},  Lead{131335, "V5"},  Lead{131336, "V6"},
};

constexpr std::string_view kPotentialPrefix = "MDC_ECG_ELEC_POTL_";
constexpr std::string_view kOldLeadPrefix = "MDC_ECG_LEAD_";

constexpr std::string_view kFacetPrefix = "MDC_ATTR_";

const Lead* lead_by_name(std::string_view ref) {
  const auto name = hl7_trim(ref);
  std::string_view tail;
  for (const auto prefix : {kPotentialPrefix, kOldLeadPrefix}) {
    if (hl7_iequal(name.substr(0, prefix.size()), prefix)) {
      tail = name.substr(prefix.size());
      break;
    }
  }
  if (tail.empty()) return nullptr;
  for (const auto& l : kLeads)
    if (hl7_iequal(l.name, tail)) return &l;
  return nullptr;
}

const Lead* lead_by_code(std::uint32_t code) {
  for (const auto& l : kLeads)
    if (l.code == code) return &l;
  return nullptr;
}

// The scale from a unit to mV; empty when the unit is not a voltage vigil knows.
std::optional<double> millivolts_per_unit(std::string_view code, std::string_view name) {
  for (const auto text : {hl7_trim(code), hl7_trim(name)}) {
    for (const auto mv : {"266418", "MDC_DIM_MILLI_VOLT", "MV"})
      if (hl7_iequal(text, mv)) return 1.0;
    for (const auto uv : {"266419", "MDC_DIM_MICRO_VOLT", "UV"})
      if (hl7_iequal(text, uv)) return 0.001;
    if (text == "µV") return 0.001;
  }
  return std::nullopt;
}

bool is_rate_unit(std::string_view code, std::string_view name) {
  for (const auto text : {hl7_trim(code), hl7_trim(name)}) {
    for (const auto rate : {"264608", "MDC_DIM_PER_SEC", "264640", "MDC_DIM_HZ", "HZ", "/S"})
      if (hl7_iequal(text, rate)) return true;
  }
  return hl7_trim(code).empty() && hl7_trim(name).empty();  // no unit: the facet's own
}

bool row_not_valid(std::string_view status) {
  return status == "X" || status == "N" || status == "W" || status == "D";
}

std::string format_fixed(double v, int decimals) {
  std::array<char, 64> buf{};
  const auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, decimals);
  if (ec != std::errc{}) return "0";
  std::string s(buf.data(), end);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// A segment's first sample needs a time finer than a second (at 250 /s a
// sample is 4 ms): HL7's DTM allows a fraction (YYYYMMDDHHMMSS.SSSS+ZZZZ);
// written to the millisecond.
std::string format_sample_time(core::TimePoint t) {
  const auto whole = std::chrono::floor<std::chrono::seconds>(t);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - whole).count();
  std::string out = format_hl7_time(whole);
  std::array<char, 8> fraction{};
  std::snprintf(fraction.data(), fraction.size(), ".%03d", static_cast<int>(ms));
  out.insert(out.size() - std::string_view{"+0000"}.size(), fraction.data());
  return out;
}

// The numbers of an NA value, each handed to `take` in order; the first
// problem (too many, an empty or bad sample) in parse_numeric_array's words.
// One pass, no vector: an ECG segment's samples go straight into it.
template <class Take>
std::optional<std::string> for_each_number(std::string_view value, char separator, std::size_t max_count,
                                           Take&& take) {
  std::size_t start = 0, count = 0;
  while (true) {
    if (count >= max_count) return "more than " + std::to_string(max_count) + " samples";
    // A loop, not find(): a call into memchr per sample costs more than the few bytes it scans.
    std::size_t end = start;
    while (end < value.size() && value[end] != separator) ++end;
    const std::string_view item = value.substr(start, end - start);
    const auto v = hl7_number(item);
    if (!v) {
      const std::string shown(item.substr(0, 20));
      return "sample " + std::to_string(count + 1) +
             (hl7_trim(item).empty() ? " is empty" : " '" + shown + "' is not a number");
    }
    take(*v);
    ++count;
    if (end >= value.size()) return std::nullopt;
    start = end + 1;
  }
}

bool sub_id_extends(std::string_view sub_id, std::string_view parent) {
  return sub_id.size() > parent.size() && sub_id.starts_with(parent) && sub_id[parent.size()] == '.';
}

}  // namespace

std::string Hl7WaveformReader::describe(const Hl7Segment& obx) {
  return "OBX " + std::string(obx.field(1)) + " (" + std::string(obx.field(3)).substr(0, 60) + ")";
}

std::string_view ecg_lead_label(std::uint32_t mdc_code) {
  const Lead* l = lead_by_code(mdc_code);
  return l ? l->name : std::string_view{};
}

core::Result<std::vector<double>> parse_numeric_array(std::string_view value, char separator,
                                                      std::size_t max_count) {
  std::vector<double> out;
  if (auto error = for_each_number(value, separator, max_count, [&](double v) { out.push_back(v); }))
    return core::Error{std::move(*error)};
  return out;
}

Hl7WaveformReader::Hl7WaveformReader(const Hl7Message& m, std::optional<Hl7Time> msh7) : m_{m}, msh7_{msh7} {}

bool Hl7WaveformReader::take(const Hl7Segment& obx, std::string_view type, std::string_view name,
                             std::string_view group_time) {
  const auto sub_id = hl7_trim(obx.field(4));
  const bool facet = hl7_iequal(name.substr(0, kFacetPrefix.size()), kFacetPrefix);
  if (facet) {
    if (pending_ &&
        (sub_id.empty() || pending_->sub_id.empty() || sub_id_extends(sub_id, pending_->sub_id))) {
      take_facet(obx, name);
      return true;
    }
    if (!skipped_sub_id_.empty() && sub_id_extends(sub_id, skipped_sub_id_)) return true;
    return false;
  }
  if (type != "NA") return false;
  finish();
  skipped_sub_id_ = {};

  const auto code = hl7_code_number(hl7_trim(m_.component(obx.field(3), 1)));
  const Lead* by_code = code ? lead_by_code(*code) : nullptr;
  const Lead* by_name = lead_by_name(name);
  if (by_code && by_name && by_code != by_name) {
    problems.push_back(describe(obx) + ": OBX-3 code " + std::to_string(*code) + " is lead " +
                       std::string(by_code->name) + " but its name says " + std::string(name));
    skipped_sub_id_ = sub_id.empty() ? "-" : sub_id;
    return true;
  }
  const Lead* lead = by_code ? by_code : by_name;
  if (!lead || row_not_valid(m_.component(obx.field(11), 1))) {
    ++skipped;
    skipped_sub_id_ = sub_id.empty() ? "-" : sub_id;
    return true;
  }
  Pending p;
  p.row = &obx;
  p.sub_id = sub_id;
  p.unit = obx.field(6);
  p.values = obx.field(5);
  p.segment.mdc_code = lead->code;
  p.segment.label = "ECG " + std::string(lead->name);
  p.segment.channel = sub_id;
  p.segment.first_sample_time = first_sample_time(obx.field(14), group_time);
  pending_ = std::move(p);
  return true;
}

void Hl7WaveformReader::take_facet(const Hl7Segment& obx, std::string_view name) {
  Pending& p = *pending_;
  const std::string raw = m_.component(obx.field(5), 1);
  const auto unit_code = m_.component(obx.field(6), 1), unit_name = m_.component(obx.field(6), 2);
  if (hl7_iequal(name, "MDC_ATTR_SAMP_RATE")) {
    const auto v = hl7_number(raw);
    if (!v || !is_rate_unit(unit_code, unit_name)) {
      p.problem = "sampling rate '" + raw.substr(0, 20) + "' in '" + std::string(obx.field(6)).substr(0, 40) +
                  "' is not samples per second";
      return;
    }
    p.rate = *v;
  } else if (hl7_iequal(name, "MDC_ATTR_NU_MSMT_RES")) {
    const auto v = hl7_number(raw);
    if (!v || *v <= 0) {
      p.problem = "resolution '" + raw.substr(0, 20) + "' is not a positive number";
      return;
    }
    p.resolution = *v;
    p.resolution_unit = obx.field(6);
  }
}

void Hl7WaveformReader::finish() {
  if (!pending_) return;
  Pending p = std::move(*pending_);
  pending_.reset();
  auto reject = [&](const std::string& why) { problems.push_back(describe(*p.row) + ": " + why); };
  if (!p.problem.empty()) return reject(p.problem);
  if (!p.rate) return reject("no MDC_ATTR_SAMP_RATE row gives its sampling rate");
  if (!(*p.rate >= kMinWaveformRateHz && *p.rate <= kMaxWaveformRateHz))
    return reject("sampling rate " + format_fixed(*p.rate, 3) + " /s is outside " +
                  format_fixed(kMinWaveformRateHz, 0) + "-" + format_fixed(kMaxWaveformRateHz, 0));
  // The unit of a count is the resolution's; the row's unit is then often dimensionless.
  const std::string_view unit_field = p.resolution ? p.resolution_unit : p.unit;
  const auto mv_per_unit = millivolts_per_unit(m_.component(unit_field, 1), m_.component(unit_field, 2));
  if (!mv_per_unit) return reject("unit '" + std::string(unit_field.substr(0, 40)) + "' is not mV or uV");
  // Raw, not unescaped: an escape sequence is no number, and unescaping one
  // could make a separator out of it.
  if (p.values.find(m_.delimiters.repetition) != std::string_view::npos)
    return reject("samples in more than one row; one lead has one row");
  const double scale = p.resolution.value_or(1.0) * *mv_per_unit;
  p.segment.sampling_hz = *p.rate;
  // Scaled as they are read; a sample out of range is reported only when
  // every sample is a number, as a bad number is the first thing said.
  p.segment.samples.reserve(std::min<std::size_t>(
      std::count(p.values.begin(), p.values.end(), m_.delimiters.component) + 1, kMaxWaveformSamples));
  std::optional<std::size_t> beyond;  // the first sample out of range
  double beyond_mv = 0;
  auto take = [&](double v) {
    const double mv = v * scale;
    if (!beyond && !(std::fabs(mv) <= kMaxEcgMillivolts)) {
      beyond = p.segment.samples.size();
      beyond_mv = mv;
    }
    p.segment.samples.push_back(static_cast<float>(mv));
  };
  if (auto error = for_each_number(p.values, m_.delimiters.component, kMaxWaveformSamples, take))
    return reject(*error);
  if (beyond)
    return reject("sample " + std::to_string(*beyond + 1) + " is " + format_fixed(beyond_mv, 3) +
                  " mV, beyond ±" + format_fixed(kMaxEcgMillivolts, 0) + " mV: a scale or unit error");
  segments.push_back(std::move(p.segment));
}

std::optional<core::TimePoint> Hl7WaveformReader::first_sample_time(std::string_view obx14,
                                                                    std::string_view obr7) {
  const std::string own = m_.component(obx14, 1);
  const auto text = hl7_trim(own.empty() ? obr7 : std::string_view(own));
  if (text.empty()) return std::nullopt;
  auto t = parse_hl7_time(text);
  if (!t) return std::nullopt;
  if (!t->utc_offset && msh7_) t->utc_offset = msh7_->utc_offset;
  return t->instant();
}

std::string encode_waveform_rows(const WaveformSegment& w, int& set_id, std::string_view sub_id,
                                 int decimals) {
  const Lead* lead = lead_by_code(w.mdc_code);
  const std::string name = lead ? std::string(kPotentialPrefix) + std::string(lead->name) : "";
  std::string samples;
  samples.reserve(w.samples.size() * 7);
  for (std::size_t i = 0; i < w.samples.size(); ++i) {
    if (i > 0) samples += '^';
    samples += format_fixed(w.samples[i], decimals);
  }
  const std::string time = w.first_sample_time ? format_sample_time(*w.first_sample_time) : "";
  const std::string id(sub_id);
  std::string out = "OBX|" + std::to_string(++set_id) + "|NA|" + std::to_string(w.mdc_code) + "^" + name +
                    "^MDC|" + id + "|" + samples + "|266418^MDC_DIM_MILLI_VOLT^MDC|||||R|||" + time + "\r";
  out += "OBX|" + std::to_string(++set_id) + "|NM|0^MDC_ATTR_SAMP_RATE^MDC|" + id + ".1|" +
         format_fixed(w.sampling_hz, 3) + "|264608^MDC_DIM_PER_SEC^MDC|||||R\r";
  return out;
}

}  // namespace vigil::drivers
