#include "drivers/hl7/hl7_oru_r01.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>
#include <tuple>

#include "drivers/pressure_units.hpp"

namespace vigil::drivers {
namespace {

using core::Metric;
using core::QualityFlag;

struct MetricAlias {
  std::uint32_t code;
  std::string_view ref;
  Metric metric;
};

constexpr std::array kMetricAliases{
    MetricAlias{147842, "MDC_ECG_HEART_RATE", Metric::heart_rate},
    MetricAlias{147842, "MDC_ECG_CARD_BEAT_RATE", Metric::heart_rate},
    MetricAlias{147240, "MDC_ECG_TIME_PD_RR_GL", Metric::rr_interval},
    MetricAlias{149530, "MDC_PULS_OXIM_PULS_RATE", Metric::pulse_rate},
    MetricAlias{150456, "MDC_PULS_OXIM_SAT_O2", Metric::spo2},
    MetricAlias{150448, "MDC_PULS_OXIM_PERF_REL", Metric::perfusion_index},
    MetricAlias{150488, "MDC_BLD_PERF_INDEX", Metric::perfusion_index},
    MetricAlias{150021, "MDC_PRESS_BLD_NONINV_SYS", Metric::nibp_systolic},
    MetricAlias{150022, "MDC_PRESS_BLD_NONINV_DIA", Metric::nibp_diastolic},
    MetricAlias{150023, "MDC_PRESS_BLD_NONINV_MEAN", Metric::nibp_mean},
    MetricAlias{150301, "MDC_PRESS_CUFF_SYS", Metric::nibp_systolic},
    MetricAlias{150302, "MDC_PRESS_CUFF_DIA", Metric::nibp_diastolic},
    MetricAlias{150303, "MDC_PRESS_CUFF_MEAN", Metric::nibp_mean},
    MetricAlias{151562, "MDC_RESP_RATE", Metric::resp_rate},
    MetricAlias{151578, "MDC_TTHOR_RESP_RATE", Metric::resp_rate},
    MetricAlias{151594, "MDC_CO2_RESP_RATE", Metric::resp_rate},
};

enum class UnitKind { none, percent, per_minute, mmhg, kpa, millisecond, other };

// A unit named by its MDC code (nearly every row).
struct UnitCode {
  std::uint32_t code;
  UnitKind kind;
};

constexpr std::array kUnitCodes{
    UnitCode{262688, UnitKind::percent},    UnitCode{264864, UnitKind::per_minute},
    UnitCode{264928, UnitKind::per_minute}, UnitCode{266016, UnitKind::mmhg},
    UnitCode{265987, UnitKind::kpa},
};

struct UnitAlias {
  std::string_view name;  // an MDC reference, or a UCUM or plain spelling
  UnitKind kind;
};

constexpr std::array kUnitAliases{
    UnitAlias{"MDC_DIM_PERCENT", UnitKind::percent},
    UnitAlias{"%", UnitKind::percent},
    UnitAlias{"MDC_DIM_BEAT_PER_MIN", UnitKind::per_minute},
    UnitAlias{"MDC_DIM_RESP_PER_MIN", UnitKind::per_minute},
    UnitAlias{"/min", UnitKind::per_minute},
    UnitAlias{"1/min", UnitKind::per_minute},
    UnitAlias{"{beat}/min", UnitKind::per_minute},
    UnitAlias{"{beats}/min", UnitKind::per_minute},
    UnitAlias{"{breath}/min", UnitKind::per_minute},
    UnitAlias{"{breaths}/min", UnitKind::per_minute},
    UnitAlias{"{resp}/min", UnitKind::per_minute},
    UnitAlias{"bpm", UnitKind::per_minute},
    UnitAlias{"rpm", UnitKind::per_minute},
    UnitAlias{"MDC_DIM_MMHG", UnitKind::mmhg},
    UnitAlias{"mm[Hg]", UnitKind::mmhg},
    UnitAlias{"mmHg", UnitKind::mmhg},
    UnitAlias{"MDC_DIM_KILO_PASCAL", UnitKind::kpa},
    UnitAlias{"kPa", UnitKind::kpa},
    UnitAlias{"ms", UnitKind::millisecond},
};

UnitKind canonical_unit(Metric m) {
  switch (m) {
    case Metric::spo2:
    case Metric::perfusion_index:
      return UnitKind::percent;
    case Metric::heart_rate:
    case Metric::pulse_rate:
    case Metric::resp_rate:
      return UnitKind::per_minute;
    case Metric::nibp_systolic:
    case Metric::nibp_diastolic:
    case Metric::nibp_mean:
      return UnitKind::mmhg;
    case Metric::rr_interval:
      return UnitKind::millisecond;
  }
  return UnitKind::other;
}

double plausible_max(Metric m) {
  switch (canonical_unit(m)) {
    case UnitKind::percent:
      return 100;
    case UnitKind::mmhg:
      return 400;
    case UnitKind::millisecond:
      return 10000;
    default:
      return m == Metric::resp_rate ? 200 : 350;
  }
}

struct MetricLookup {
  std::optional<Metric> metric;
  std::string conflict;  // set when code and reference name disagree
};

// The coded parts of an OBX row that both readers look at, each read once
// from the row (views into the message, or into the scratch strings when a
// part holds an escape).
struct ObxCoding {
  std::string_view type;  // OBX-2.1
  std::string_view code;  // OBX-3.1
  std::string_view name;  // OBX-3.2
  std::string scratch_type, scratch_code, scratch_name;

