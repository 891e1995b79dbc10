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

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// A sample as waveforms send them ("-0.53714565", "1024"): sign, at most 15
// digits, at most one point. The digits as an integer and the power of ten
// are both exact doubles, so their quotient is one correctly rounded
// operation (Clinger's fast path): the very double std::from_chars gives, at
// a fraction of its cost. Anything else: nullopt, and the caller asks
// from_chars.
std::optional<double> short_decimal(std::string_view s) {
  static constexpr std::array<double, 16> kPow10{1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  std::uint64_t digits = 0;
  int count = 0, decimals = -1;
  for (const char c : s) {
    if (c == '.') {
      if (decimals >= 0) return std::nullopt;
      decimals = 0;
    } else if (c >= '0' && c <= '9') {
      if (++count > 15) return std::nullopt;
      digits = digits * 10 + static_cast<std::uint64_t>(c - '0');
      if (decimals >= 0) ++decimals;
    } else {
      return std::nullopt;
    }
  }
  if (count == 0) return std::nullopt;
  const double v = static_cast<double>(digits) / kPow10[static_cast<std::size_t>(std::max(decimals, 0))];
  return negative ? -v : v;
}

// HL7 NM: optional sign, digits, at most one decimal point, no exponent.
std::optional<double> parse_number(std::string_view s) {
  s = hl7_trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (auto v = short_decimal(s)) return v;
  if (s.empty() || s.size() > 32 || s.find_first_not_of("-0123456789.") != std::string_view::npos)
    return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::fixed);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

const Lead* lead_by_name(std::string_view ref) {
  const std::string u = upper(hl7_trim(ref));
  std::string_view tail;
  if (u.starts_with(kPotentialPrefix))
    tail = std::string_view(u).substr(kPotentialPrefix.size());
  else if (u.starts_with(kOldLeadPrefix))
    tail = std::string_view(u).substr(kOldLeadPrefix.size());
  else
    return nullptr;
  for (const auto& l : kLeads)
    if (l.name == tail) return &l;
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
    const std::string u = upper(text);
    if (u == "266418" || u == "MDC_DIM_MILLI_VOLT" || u == "MV") return 1.0;
    if (u == "266419" || u == "MDC_DIM_MICRO_VOLT" || u == "UV" || text == "µV") return 0.001;
  }
  return std::nullopt;
}

