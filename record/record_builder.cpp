#include "record/record_builder.hpp"

#include <algorithm>
#include <map>

#include "journal/journal_schema.hpp"
#include "record/alarm_history.hpp"
#include "record/baseline_text.hpp"
#include "record/bp_limits.hpp"
#include "record/command_log.hpp"
#include "record/discharge_check.hpp"
#include "record/drug_response.hpp"
#include "record/infusion_course.hpp"
#include "record/journal_span.hpp"
#include "record/record_signing.hpp"
#include "record/session_admissions.hpp"
#include "record/signed_content.hpp"
#include "record/vital_signs.hpp"
#include "wire/dose.hpp"
#include "wire/timestamp.hpp"

namespace vigil::record {
namespace v1 = vigil::v1;
using namespace std::chrono_literals;

namespace {

std::string who(const v1::ContextEvent& c) {
  return c.actor() + (c.station().empty() ? "" : " at " + c.station());
}

const v1::ContextEvent* first_context(const JournalSpan& j, const std::string& what,
                                      core::TimePoint at_or_after) {
  for (const auto& c : j.context)
    if (c.what() == what && wire::from_proto(c.time()) >= at_or_after) return &c;
  return nullptr;
}

core::TimePoint latest(const JournalSpan& j) {
  core::TimePoint t{};
  if (!j.readings.empty()) t = std::max(t, j.readings.back().time);
  for (const auto& a : j.alarms) t = std::max(t, wire::from_proto(a.time()));
  for (const auto& c : j.context) t = std::max(t, wire::from_proto(c.time()));
  return t;
}

// When the bed's oldest context event in the journal is later than `from`,
// retention has pruned the record's start: the event that opened its
// session is gone.
std::optional<core::TimePoint> pruned_before(journal::sqlite::Database& db, const std::string& bed,
                                             core::TimePoint from, core::TimePoint to) {
  auto q = db.prepare("SELECT MIN(time_us) FROM context_events WHERE bed = ?1");
  q.bind(1, bed);
  if (!q.step() || q.is_null(0)) return to;
  const auto oldest = journal::from_micros(q.integer(0));
  if (oldest > from) return oldest;
  return std::nullopt;
}

// A `baseline` context event: its source is the first word in its text's
// brackets ("baseline (entered, set by ...): ...").
Baseline baseline_of(const v1::ContextEvent& c) {
  Baseline b;
  b.time = wire::from_proto(c.time());
  b.text = c.message();
  b.by = who(c);
  b.values = parse_baseline_values(c.new_value());
  const auto open = b.text.find('(');
  const auto close = b.text.find(',', open);
  b.source = open != std::string::npos && close != std::string::npos
                 ? b.text.substr(open + 1, close - open - 1)
                 : "measured";
  if (b.values.empty()) b.source = "unavailable";
  return b;
}

SessionStep step_of(const v1::ContextEvent& c) {
  return {wire::from_proto(c.time()), who(c), c.message()};
}

template <class T, class F>
core::Result<T> with_journal(const std::string& path, F&& f) {
  try {
    journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_only};
    db.exec("PRAGMA busy_timeout = 5000");
    if (journal::journal_version(db) == 0) return core::Error{path + " is not a vigil journal"};
    return f(db);
  } catch (const journal::sqlite::Error& e) {
    return core::Error{"journal " + path + ": " + e.what(), "", core::ErrorCode::unavailable};
  }
}

}  // namespace

core::Result<InfusionRecord> build_record(journal::sqlite::Database& db, std::int64_t session,
                                          const RecordOptions& o, core::TimePoint now) {
  RecordConfig c;
  c.defaults = o;
  return build_record(db, session, c, now);
}