  void read(const Hl7Message& m, const Hl7Segment& obx) {
    type = m.component(obx.field(2), 1, scratch_type);
    code = m.component(obx.field(3), 1, scratch_code);
    name = m.component(obx.field(3), 2, scratch_name);
  }
};

MetricLookup lookup_metric(const ObxCoding& row) {
  const auto code = hl7_code_number(row.code);
  const auto ref = row.name;
  std::optional<Metric> by_code, by_ref;
  if (code) {
    for (const auto& a : kMetricAliases) {
      if (a.code != *code) continue;
      by_code = a.metric;
      // The name written as the table writes it (nearly every row): no
      // case-blind search of every name needed.
      if (a.ref == ref) by_ref = a.metric;
    }
  }
  if (!by_ref && !ref.empty()) {
    for (const auto& a : kMetricAliases)
      if (hl7_iequal(a.ref, ref)) by_ref = a.metric;
  }
  if (by_code && by_ref && *by_code != *by_ref) {
    return {std::nullopt, "OBX-3 code " + std::to_string(*code) + " is " + std::string(core::name(*by_code)) +
                              " but its name " + std::string(ref) + " is " +
                              std::string(core::name(*by_ref))};
  }
  return {by_code ? by_code : by_ref, {}};
}

std::optional<UnitKind> unit_alias(std::string_view text) {
  const auto name = hl7_trim(text);
  // Digits are a code, matched as the number they write ("0262688" is no
  // code vigil knows); no spelling is digits alone.
  if (const auto code = hl7_code_number(name)) {
    if (name.front() == '0') return std::nullopt;
    for (const auto& c : kUnitCodes)
      if (c.code == *code) return c.kind;
    return std::nullopt;
  }
  for (const auto& a : kUnitAliases) {
    if (hl7_iequal(a.name, name)) return a.kind;
  }
  return std::nullopt;
}

// OBX-6's identifier, else its text; the text is read only when the
// identifier is empty or unknown (it is nearly always a known code).
UnitKind lookup_unit(const Hl7Message& m, std::string_view obx6) {
  std::string scratch_first, scratch_second;
  const auto first = m.component(obx6, 1, scratch_first);
  if (const auto kind = unit_alias(first)) return *kind;
  const auto second = m.component(obx6, 2, scratch_second);
  if (hl7_trim(first).empty() && hl7_trim(second).empty()) return UnitKind::none;
  return unit_alias(second).value_or(UnitKind::other);
}

// Bits of what OBX-8 and OBX-11 say about a row.
constexpr int kInvalid = 1, kQuestionable = 2, kDemo = 4;

int status_flags(const Hl7Message& m, const Hl7Segment& obx) {
  int flags = 0;
  std::string scratch;
  const auto status = m.component(obx.field(11), 1, scratch);
  if (status == "X" || status == "N" || status == "W" || status == "D") flags |= kInvalid;
  // Static: as locals, the lists were built on the stack at every row.
  static constexpr std::string_view invalid[] = {"INV", "INVALID", "NI",  "NA",   "NAV",  "OFF",
                                                 "MSK", "OTH",     "NAN", "PINF", "NINF", "NOT-AVAILABLE"};
  static constexpr std::string_view questionable[] = {"QUES", "QUESTIONABLE", "CAL", "CALIBRATION-ONGOING"};
  static constexpr std::string_view demo[] = {"DEMO", "DEMO-DATA", "TEST", "TEST-DATA"};
  auto in = [](std::string_view token, auto& list) {
    return std::any_of(std::begin(list), std::end(list),
                       [&](std::string_view x) { return hl7_iequal(x, token); });
  };
  if (obx.field(8).empty()) return flags;  // nearly every row: no vector to make and free
  for (const auto& rep : m.repetitions(obx.field(8))) {
    const std::string first = rep.substr(0, rep.find(m.delimiters.component));
    const auto token = hl7_trim(first);
    if (in(token, invalid)) flags |= kInvalid;
    if (in(token, questionable)) flags |= kQuestionable;
    if (in(token, demo)) flags |= kDemo | kInvalid;
  }
  return flags;
}

struct RowTime {
  std::optional<core::TimePoint> instant;
  std::string problem;
};

RowTime row_time(std::string_view text, const std::optional<Hl7Time>& msh7) {
  if (text.empty()) return {};
  auto t = parse_hl7_time(text);
  if (!t) return {std::nullopt, "observation time '" + std::string(text) + "' is not an HL7 time"};
  if (!t->utc_offset && msh7) t->utc_offset = msh7->utc_offset;
  return {t->instant(), {}};
}

std::string describe_row(const Hl7Segment& obx) {
  return "OBX " + std::string(obx.field(1)) + " (" + std::string(obx.field(3)).substr(0, 60) + ")";
}

// Where a cuff reading's row was: its OBR group and the channel of its OBX-4
// (mds.vmd.chan, without the metric), which together with the measured time
// say which cuff measurement a pressure belongs to.
struct CuffPlace {
  std::size_t reading = 0;  // its index in the readings
  std::size_t obr = 0;
  std::string_view channel;
  auto key() const { return std::tie(obr, channel); }
};

std::string_view channel_of(std::string_view sub_id) {
  std::size_t from = 0;
  for (int dot = 0; dot < 3; ++dot) {
    const auto at = sub_id.find('.', from);
    if (at == std::string_view::npos) return sub_id;
    from = at + 1;
  }
  return sub_id.substr(0, from - 1);
}

// A cuff measurement is judged whole only when its parts come together in a
// read (alerts/cuff_measurement.hpp); a device may send other rows between
// its systolic, diastolic and mean (e.g. the heart rate the cuff counted).
// Each later part of the same measurement (same OBR, same OBX-4 channel, same
// measured time) moves up to follow the parts before it; every other reading
// keeps its place. `cuffs`: the places of the episodic readings, in order.
void group_cuff_parts(std::vector<core::Reading>& readings, const std::vector<CuffPlace>& cuffs) {
  if (cuffs.size() < 2) return;  // nothing to bring together (every message without NIBP)
  std::vector<core::Reading> out;
  out.reserve(readings.size());
  std::vector<bool> taken(readings.size(), false);
  std::size_t next_cuff = 0;
  for (std::size_t i = 0; i < readings.size(); ++i) {
    if (taken[i]) continue;
    out.push_back(readings[i]);
    while (next_cuff < cuffs.size() && cuffs[next_cuff].reading < i) ++next_cuff;
    if (next_cuff == cuffs.size() || cuffs[next_cuff].reading != i) continue;
    const CuffPlace& here = cuffs[next_cuff];
    for (std::size_t k = next_cuff + 1; k < cuffs.size(); ++k) {
      const std::size_t j = cuffs[k].reading;
      if (taken[j]) continue;
      if (cuffs[k].key() != here.key() || readings[j].device_time != readings[i].device_time) continue;
      out.push_back(readings[j]);
      taken[j] = true;
    }
  }
  readings = std::move(out);
}

class RowReader {
 public:
  // `msh7_text`: the MSH-7 that `msh7` was read from. Rows mostly carry
  // the message's own time, so it is the time known before the first row.
  RowReader(const Hl7Message& m, std::string_view msh7_text, std::optional<Hl7Time> msh7, OruContent& out)
      : m_(m), out_(out), msh7_(msh7) {
    if (msh7 && msh7_text.size() <= time_text_.size()) remember_time(msh7_text, {msh7->instant(), {}});
  }

