#include "record/record_builder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "daemon/journal_schema.hpp"
#include "record/baseline_text.hpp"
#include "record/command_log.hpp"
#include "wire/dose.hpp"
#include "wire/timestamp.hpp"

namespace vigil::record {
namespace v1 = vigil::v1;
using core::Metric;
using namespace std::chrono_literals;

namespace {

// A streamed value older than this is no value for a table row, and a
// silence longer than this is time without data.
constexpr core::Duration kStale = 30s;
constexpr core::Duration kGap = 10s;
// The journal reads a long span an hour at a time, as vigil-ctl export does.
constexpr core::Duration kWindow = 1h;
constexpr std::uint16_t kUnusable = 1 | 2 | 4 | 16;  // invalid, artifact, sensor off, questionable

std::string who(const v1::ContextEvent& c) {
  return c.actor() + (c.station().empty() ? "" : " at " + c.station());
}

struct Reading {
  Metric metric;
  double value;
  core::TimePoint time;  // when measured (the cuff's own time for NIBP)
};

struct Journalled {
  std::vector<Reading> readings;  // usable ones, in time order
  std::vector<v1::AlarmEvent> alarms;
  std::vector<v1::ContextEvent> context;
  bool drill = false;
};

std::uint16_t quality_bits(const v1::Quality& q) {
  return static_cast<std::uint16_t>((q.invalid() ? 1 : 0) | (q.artifact() ? 2 : 0) |
                                    (q.sensor_off() ? 4 : 0) | (q.low_perfusion() ? 8 : 0) |
                                    (q.questionable() ? 16 : 0));
}

Journalled read_span(daemon::JournalReader& r, const std::string& bed, core::TimePoint from,
                     core::TimePoint to) {
  Journalled j;
  for (auto start = from; start < to; start += kWindow) {
    daemon::MessageQuery q;
    q.bed = bed;
    q.from = start;
    q.to = std::min(start + kWindow, to);
    q.max = std::numeric_limits<std::int32_t>::max();
    q.kinds = {"obs", "alarm", "ctx"};
    for (const auto& m : r.messages(q)) {
      if (m.has_observation()) {
        const auto& o = m.observation();
        j.drill = j.drill || o.drill();
        const auto metric = core::metric_from_code(o.mdc_code());
        if (!metric || (quality_bits(o.quality()) & kUnusable) || !std::isfinite(o.value())) continue;
        const auto t = wire::from_proto(o.has_device_time() && core::info(*metric).episodic ? o.device_time()
                                                                                            : o.received());
        j.readings.push_back({*metric, o.value(), t});
      } else if (m.has_alarm()) {
        j.drill = j.drill || m.alarm().drill();
        j.alarms.push_back(m.alarm());
      } else if (m.has_context()) {
        j.drill = j.drill || m.context().drill();
        j.context.push_back(m.context());
      }
    }
  }
  std::stable_sort(j.readings.begin(), j.readings.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });
  return j;
}

std::optional<daemon::SessionRecord> admission_around(daemon::JournalReader& r,
                                                      const daemon::SessionRecord& s) {
  std::optional<daemon::SessionRecord> found;
  for (const auto& p : r.sessions(s.bed))
    if (p.kind == "patient" && p.started <= s.started && (!p.ended || *p.ended >= s.started)) found = p;
  return found;
}

const v1::ContextEvent* first_context(const Journalled& j, const std::string& what,
                                      core::TimePoint at_or_after) {
  for (const auto& c : j.context)
    if (c.what() == what && wire::from_proto(c.time()) >= at_or_after) return &c;
  return nullptr;
}

SessionStep step_of(const v1::ContextEvent& c) {
  return {wire::from_proto(c.time()), who(c), c.message()};
}

// The last usable reading of the metric in (t - kStale, t].
std::optional<double> value_at(const std::vector<Reading>& readings, Metric m, core::TimePoint t) {
  // Readings are in time order: start at the oldest one young enough.
  auto it = std::lower_bound(readings.begin(), readings.end(), t - kStale + core::Duration{1},
                             [](const Reading& x, core::TimePoint when) { return x.time < when; });
  std::optional<double> v;
  for (; it != readings.end() && it->time <= t; ++it)
    if (it->metric == m) v = it->value;
  return v;
}

std::vector<BloodPressure> cuff_readings(const std::vector<Reading>& readings) {
  std::map<core::TimePoint, BloodPressure> by_time;
  for (const auto& x : readings) {
    if (!core::info(x.metric).episodic) continue;
    auto& bp = by_time[x.time];
    bp.time = x.time;
    if (x.metric == Metric::nibp_systolic) bp.systolic = x.value;
    if (x.metric == Metric::nibp_diastolic) bp.diastolic = x.value;
    if (x.metric == Metric::nibp_mean) bp.mean = x.value;
  }
  std::vector<BloodPressure> v;
  for (const auto& [t, bp] : by_time)
    if (bp.systolic > 0 && bp.diastolic > 0) v.push_back(bp);
  return v;
}

constexpr Metric kStreamed[] = {Metric::spo2, Metric::pulse_rate, Metric::heart_rate, Metric::resp_rate};

std::vector<VitalsRow> vitals_table(const InfusionRecord& rec, const Journalled& j,
                                    const std::vector<BloodPressure>& cuffs, const RecordOptions& o) {
  std::map<core::TimePoint, VitalsRow> rows;
  auto row = [&](core::TimePoint t, const std::string& reason) -> VitalsRow& {
    auto& r = rows[t];
    r.time = t;
    if (r.reason.empty())
      r.reason = reason;
    else if (r.reason.find(reason) == std::string::npos)
      r.reason += "; " + reason;
    return r;
  };
  const auto start = rec.started ? rec.started->time : rec.from;
  const auto stop = rec.stopped ? rec.stopped->time : rec.to;
  const auto every = [&](core::Duration d) {
    return "every " + std::to_string(std::chrono::duration_cast<std::chrono::minutes>(d).count()) + " min";
  };
  // Before the start, counted back from it, so one row falls on the start.
  for (auto t = start - o.after_cadence; t >= rec.from; t -= o.after_cadence) row(t, every(o.after_cadence));
  for (auto t = start; t < stop && t <= rec.to; t += o.during_cadence) row(t, every(o.during_cadence));
  for (auto t = stop; t <= rec.to; t += o.after_cadence) row(t, every(o.after_cadence));
  for (const auto& bp : cuffs) {
    auto& r = row(bp.time, "NIBP");
    r.values[Metric::nibp_systolic] = bp.systolic;
    r.values[Metric::nibp_diastolic] = bp.diastolic;
    if (bp.mean) r.values[Metric::nibp_mean] = *bp.mean;
  }
  for (const auto& a : rec.alarms)
    if (a.raised) row(*a.raised, "alarm: " + a.condition);
  (void)j;
  std::vector<VitalsRow> v;
  for (auto& [t, r] : rows) {
    for (Metric m : kStreamed)
      if (auto x = value_at(j.readings, m, t)) r.values[m] = *x;
    v.push_back(std::move(r));
  }
  return v;
}

std::vector<AlarmStory> alarm_stories(const Journalled& j) {
  std::vector<AlarmStory> v;
  std::map<std::string, std::size_t> index;
  const auto rank = [](const std::string& p) {
    return p == "HIGH" ? 3 : p == "MEDIUM" ? 2 : p == "LOW" ? 1 : 0;
  };
  for (const auto& a : j.alarms) {
    auto [it, fresh] = index.try_emplace(a.alarm_id(), v.size());
    if (fresh) {
      AlarmStory s;
      s.alarm_id = a.alarm_id();
      s.condition = a.condition();
      s.technical = a.kind() == v1::TECHNICAL;
      s.onset = wire::from_proto(a.onset().seconds() || a.onset().nanos() ? a.onset() : a.time());
      v.push_back(s);
    }
    auto& s = v[it->second];
    const auto t = wire::from_proto(a.time());
    const std::string priority = v1::Priority_Name(a.priority());
    if (rank(priority) > rank(s.priority)) s.priority = priority;
    switch (a.transition()) {
      case v1::RAISED:
        s.raised = t;
        s.message = a.message();
        s.metric = core::metric_from_code(a.mdc_code());
        s.value = a.value();
        break;
      case v1::ACKNOWLEDGED:
        if (!s.acknowledged) {
          s.acknowledged = t;
          s.acknowledged_by = a.actor();
        }
        break;
      case v1::CLEARED:
        s.cleared = t;
        break;
      case v1::ESCALATED:
        s.steps.push_back({t, "escalated to " + priority, a.actor()});
        break;
      case v1::AUDIO_PAUSED:
        s.steps.push_back({t, "audio paused", a.actor()});
        break;
      case v1::RESET:
        s.steps.push_back({t, "reset", a.actor()});
        break;
      case v1::RESTORED:
        s.steps.push_back({t, "restored after a restart of vigild", ""});
        if (!s.raised && s.message.empty()) s.message = a.message();
        break;
      default:
        break;
    }
  }
  return v;
}

std::optional<Peak> peak_of(const std::vector<Reading>& readings, Metric m, double baseline,
                            core::TimePoint from, core::TimePoint to) {
  std::optional<Peak> p;
  for (const auto& x : readings)
    if (x.metric == m && x.time >= from && x.time <= to && (!p || x.value > p->value))
      p = Peak{m, baseline, x.value, x.time};
  return p;
}

Response response_to_drug(const InfusionRecord& rec, const Journalled& j,
                          const std::vector<BloodPressure>& cuffs) {
  Response r;
  if (!rec.started) return r;
  const auto start = rec.started->time;
  const auto end = rec.discharged ? rec.discharged->time : rec.to;
  const auto base = rec.baseline ? rec.baseline->values : std::map<Metric, double>{};
  if (base.count(Metric::nibp_systolic) && base.count(Metric::nibp_diastolic)) {
    const double sys0 = base.at(Metric::nibp_systolic), dia0 = base.at(Metric::nibp_diastolic);
    r.systolic = peak_of(j.readings, Metric::nibp_systolic, sys0, start, end);
    r.diastolic = peak_of(j.readings, Metric::nibp_diastolic, dia0, start, end);
    if (r.systolic) {
      r.time_to_peak = r.systolic->time - start;
      for (const auto& bp : cuffs)
        if (bp.time == r.systolic->time) r.highest = bp;
      for (const auto& bp : cuffs)
        if (bp.time > r.systolic->time && std::abs(bp.systolic - sys0) <= 0.1 * sys0 &&
            std::abs(bp.diastolic - dia0) <= 0.1 * dia0) {
          r.back_within_10_percent = bp.time - start;
          break;
        }
    }
  }
  for (Metric m : {Metric::heart_rate, Metric::pulse_rate}) {
    if (!base.count(m)) continue;
    r.heart_rate = peak_of(j.readings, m, base.at(m), start, end);
    if (r.heart_rate) break;
  }
  const Reading* previous = nullptr;
  for (const auto& x : j.readings) {
    if (x.metric != Metric::spo2 || x.time < start || x.time > end) continue;
    if (!r.lowest_spo2 || x.value < *r.lowest_spo2) {
      r.lowest_spo2 = x.value;
      r.lowest_spo2_time = x.time;
    }
    if (previous && previous->value < 90) r.spo2_below_90 += std::min(x.time - previous->time, kGap);
    previous = &x;
  }
  return r;
}

std::vector<NoData> no_data(const InfusionRecord& rec, const Journalled& j) {
  std::vector<NoData> v;
  if (!rec.started) return v;
  const auto start = rec.started->time;
  const auto end = rec.discharged ? rec.discharged->time : rec.to;
  for (Metric m : kStreamed) {
    bool seen = false;
    for (const auto& x : j.readings) seen = seen || x.metric == m;
    if (!seen && m != Metric::spo2) continue;  // a vital this bed does not measure at all
    core::Duration total{};
    auto last = start;
    for (const auto& x : j.readings) {
      if (x.metric != m || x.time < start || x.time > end) continue;
      if (x.time - last > kGap) total += x.time - last;
      last = x.time;
    }
    if (end - last > kGap) total += end - last;
    v.push_back({m, total});
  }
  return v;
}

std::vector<Checkpoint> checkpoints(const InfusionRecord& rec, const std::vector<BloodPressure>& cuffs,
                                    const RecordOptions& o) {
  std::vector<Checkpoint> v;
  if (!rec.started) return v;
  for (const auto& rule : o.checkpoints) {
    Checkpoint c;
    c.name = rule.name;
    const bool from_discharge = rule.from == CheckpointRule::From::discharge;
    if (from_discharge && !rec.discharged) {
      c.reached = false;
      c.target = rec.to;
    } else {
      c.target = (from_discharge ? rec.discharged->time : rec.started->time) + rule.offset;
      c.reached = c.target <= rec.to;
    }
    for (const auto& bp : cuffs) {
      const auto d = bp.time > c.target ? bp.time - c.target : c.target - bp.time;
      if (d > o.tolerance || !c.reached) continue;
      const auto best = c.measurement ? (c.measurement->time > c.target ? c.measurement->time - c.target
                                                                        : c.target - c.measurement->time)
                                      : core::Duration::max();
      if (d < best) c.measurement = bp;
    }
    v.push_back(c);
  }
  return v;
}

std::vector<Series> plotted(const Journalled& j) {
  std::map<Metric, Series> by_metric;
  for (const auto& x : j.readings) {
    if (x.metric != Metric::spo2 && x.metric != Metric::pulse_rate && x.metric != Metric::heart_rate &&
        x.metric != Metric::nibp_systolic && x.metric != Metric::nibp_diastolic)
      continue;
    auto& s = by_metric[x.metric];
    s.metric = x.metric;
    s.points.emplace_back(x.time, x.value);
  }
  std::vector<Series> v;
  for (auto& [m, s] : by_metric) v.push_back(std::move(s));
  return v;
}

template <class T, class F>
core::Result<T> with_journal(const std::string& path, F&& f) {
  try {
    daemon::sqlite::Database db{path, daemon::sqlite::Database::Mode::read_only};
    db.exec("PRAGMA busy_timeout = 5000");
    if (daemon::journal_version(db) == 0) return core::Error{path + " is not a vigil journal"};
    return f(db);
  } catch (const daemon::sqlite::Error& e) {
    return core::Error{"journal " + path + ": " + e.what(), "", core::ErrorCode::unavailable};
  }
}

}  // namespace