namespace {

// A session's record as far as both the whole record and the across-sessions
// view need it: its span and steps (admission, start, stop, discharge), the
// drug as entered and the baseline; with the span it was read from.
struct Opened {
  InfusionRecord rec;
  JournalSpan j;
  std::optional<journal::SessionRecord> admission;
};

Opened open_infusion(journal::sqlite::Database& db, const SessionSummary& summary, core::TimePoint now,
                     const SpanContent& content);

core::Result<Opened> open_session(journal::sqlite::Database& db, std::int64_t session, core::TimePoint now,
                                  const SpanContent& content) {
  journal::JournalReader reader{db};
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
  return open_infusion(db, {*s, admission_around(reader.sessions(s->bed), *s)}, now, content);
}

// An infusion session whose admission is known (list_sessions sweeps a
// bed's admissions once for all its infusions).
Opened open_infusion(journal::sqlite::Database& db, const SessionSummary& summary, core::TimePoint now,
                     const SpanContent& content) {
  journal::JournalReader reader{db};
  const auto* s = &summary.infusion;
  Opened opened;
  InfusionRecord& rec = opened.rec;
  rec.session_id = s->id;
  rec.bed = s->bed;
  // The patient's id now, through any merge (ADT^A40) since the session began.
  rec.patient_id = s->patient_now;
  if (rec.patient_id != s->patient_id) rec.admitted_as = s->patient_id;
  rec.generated = now;
  const auto& admission = opened.admission = summary.admission;
  if (admission) rec.admission_id = admission->id;
  rec.from = admission ? admission->started : s->started;
  const bool open_end = !(admission && admission->ended) && !(!admission && s->ended);
  rec.to = admission && admission->ended ? *admission->ended : !admission && s->ended ? *s->ended : now;
  rec.provisional = !s->ended || !admission || !admission->ended;
  // One millisecond past the end, so the discharge itself is read. A
  // drill's clock runs ahead of the wall clock: an open record reaches as
  // far as the journal does.
  const auto& j = opened.j =
      read_span(reader, rec.bed, rec.from, open_end ? now + 24h : rec.to + 1ms, content);
  if (open_end) rec.to = std::max(now, latest(j));

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
  // The start's baseline, then each one staff set since, replacing it.
  for (const auto& c : j.context) {
    const auto t = wire::from_proto(c.time());
    if (c.what() == "infusion_started" && t > rec.started->time) break;  // the admission's next infusion
    if (c.what() != "baseline" || t < rec.started->time) continue;
    if (rec.baseline) rec.replaced_baselines.push_back(*rec.baseline);
    rec.baseline = baseline_of(c);
  }
  return opened;
}

core::Result<InfusionRecord> build_one(journal::sqlite::Database& db, std::int64_t session,
                                       const RecordConfig& config, core::TimePoint now) {
  auto opened = open_session(db, session, now, {});
  if (!opened) return opened.failure();
  InfusionRecord& rec = opened->rec;
  const JournalSpan& j = opened->j;
  rec.drill = j.drill;
  rec.pruned_before = pruned_before(db, rec.bed, rec.from, rec.to);

  if (const auto* c = first_context(j, "admitted", rec.from)) {
    rec.admitted = step_of(*c);
    rec.profile = c->new_value();
    if (const auto cmd = find_command(db, rec.bed, "admit", rec.admitted->time, 5s)) {
      rec.patient_name = cmd->request.admit().patient_name();
      rec.birth_date = cmd->request.admit().birth_date();
    }
  }
  // A08 and A40 change the name, the date of birth or the id after the
  // admission; the record shows them as they are now and lists each change.
  for (const auto& c : j.context) {
    if (c.what() != "patient_updated") continue;
    rec.identity_changes.push_back(step_of(c));
    if (const auto cmd = find_command(db, rec.bed, "update_patient", wire::from_proto(c.time()), 1s)) {
      const auto& u = cmd->request.update_patient();
      if (!u.patient_name().empty()) rec.patient_name = u.patient_name();
      if (!u.birth_date().empty()) rec.birth_date = u.birth_date();
    }
  }
  rec.clinic = config.clinic;
  const RecordOptions& o = config.for_profile(rec.profile);

  const auto cuffs = cuff_readings(j.readings);
  rec.alarms = alarm_stories(j);
  rec.vitals = vitals_table(rec, j, cuffs, o);
  rec.checkpoints = checkpoints(rec, cuffs, o);
  rec.response = response_to_drug(rec, j, cuffs);
  rec.bp_limits = bp_limits(rec, j);
  rec.no_data = no_data(rec, j);
  rec.series = plotted(j);
  const auto infusion_end = rec.stopped ? rec.stopped->time : rec.to;
  rec.changes = infusion_changes(j, rec.started->time, infusion_end);
  rec.entries = staff_entries(j, rec.from, rec.to);
  if (rec.dose) rec.cumulative_mg = cumulative_mg(*rec.dose, rec.started->time, infusion_end, rec.changes);
  rec.monitored = (rec.discharged ? rec.discharged->time : rec.to) - rec.started->time;
  rec.discharge_check = discharge_check(rec, j, cuffs, o);
  return std::move(opened->rec);
}

}  // namespace

SessionResponse response_of(const InfusionRecord& r) {
  SessionResponse x;
  x.session_id = r.session_id;
  x.bed = r.bed;
  x.started = r.started ? r.started->time : r.from;
  if (r.dose && r.dose->unit == "mg/kg")
    x.dose_mg_per_kg = r.dose->amount;
  else if (r.dose && r.dose->weight_kg > 0)
    x.dose_mg_per_kg = r.dose->total_mg() / r.dose->weight_kg;
  x.systolic = r.response.systolic;
  x.diastolic = r.response.diastolic;
  x.heart_rate = r.response.heart_rate;
  return x;
}

