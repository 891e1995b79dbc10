#include "record/signed_content.hpp"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <tuple>

namespace vigil::record {
namespace {

using core::Metric;
using namespace std::chrono_literals;
using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

// A field that is not as record_content writes it; caught once, at the top.
struct Bad : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const Value& field(const Struct& s, const char* name) {
  const auto it = s.fields().find(name);
  if (it == s.fields().end()) throw Bad{std::string{"no \""} + name + "\""};
  return it->second;
}

bool is_null(const Struct& s, const char* name) {
  return field(s, name).kind_case() == Value::kNullValue;
}

const Struct& object(const Value& v, const char* name) {
  if (v.kind_case() != Value::kStructValue) throw Bad{std::string{"\""} + name + "\" is not an object"};
  return v.struct_value();
}

const Struct& object(const Struct& s, const char* name) {
  return object(field(s, name), name);
}

const ListValue& list(const Struct& s, const char* name) {
  const auto& v = field(s, name);
  if (v.kind_case() != Value::kListValue) throw Bad{std::string{"\""} + name + "\" is not a list"};
  return v.list_value();
}

std::string text(const Value& v, const char* name) {
  if (v.kind_case() != Value::kStringValue) throw Bad{std::string{"\""} + name + "\" is not a string"};
  return v.string_value();
}

std::string text(const Struct& s, const char* name) {
  return text(field(s, name), name);
}

bool flag(const Struct& s, const char* name) {
  const auto& v = field(s, name);
  if (v.kind_case() != Value::kBoolValue) throw Bad{std::string{"\""} + name + "\" is not true or false"};
  return v.bool_value();
}

// Bounded, so no conversion below can overflow: ample for mmHg, mg and
// seconds of a record kept for a hundred years.
double number(const Struct& s, const char* name) {
  const auto& v = field(s, name);
  if (v.kind_case() != Value::kNumberValue || !std::isfinite(v.number_value()) ||
      std::abs(v.number_value()) > 1e10)
    throw Bad{std::string{"\""} + name + "\" is not a number"};
  return v.number_value();
}

std::int64_t whole(const Struct& s, const char* name) {
  const double v = number(s, name);
  if (v != std::floor(v)) throw Bad{std::string{"\""} + name + "\" is not a whole number"};
  return static_cast<std::int64_t>(v);
}

// "2026-11-23T13:05:00Z", as utc_iso writes it.
core::TimePoint time_from(const std::string& t, const char* name) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  const auto digits = [&](std::size_t at, std::size_t n, int& out) {
    const auto r = std::from_chars(t.data() + at, t.data() + at + n, out);
    return r.ec == std::errc{} && r.ptr == t.data() + at + n;
  };
  const bool shaped = t.size() == 20 && t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' &&
                      t[16] == ':' && t[19] == 'Z' && digits(0, 4, y) && digits(5, 2, mo) &&
                      digits(8, 2, d) && digits(11, 2, h) && digits(14, 2, mi) && digits(17, 2, sec);
  const std::chrono::year_month_day day{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  // Years a nanosecond clock holds with room for a record's durations.
  if (!shaped || !day.ok() || y < 1970 || y > 2199 || h > 23 || mi > 59 || sec > 59)
    throw Bad{std::string{"\""} + name + "\" is not a UTC time (2026-11-23T13:05:00Z)"};
  return std::chrono::sys_days{day} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{sec};
}

core::TimePoint time(const Struct& s, const char* name) {
  return time_from(text(s, name), name);
}

std::optional<core::TimePoint> maybe_time(const Struct& s, const char* name) {
  if (is_null(s, name)) return std::nullopt;
  return time(s, name);
}

// {"value": 12.5, "unit": "s"}, at most about 30 years.
core::Duration seconds(const Struct& s, const char* name) {
  const double v = number(object(s, name), "value");
  if (std::abs(v) > 1e9) throw Bad{std::string{"\""} + name + "\" is not a duration a record holds"};
  return std::chrono::round<core::Duration>(std::chrono::duration<double>{v});
}

std::optional<core::Duration> maybe_seconds(const Struct& s, const char* name) {
  if (is_null(s, name)) return std::nullopt;
  return seconds(s, name);
}

// {"value": …, "unit": …} without an MDC code: a dose, a weight, a percentage.
double amount(const Struct& s, const char* name) {
  return number(object(s, name), "value");
}

std::optional<double> maybe_amount(const Struct& s, const char* name) {
  if (is_null(s, name)) return std::nullopt;
  return amount(s, name);
}

Metric metric_of(const Struct& q) {
  const auto code = whole(q, "mdc_code");
  const auto metric = code >= 0 && code <= UINT32_MAX
                          ? core::metric_from_code(static_cast<std::uint32_t>(code))
                          : std::nullopt;
  if (!metric) throw Bad{"\"mdc_code\" " + std::to_string(code) + " is not a metric vigil knows"};
  return *metric;
}

// {"value": …, "unit": …, "mdc_code": …}: a measured value.
std::pair<Metric, double> quantity(const Struct& q) {
  return {metric_of(q), number(q, "value")};
}

std::pair<Metric, double> quantity(const Struct& s, const char* name) {
  return quantity(object(s, name));
}

std::map<Metric, double> values(const Struct& s, const char* name) {
  std::map<Metric, double> out;
  for (const auto& v : list(s, name).values()) out.insert(quantity(object(v, name)));
  return out;
}

std::optional<SessionStep> step(const Struct& s, const char* name) {
  if (is_null(s, name)) return std::nullopt;
  const auto& o = object(s, name);
  return SessionStep{time(o, "time"), text(o, "by"), text(o, "message")};
}

std::optional<Peak> peak(const Struct& s, const char* name) {
  if (is_null(s, name)) return std::nullopt;
  const auto& o = object(s, name);
  const auto [metric, value] = quantity(o, "peak");
  return Peak{metric, quantity(o, "baseline").second, value, time(o, "time")};
}

BloodPressure blood_pressure(const Struct& o) {
  BloodPressure b;
  b.time = time(o, "time");
  const auto v = values(o, "values");
  if (!v.count(Metric::nibp_systolic) || !v.count(Metric::nibp_diastolic))
    throw Bad{"a blood pressure without its systolic and diastolic values"};
  b.systolic = v.at(Metric::nibp_systolic);
  b.diastolic = v.at(Metric::nibp_diastolic);
  if (v.count(Metric::nibp_mean)) b.mean = v.at(Metric::nibp_mean);
  return b;
}

std::optional<BloodPressure> maybe_blood_pressure(const Struct& s, const char* name) {
  if (is_null(s, name)) return std::nullopt;
  return blood_pressure(object(s, name));
}

Baseline baseline_from(const Struct& o) {
  return Baseline{text(o, "source"), time(o, "time"), values(o, "values"), text(o, "message"), ""};
}

template <class F>
void each(const Struct& s, const char* name, F&& f) {
  for (const auto& v : list(s, name).values()) f(object(v, name));
}

void read_drug(const Struct& c, InfusionRecord& r) {
  if (!is_null(c, "dose")) {
    const auto& d = object(c, "dose");
    core::InfusionDose dose;
    dose.amount = amount(d, "amount");
    dose.unit = text(object(d, "amount"), "unit");
    dose.weight_kg = maybe_amount(d, "weight").value_or(0);
    dose.duration_min = static_cast<int>(std::lround(core::to_seconds(seconds(d, "duration")) / 60));
    if (const auto problem = dose.problem())
      throw Bad{"the dose's " + problem->first + ": " + problem->second};
    r.dose = dose;
  }
  r.cumulative_mg = maybe_amount(c, "cumulative_dose");
  each(c, "infusion_changes", [&](const Struct& o) {
    InfusionChange x;
    const auto what = text(o, "what");
    if (what == "paused")
      x.kind = InfusionChange::Kind::paused;
    else if (what == "resumed")
      x.kind = InfusionChange::Kind::resumed;
    else if (what == "rate_changed")
      x.kind = InfusionChange::Kind::rate_changed;
    else
      throw Bad{"an infusion change \"" + what + "\""};
    x.time = time(o, "time");
    x.rate_mg_per_min = maybe_amount(o, "rate");
    x.by = text(o, "by");
    x.message = text(o, "message");
    r.changes.push_back(x);
  });
  each(c, "staff_entries", [&](const Struct& o) {
    StaffEntry e;
    const auto type = text(o, "type");
    if (type == "note")
      e.type = StaffEntry::Type::note;
    else if (type == "intervention")
      e.type = StaffEntry::Type::intervention;
    else if (type == "adverse_event")
      e.type = StaffEntry::Type::adverse_event;
    else
      throw Bad{"a staff entry \"" + type + "\""};
    e.time = time(o, "time");
    e.kind = text(o, "kind");
    e.text = text(o, "text");
    e.by = text(o, "by");
    r.entries.push_back(e);
  });
}

// Written only when the journal held the limits in force; "inside" follows
// from the limits and is not read.
void read_limits(const Struct& c, InfusionRecord& r) {
  if (!c.fields().count("bp_limits")) return;
  const auto& o = object(c, "bp_limits");
  BpLimits b;
  if (!is_null(o, "unknown")) b.unknown = text(o, "unknown");
  each(o, "limits", [&](const Struct& x) {
    LimitAtPeak l;
    l.condition = text(x, "condition");
    l.priority = text(x, "priority");
    l.rule = text(x, "rule");
    l.on = flag(x, "on");
    std::tie(l.metric, l.peak) = quantity(x, "peak");
    if (!is_null(x, "limit")) l.limit = quantity(x, "limit").second;
    l.peak_time = time(x, "peak_time");
    l.exceeded = flag(x, "exceeded");
    l.in_force_since = time(x, "in_force_since");
    b.limits.push_back(l);
  });
  each(o, "changes", [&](const Struct& x) {
    b.changes.push_back({time(x, "time"), text(x, "by"), text(x, "message")});
  });
  each(o, "alarms_raised", [&](const Struct& x) {
    b.raised.push_back({text(x, "condition"), text(x, "priority"), time(x, "raised")});
  });
  r.bp_limits = b;
}

void read_response(const Struct& c, InfusionRecord& r) {
  if (!is_null(c, "baseline")) {
    const auto& o = object(c, "baseline");
    r.baseline = baseline_from(o);
    if (o.fields().count("replaced")) {
      r.baseline->by = text(o, "by");
      each(o, "replaced", [&](const Struct& x) {
        r.replaced_baselines.push_back(baseline_from(x));
        r.replaced_baselines.back().by = text(x, "by");
      });
    }
  }
  const auto& x = object(c, "response");
  r.response.highest = maybe_blood_pressure(x, "highest");
  r.response.systolic = peak(x, "systolic");
  r.response.diastolic = peak(x, "diastolic");
  r.response.heart_rate = peak(x, "heart_rate");
  r.response.time_to_peak = maybe_seconds(x, "time_to_peak");
  r.response.back_within_10_percent = maybe_seconds(x, "back_within_10_percent");
  if (!is_null(x, "lowest_spo2")) r.response.lowest_spo2 = quantity(x, "lowest_spo2").second;
  r.response.lowest_spo2_time = maybe_time(x, "lowest_spo2_time");
  r.response.spo2_below_90 = seconds(x, "spo2_below_90");
  read_limits(c, r);
  if (!is_null(c, "discharge_check")) {
    const auto& o = object(c, "discharge_check");
    DischargeCheck d;
    d.criteria_met = flag(o, "criteria_met");
    d.monitored_long_enough = flag(o, "monitored_long_enough");
    d.min_monitored = maybe_seconds(o, "min_monitored");
    d.stable = seconds(o, "stable");
    d.bp_margin_percent = amount(o, "bp_margin");
    d.heart_rate_margin_percent = amount(o, "heart_rate_margin");
    d.spo2_min = quantity(o, "spo2_min").second;
    for (const auto& v : list(o, "unmet").values()) d.unmet.push_back(text(v, "unmet"));
    r.discharge_check = d;
  }
  each(c, "checkpoints", [&](const Struct& o) {
    Checkpoint k;
    k.name = text(o, "name");
    k.reached = flag(o, "reached");
    if (k.reached) k.target = time(o, "target");
    k.measurement = maybe_blood_pressure(o, "measurement");
    r.checkpoints.push_back(k);
  });
}

// The content gives times to the second but the time to acknowledge to a
// fraction of one (44.8 s from 08:30:05 to 08:30:50): both times are moved
// inside their seconds so that they are apart by what was signed.
void within_their_seconds(core::TimePoint& raised, core::TimePoint& acknowledged,
                          core::Duration signed_apart) {
  const auto excess = signed_apart - (acknowledged - raised);  // less than a second either way as written
  if (excess >= core::Duration::zero() && excess < 1s)
    acknowledged += excess;
  else if (excess < core::Duration::zero() && excess > -1s)
    raised -= excess;
}

void read_alarms(const Struct& c, InfusionRecord& r) {
  each(c, "alarms", [&](const Struct& o) {
    AlarmStory a;
    a.alarm_id = text(o, "alarm_id");
    a.condition = text(o, "condition");
    a.priority = text(o, "priority");
    a.technical = text(o, "kind") == "technical";
    a.message = text(o, "message");
    if (!is_null(o, "value")) std::tie(a.metric, a.value) = quantity(o, "value");
    a.onset = time(o, "onset");
    a.raised = maybe_time(o, "raised");
    a.acknowledged = maybe_time(o, "acknowledged");
    a.acknowledged_by = text(o, "acknowledged_by");
    a.cleared = maybe_time(o, "cleared");
    if (a.raised && a.acknowledged && !is_null(o, "time_to_acknowledge"))
      within_their_seconds(*a.raised, *a.acknowledged, seconds(o, "time_to_acknowledge"));
    each(o, "steps", [&](const Struct& st) {
      a.steps.push_back({time(st, "time"), text(st, "what"), text(st, "by")});
    });
    r.alarms.push_back(a);
  });
  each(c, "across_sessions", [&](const Struct& o) {
    SessionResponse x;
    x.session_id = whole(o, "session");
    x.this_session = flag(o, "this_session");
    x.bed = text(o, "bed");
    x.started = time(o, "started");
    x.dose_mg_per_kg = maybe_amount(o, "dose");
    x.systolic = peak(o, "systolic");
    x.diastolic = peak(o, "diastolic");
    x.heart_rate = peak(o, "heart_rate");
    r.across_sessions.push_back(x);
  });
  each(c, "no_data", [&](const Struct& o) { r.no_data.push_back({metric_of(o), seconds(o, "duration")}); });
}

// The plots from the table: every value of every row, by metric, in time order.
void read_vitals(const Struct& c, InfusionRecord& r) {
  std::map<Metric, Series> series;
  each(c, "vitals", [&](const Struct& o) {
    VitalsRow row{time(o, "time"), text(o, "reason"), values(o, "values")};
    for (const auto& [metric, value] : row.values) {
      series[metric].metric = metric;
      series[metric].points.emplace_back(row.time, value);
    }
    r.vitals.push_back(std::move(row));
  });
  for (auto& [metric, s] : series) {
    std::stable_sort(s.points.begin(), s.points.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    r.series.push_back(std::move(s));
  }
}

InfusionRecord read(const Struct& c) {
  if (text(c, "record") != "infusion") throw Bad{"\"record\" is not \"infusion\""};
  InfusionRecord r;
  r.session_id = whole(c, "session");
  r.admission_id = whole(c, "admission_session");
  r.drill = flag(c, "drill");
  r.provisional = flag(c, "provisional");
  r.from = time(c, "from");
  r.to = time(c, "to");
  r.bed = text(c, "bed");
  r.patient_id = text(c, "patient_id");
  // Written only when an ADT merge or update changed the identity.
  if (c.fields().count("admitted_as")) r.admitted_as = text(c, "admitted_as");
  r.patient_name = text(c, "patient_name");
  r.birth_date = text(c, "birth_date");
  r.clinic = text(c, "clinic");
  r.profile = text(c, "profile");
  r.drug = text(c, "drug");
  r.regimen = text(c, "regimen");
  r.admitted = step(c, "admitted");
  r.started = step(c, "infusion_started");
  r.stopped = step(c, "infusion_stopped");
  r.discharged = step(c, "discharged");
  r.monitored = seconds(c, "monitored");
  if (c.fields().count("identity_changes"))
    each(c, "identity_changes", [&](const Struct& o) {
      r.identity_changes.push_back(SessionStep{time(o, "time"), text(o, "by"), text(o, "message")});
    });
  read_drug(c, r);
  read_response(c, r);
  read_alarms(c, r);
  read_vitals(c, r);
  return r;
}

}  // namespace

core::Result<InfusionRecord> record_from_content(std::string_view content) {
  Struct parsed;
  if (!google::protobuf::util::JsonStringToMessage(std::string{content}, &parsed).ok())
    return core::Error{"the signed content is not JSON"};
  try {
    return read(parsed);
  } catch (const Bad& e) {
    return core::Error{std::string{"the signed content is not a record as vigil signs it: "} + e.what()};
  }
}

}  // namespace vigil::record