  // Where each episodic (cuff) reading of out.readings was.
  std::vector<CuffPlace> cuff_places;

  void read(const Hl7Segment& obx, const ObxCoding& coding, std::string_view obr7, std::size_t obr) {
    const auto found = lookup_metric(coding);
    if (!found.conflict.empty()) return problem(obx, found.conflict);
    if (!found.metric) {
      ++out_.skipped_unknown;
      return;
    }
    const Metric metric = *found.metric;
    const auto seen_end = seen_.begin() + static_cast<std::ptrdiff_t>(seen_count_);
    if (std::find(seen_.begin(), seen_end, metric) != seen_end) {
      ++out_.skipped_duplicate;
      return;
    }
    seen_[seen_count_++] = metric;
    const int flags = status_flags(m_, obx);
    if ((flags & kDemo) != 0) ++out_.demo_or_test;
    core::Reading r{metric, 0, {}, std::nullopt};
    if ((flags & kQuestionable) != 0) r.quality.set(QualityFlag::questionable);
    std::string scratch_raw;
    const auto raw = m_.component(obx.field(5), 1, scratch_raw);
    const auto type = coding.type;
    std::optional<double> value;
    if (!hl7_trim(raw).empty() && (flags & kInvalid) == 0) {
      if (type != "NM" && !type.empty())
        return problem(obx, "value type " + std::string(type) + " where NM was expected");
      value = hl7_number(raw);
      if (!value) return problem(obx, "value '" + std::string(raw) + "' is not a number");
      if (!convert(metric, lookup_unit(m_, obx.field(6)), *value)) {
        return problem(obx, "unit '" + std::string(obx.field(6)) + "' cannot be read as " +
                                std::string(core::info(metric).ucum_unit));
      }
    }
    const auto& time = time_of(obx.field(14), obr7);
    if (!time.problem.empty()) problem(obx, time.problem);
    if (value && (*value < 0 || *value > plausible_max(metric))) value.reset();
    if (!value) r.quality.set(QualityFlag::invalid);
    r.value = value;
    if (core::info(metric).episodic) {
      r.device_time = time.instant;
      cuff_places.push_back({out_.readings.size(), obr, channel_of(hl7_trim(obx.field(4)))});
    }
    out_.readings.push_back(r);
    if (value) out_.observations.push_back({metric, *value, time.instant});
  }