bool is_rate_unit(std::string_view code, std::string_view name) {
  for (const auto text : {hl7_trim(code), hl7_trim(name)}) {
    const std::string u = upper(text);
    if (u == "264608" || u == "MDC_DIM_PER_SEC" || u == "264640" || u == "MDC_DIM_HZ" || u == "HZ" ||
        u == "/S")
      return true;
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

}  // namespace

std::string_view ecg_lead_label(std::uint32_t mdc_code) {
  const Lead* l = lead_by_code(mdc_code);
  return l ? l->name : std::string_view{};
}

core::Result<std::vector<double>> parse_numeric_array(std::string_view value, char separator,
                                                      std::size_t max_count) {
  std::vector<double> out;
  std::size_t start = 0;
  while (true) {
    if (out.size() >= max_count) return core::Error{"more than " + std::to_string(max_count) + " samples"};
    const std::size_t end = value.find(separator, start);
    const std::string_view item =
        value.substr(start, end == std::string_view::npos ? value.npos : end - start);
    const auto v = parse_number(item);
    if (!v) {
      const std::string shown(item.substr(0, 20));
      return core::Error{"sample " + std::to_string(out.size() + 1) +
                         (hl7_trim(item).empty() ? " is empty" : " '" + shown + "' is not a number")};
    }
    out.push_back(*v);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

Hl7WaveformReader::Hl7WaveformReader(const Hl7Message& m, std::optional<Hl7Time> msh7) : m_{m}, msh7_{msh7} {}

bool Hl7WaveformReader::take(const Hl7Segment& obx, std::string_view group_time) {
  const std::string type = m_.component(obx.field(2), 1);
  const std::string name = m_.component(obx.field(3), 2);
  const std::string sub_id = std::string(hl7_trim(obx.field(4)));
  const bool facet = upper(name).starts_with("MDC_ATTR_");
  if (facet) {
    if (pending_ &&
        (sub_id.empty() || pending_->sub_id.empty() || sub_id.starts_with(pending_->sub_id + "."))) {
      take_facet(obx, upper(name));
      return true;
    }
    if (!skipped_sub_id_.empty() && sub_id.starts_with(skipped_sub_id_ + ".")) return true;
    return false;
  }
  if (type != "NA") return false;
  finish();
  skipped_sub_id_.clear();

  const auto code = hl7_code_number(hl7_trim(m_.component(obx.field(3), 1)));
  const Lead* by_code = code ? lead_by_code(*code) : nullptr;
  const Lead* by_name = lead_by_name(name);
  const std::string describe =
      "OBX " + std::string(obx.field(1)) + " (" + std::string(obx.field(3)).substr(0, 60) + ")";
  if (by_code && by_name && by_code != by_name) {
    problems.push_back(describe + ": OBX-3 code " + std::to_string(*code) + " is lead " +
                       std::string(by_code->name) + " but its name says " + name);
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
  p.describe = describe;
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
  if (name == "MDC_ATTR_SAMP_RATE") {
    const auto v = parse_number(raw);
    if (!v || !is_rate_unit(unit_code, unit_name)) {
      p.problem = "sampling rate '" + raw.substr(0, 20) + "' in '" + std::string(obx.field(6)).substr(0, 40) +
                  "' is not samples per second";
      return;
    }
    p.rate = *v;
  } else if (name == "MDC_ATTR_NU_MSMT_RES") {
    const auto v = parse_number(raw);
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
  auto reject = [&](const std::string& why) { problems.push_back(p.describe + ": " + why); };
  if (!p.problem.empty()) return reject(p.problem);
  if (!p.rate) return reject("no MDC_ATTR_SAMP_RATE row gives its sampling rate");
  if (!(*p.rate >= kMinWaveformRateHz && *p.rate <= kMaxWaveformRateHz))
    return reject("sampling rate " + format_fixed(*p.rate, 3) + " /s is outside " +
                  format_fixed(kMinWaveformRateHz, 0) + "-" + format_fixed(kMaxWaveformRateHz, 0));
  // The unit of a count is the resolution's; the row's unit is then often dimensionless.
  const std::string& unit_field = p.resolution ? p.resolution_unit : p.unit;
  const auto mv_per_unit = millivolts_per_unit(m_.component(unit_field, 1), m_.component(unit_field, 2));
  if (!mv_per_unit) return reject("unit '" + unit_field.substr(0, 40) + "' is not mV or uV");
  // Raw, not unescaped: an escape sequence is no number, and unescaping one
  // could make a separator out of it.
  if (p.values.find(m_.delimiters.repetition) != std::string::npos)
    return reject("samples in more than one row; one lead has one row");
  auto numbers = parse_numeric_array(p.values, m_.delimiters.component);
  if (!numbers) return reject(numbers.error());
  const double scale = p.resolution.value_or(1.0) * *mv_per_unit;
  p.segment.sampling_hz = *p.rate;
  p.segment.samples.reserve(numbers->size());
  for (std::size_t i = 0; i < numbers->size(); ++i) {
    const double mv = (*numbers)[i] * scale;
    if (!(std::fabs(mv) <= kMaxEcgMillivolts))
      return reject("sample " + std::to_string(i + 1) + " is " + format_fixed(mv, 3) + " mV, beyond ±" +
                    format_fixed(kMaxEcgMillivolts, 0) + " mV: a scale or unit error");
    p.segment.samples.push_back(static_cast<float>(mv));
  }
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