core::Result<InfusionRecord> build_record(daemon::sqlite::Database& db, std::int64_t session,
                                          const RecordOptions& o, core::TimePoint now) {
  daemon::JournalReader reader{db};
  const auto s = reader.session(session);
  if (!s)
    return core::Error{"no session " + std::to_string(session) + " in the journal", "session",
                       core::ErrorCode::not_found};
  if (s->kind != "infusion") {
    std::string infusions;
    for (const auto& x : reader.sessions(s->bed))
      if (x.kind == "infusion" && x.started >= s->started && (!s->ended || x.started <= *s->ended))
        infusions += (infusions.empty() ? "" : ", ") + std::to_string(x.id);
    return core::Error{"session " + std::to_string(session) + " is the admission of " + s->patient_id +
                           " to " + s->bed + ", not an infusion; " +
                           (infusions.empty() ? "it has no infusion" : "its infusion sessions: " + infusions),
                       "session", core::ErrorCode::not_found};
  }
  InfusionRecord rec;
  rec.session_id = s->id;
  rec.bed = s->bed;
  rec.patient_id = s->patient_id;
  rec.generated = now;
  const auto admission = admission_around(reader, *s);
  if (admission) rec.admission_id = admission->id;
  rec.from = admission ? admission->started : s->started;
  rec.to = admission && admission->ended ? *admission->ended : !admission && s->ended ? *s->ended : now;
  rec.provisional = !s->ended || !admission || !admission->ended;
  // One millisecond past the end, so the discharge itself is read.
  const auto j = read_span(reader, rec.bed, rec.from, rec.to + 1ms);
  rec.drill = j.drill;

  if (const auto* c = first_context(j, "admitted", rec.from)) rec.admitted = step_of(*c);
  if (const auto* c = first_context(j, "infusion_started", s->started)) rec.started = step_of(*c);
  if (!rec.started) rec.started = SessionStep{s->started, s->started_by, s->details};
  if (s->ended) {
    if (const auto* c = first_context(j, "infusion_stopped", *s->ended)) rec.stopped = step_of(*c);
    if (!rec.stopped) rec.stopped = SessionStep{*s->ended, s->ended_by, ""};
  }
  if (admission && admission->ended)
    if (const auto* c = first_context(j, "discharged", *admission->ended)) rec.discharged = step_of(*c);
  if (const auto* c = first_context(j, "infusion_started", s->started)) rec.drug = c->new_value();
  if (const auto cmd = find_command(db, rec.bed, "start_infusion", rec.started->time, 5s)) {
    rec.drug = cmd->request.start_infusion().drug().empty() ? rec.drug : cmd->request.start_infusion().drug();
    rec.regimen = cmd->request.start_infusion().regimen();
    if (cmd->request.start_infusion().has_dose()) {
      const auto dose = wire::from_proto(cmd->request.start_infusion().dose());
      if (!dose.problem()) rec.dose = dose;  // vigild refused any other; one edited in the file is left out
    }
  }
  if (const auto* c = first_context(j, "baseline", rec.started->time)) {
    Baseline b;
    b.time = wire::from_proto(c->time());
    b.text = c->message();
    b.values = parse_baseline_values(c->new_value());
    const auto open = b.text.find('(');
    const auto close = b.text.find(',', open);
    b.source = open != std::string::npos && close != std::string::npos
                   ? b.text.substr(open + 1, close - open - 1)
                   : "measured";
    if (b.values.empty()) b.source = "unavailable";
    rec.baseline = b;
  }

  const auto cuffs = cuff_readings(j.readings);
  rec.alarms = alarm_stories(j);
  rec.vitals = vitals_table(rec, j, cuffs, o);
  rec.checkpoints = checkpoints(rec, cuffs, o);
  rec.response = response_to_drug(rec, j, cuffs);
  rec.no_data = no_data(rec, j);
  rec.series = plotted(j);
  if (rec.dose)
    rec.cumulative_mg = rec.dose->given_mg((rec.stopped ? rec.stopped->time : rec.to) - rec.started->time);
  rec.monitored = (rec.discharged ? rec.discharged->time : rec.to) - rec.started->time;
  return rec;
}

core::Result<InfusionRecord> build_record(const std::string& journal, std::int64_t session,
                                          const RecordOptions& options, core::TimePoint now) {
  return with_journal<InfusionRecord>(
      journal, [&](daemon::sqlite::Database& db) { return build_record(db, session, options, now); });
}

core::Result<std::vector<SessionSummary>> list_sessions(const std::string& journal, const std::string& bed) {
  return with_journal<std::vector<SessionSummary>>(
      journal, [&](daemon::sqlite::Database& db) -> core::Result<std::vector<SessionSummary>> {
        daemon::JournalReader reader{db};
        std::vector<SessionSummary> v;
        for (const auto& s : reader.sessions(bed))
          if (s.kind == "infusion") v.push_back({s, admission_around(reader, s)});
        return v;
      });
}

core::Result<std::int64_t> last_session(const std::string& journal, const std::string& bed) {
  auto sessions = list_sessions(journal, bed);
  if (!sessions) return sessions.failure();
  if (sessions->empty())
    return core::Error{"no infusion session on " + bed + " in the journal", "bed",
                       core::ErrorCode::not_found};
  return sessions->back().infusion.id;
}

}  // namespace vigil::record