 private:
  static bool convert(Metric metric, UnitKind unit, double& value) {
    const UnitKind want = canonical_unit(metric);
    if (unit == UnitKind::none || unit == want) return true;
    if (want == UnitKind::mmhg && unit == UnitKind::kpa) {
      value *= kMmHgPerKPa;
      return true;
    }
    return false;
  }

  void problem(const Hl7Segment& obx, const std::string& what) {
    out_.problems.push_back(describe_row(obx) + ": " + what);
  }

  // The rows of a message mostly carry one time: it is parsed once. The
  // text is kept in a buffer of its own (a time that fits), not a string:
  // a string of a time's length is an allocation per message.
  const RowTime& time_of(std::string_view obx14, std::string_view obr7) {
    const auto text = hl7_trim(obx14.empty() ? obr7 : obx14);
    if (time_parsed_ && std::string_view(time_text_.data(), time_length_) == text) return time_;
    remember_time(text, row_time(text, msh7_));
    return time_;
  }

  void remember_time(std::string_view text, RowTime time) {
    time_ = std::move(time);
    time_parsed_ = text.size() <= time_text_.size();
    time_length_ = std::min(text.size(), time_text_.size());
    std::copy_n(text.begin(), time_length_, time_text_.begin());
  }

  const Hl7Message& m_;
  OruContent& out_;
  std::optional<Hl7Time> msh7_;
  // The metrics read so far: at most one row each, so no more than there are aliases.
  std::array<Metric, kMetricAliases.size()> seen_{};
  std::size_t seen_count_ = 0;
  std::array<char, 40> time_text_{};  // the text time_ was read from, when time_parsed_
  std::size_t time_length_ = 0;
  bool time_parsed_ = false;
  RowTime time_;
};

std::string_view unit_field(Metric m) {
  switch (canonical_unit(m)) {
    case UnitKind::percent:
      return "262688^MDC_DIM_PERCENT^MDC";
    case UnitKind::per_minute:
      return m == Metric::resp_rate ? "264928^MDC_DIM_RESP_PER_MIN^MDC" : "264864^MDC_DIM_BEAT_PER_MIN^MDC";
    case UnitKind::mmhg:
      return "266016^MDC_DIM_MMHG^MDC";
    case UnitKind::millisecond:
      return "ms^ms^UCUM";
    default:
      return "";
  }
}

std::string format_number(double v) {
  std::array<char, 64> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed);
  if (ec != std::errc{}) return "0";
  return std::string(buf.data(), end);
}

}  // namespace