// An earlier session in the across-sessions view: as signed when it was
// (a signed record is final, and its content outlives the readings), else
// from the journal, reading only what its row shows: the steps, the dose, the
// baseline and the readings of the peaks (the same open_session and
// response_to_drug as the whole record). Without alarms and other metrics an
// open session's end may come out earlier than the whole record's, but never
// before any reading read, so its peaks are the same.
std::optional<SessionResponse> earlier_response(journal::sqlite::Database& db, const SessionSummary& session,
                                                core::TimePoint now) {
  const auto id = session.infusion.id;
  if (const auto s = journal::record_signature(db, id); s && sha256_hex(s->content) == s->sha256)
    if (const auto signed_record = record_from_content(s->content)) return response_of(signed_record.value());
  using core::Metric;
  const SpanContent peaks{
      {Metric::nibp_systolic, Metric::nibp_diastolic, Metric::heart_rate, Metric::pulse_rate}, false};
  auto opened = open_infusion(db, session, now, peaks);
  opened.rec.response = response_to_drug(opened.rec, opened.j, cuff_readings(opened.j.readings));
  return response_of(opened.rec);
}

std::optional<SessionResponse> earlier_response(journal::sqlite::Database& db, std::int64_t session,
                                                core::TimePoint now) {
  journal::JournalReader reader{db};
  const auto s = reader.session(session);
  if (!s || s->kind != "infusion") return std::nullopt;
  return earlier_response(db, {*s, admission_around(reader.sessions(s->bed), *s)}, now);
}

std::vector<SessionResponse> earlier_responses(journal::sqlite::Database& db, const InfusionRecord& rec,
                                               core::TimePoint now) {
  std::vector<SessionResponse> rows;
  // The journal's sessions read once, each bed's admissions swept once.
  for (const auto& s : list_sessions(db))
    if (s.infusion.patient_now == rec.patient_id && s.infusion.id != rec.session_id &&
        s.infusion.started < rec.started->time)
      if (auto row = earlier_response(db, s, now)) rows.push_back(*row);
  return rows;
}

core::Result<InfusionRecord> record_from_journal(journal::sqlite::Database& db, std::int64_t session,
                                                 const RecordConfig& config, core::TimePoint now) {
  auto built = build_one(db, session, config, now);
  if (!built) return built;
  InfusionRecord& rec = built.value();
  rec.signatures = journal::signatures_of(db, session);
  rec.amendments = journal::amendments_of(db, session);
  if (rec.patient_id.empty()) {
    rec.content_matches_signature = still_as_signed(rec);
    return built;
  }
  rec.across_sessions = earlier_responses(db, rec, now);
  std::sort(rec.across_sessions.begin(), rec.across_sessions.end(),
            [](const auto& a, const auto& b) { return a.started < b.started; });
  rec.across_sessions.push_back(response_of(rec));
  rec.across_sessions.back().this_session = true;
  rec.content_matches_signature = still_as_signed(rec);
  return built;
}

core::Result<InfusionRecord> build_record(journal::sqlite::Database& db, std::int64_t session,
                                          const RecordConfig& config, core::TimePoint now) {
  auto built = record_from_journal(db, session, config, now);
  if (!built || built->content_matches_signature) return built;
  for (const auto& s : built->signatures) {
    // An altered stored content is not drawn: the page says the journal no
    // longer matches, and verify says the content no longer hashes.
    if (s.amendment != 0 || sha256_hex(s.content) != s.sha256) continue;
    auto drawn = record_from_content(s.content);
    if (!drawn) break;
    drawn->generated = now;
    drawn->signatures = std::move(built->signatures);
    drawn->amendments = std::move(built->amendments);
    drawn->from_signed_content = true;
    return drawn;
  }
  return built;
}

core::Result<InfusionRecord> build_record(const std::string& journal, std::int64_t session,
                                          const RecordOptions& options, core::TimePoint now) {
  return with_journal<InfusionRecord>(
      journal, [&](journal::sqlite::Database& db) { return build_record(db, session, options, now); });
}

core::Result<InfusionRecord> build_record(const std::string& journal, std::int64_t session,
                                          const RecordConfig& config, core::TimePoint now) {
  return with_journal<InfusionRecord>(
      journal, [&](journal::sqlite::Database& db) { return build_record(db, session, config, now); });
}

std::vector<SessionSummary> list_sessions(journal::sqlite::Database& db, const std::string& bed) {
  const auto sessions = journal::JournalReader{db}.sessions(bed);
  std::map<std::string, std::vector<journal::SessionRecord>> admissions;
  for (const auto& s : sessions)
    if (s.kind == "patient") admissions[s.bed].push_back(s);
  std::map<std::string, AdmissionSweep> sweeps;
  for (auto& [b, a] : admissions) sweeps.emplace(b, std::move(a));
  // Oldest first, so each bed's sweep is asked in start order.
  std::vector<SessionSummary> v;
  for (const auto& s : sessions) {
    if (s.kind != "infusion") continue;
    const auto sweep = sweeps.find(s.bed);
    v.push_back({s, sweep == sweeps.end() ? std::nullopt : sweep->second.around(s.started)});
  }
  return v;
}

core::Result<std::vector<SessionSummary>> list_sessions(const std::string& journal, const std::string& bed) {
  return with_journal<std::vector<SessionSummary>>(
      journal, [&](journal::sqlite::Database& db) -> core::Result<std::vector<SessionSummary>> {
        return list_sessions(db, bed);
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