std::string encode_oru_r01(const OruR01& msg) {
  const std::string time = format_hl7_time(msg.message_time);
  const std::string app = hl7_escape(msg.sending_application);
  const std::string ctl = hl7_escape(msg.control_id);
  std::string out = "MSH|^~\\&|" + app + "|" + hl7_escape(msg.sending_facility) + "|||" + time +
                    "||ORU^R01^ORU_R01|" + ctl +
                    "|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r";
  out += "PID|||" + hl7_escape(msg.patient_id) + "^^^^PI\r";
  out += "PV1||I|" + hl7_escape(msg.location) + "\r";
  out += "OBR|1|" + ctl + "^" + app + "|" + ctl + "^" + app + "|182777000^monitoring of patient^SCT|||" +
         time + "\r";
  int set_id = 0;
  std::size_t group = 1;
  for (const auto& o : msg.observations) {
    const auto code = std::to_string(core::code(o.metric));
    const auto n = std::to_string(++set_id);
    out += "OBX|" + n + "|NM|" + code + "^" + std::string(core::info(o.metric).mdc_ref) + "^MDC|1.0.1." + n +
           "|" + format_number(o.value) + "|" + std::string(unit_field(o.metric)) + "|||||R|||" +
           format_hl7_time(o.time.value_or(msg.message_time)) + "\r";
  }
  for (std::size_t k = 0; k < msg.waveforms.size(); ++k) {
    const auto& w = msg.waveforms[k];
    if (k == 0) {
      const std::string start = format_hl7_time(w.first_sample_time.value_or(msg.message_time));
      out += "OBR|" + std::to_string(++group) + "|" + ctl + "^" + app + "|" + ctl + "^" + app +
             "|CONTINUOUS WAVEFORM|||" + start + "\r";
    }
    out += encode_waveform_rows(w, set_id, "1.1.1." + std::to_string(k + 1));
  }
  return out;
}

void decode_oru_r01(const Hl7Message& msg, OruContent& out) {
  out.readings.clear();
  out.observations.clear();
  out.waveforms.clear();
  out.problems.clear();
  out.skipped_unknown = out.skipped_duplicate = out.demo_or_test = 0;
  // MSH-7 gives its UTC offset to times without one; read once for both readers.
  std::optional<Hl7Time> msh7;
  std::string scratch;
  std::string_view msh7_text;
  if (const auto* msh = msg.first("MSH")) {
    msh7_text = msg.component(msh->field(7), 1, scratch);
    msh7 = parse_hl7_time(msh7_text);
  }
  RowReader reader(msg, msh7_text, msh7, out);
  Hl7WaveformReader waves(msg, msh7);
  std::string obr7_scratch;
  std::string_view obr7;
  std::size_t obr = 0;
  ObxCoding coding;
  for (const auto& seg : msg.segments) {
    const auto name = seg.name();
    if (name == "OBR") {
      waves.finish();
      obr7 = msg.component(seg.field(7), 1, obr7_scratch);
      ++obr;
    }
    if (name != "OBX") continue;
    coding.read(msg, seg);
    if (!waves.take(seg, coding.type, coding.name, obr7)) reader.read(seg, coding, obr7, obr);
  }
  waves.finish();
  group_cuff_parts(out.readings, reader.cuff_places);
  out.waveforms = std::move(waves.segments);
  out.problems.insert(out.problems.end(), waves.problems.begin(), waves.problems.end());
  out.skipped_unknown += waves.skipped;
}

OruContent decode_oru_r01(const Hl7Message& msg) {
  OruContent out;
  decode_oru_r01(msg, out);
  return out;
}

}  // namespace vigil::drivers
