#include "journal/journal_reader.hpp"

#include <algorithm>

#include "journal/bus_messages.hpp"
#include "journal/patient_merges.hpp"

namespace vigil::journal {
namespace v1 = vigil::v1;
namespace {

core::Quality quality_from(std::int64_t bits) {
  core::Quality q;
  q.bits = static_cast<std::uint16_t>(bits);
  return q;
}

// The FROM and WHERE clauses shared by every table's part of a MessageQuery;
// ?1 bed, ?2/?3 sequence bounds, ?4/?5 time bounds, and any condition of the
// table's own. Without statistics SQLite walks the bed's sequence index (it
// gives the order) through every message the bed ever had, hour after hour
// of a long read; a time-bounded query reads only its span, through the
// table's time index, and sorts that.
std::string from_where(const std::string& table, const char* time_column, const MessageQuery& q,
                       const std::string& also = "") {
  std::string sql = " FROM " + table;
  if (q.from || q.to) sql += " INDEXED BY " + table + "_by_time";
  sql += " WHERE bed = ?1 AND seq > ?2 AND (?3 = 0 OR seq < ?3)";
  if (q.from) sql += std::string{" AND "} + time_column + " >= ?4";
  if (q.to) sql += std::string{" AND "} + time_column + " < ?5";
  return sql + also + " ORDER BY seq LIMIT ?6";
}

// The codes are numbers, written into the statement: no text of a caller's reaches it.
std::string metric_condition(const std::set<std::uint32_t>& codes) {
  if (codes.empty()) return "";
  std::string in;
  for (const auto c : codes) in += (in.empty() ? "" : ", ") + std::to_string(c);
  return " AND mdc_code IN (" + in + ")";
}

void bind_query(sqlite::Statement& s, const MessageQuery& q) {
  s.bind(1, q.bed)
      .bind(2, static_cast<std::int64_t>(q.after_seq))
      .bind(3, static_cast<std::int64_t>(q.before_seq))
      .bind(4, q.from ? std::optional{to_micros(*q.from)} : std::nullopt)
      .bind(5, q.to ? std::optional{to_micros(*q.to)} : std::nullopt)
      .bind(6, static_cast<std::int64_t>(q.max));
}

bool wanted(const MessageQuery& q, const char* kind) {
  return q.kinds.empty() || q.kinds.count(kind) > 0;
}

template <class F>
void for_each_observation(sqlite::Database& db, const MessageQuery& q, F&& f) {
  auto s = db.prepare(
      std::string{"SELECT seq, device, mdc_code, value, quality, device_time_us, received_us, drill"} +
      from_where("observations", "received_us", q, metric_condition(q.mdc_codes)));
  bind_query(s, q);
  while (s.step()) {
    const auto metric = core::metric_from_code(static_cast<std::uint32_t>(s.integer(2)));
    if (!metric) continue;  // a metric a later vigild added: not ours to show
    core::Observation o;
    o.bed = q.bed;
    o.seq = static_cast<std::uint64_t>(s.integer(0));
    o.device = s.text(1);
    o.reading.metric = *metric;
    o.reading.value = s.real(3);
    o.reading.quality = quality_from(s.integer(4));
    if (!s.is_null(5)) o.reading.device_time = from_micros(s.integer(5));
    o.received = from_micros(s.integer(6));
    f(o, s.integer(7) != 0);
  }
}

void read_observations(sqlite::Database& db, const MessageQuery& q, std::vector<v1::BusMessage>& out) {
  for_each_observation(db, q, [&](const core::Observation& o, bool drill) {
    v1::BusMessage m;
    *m.mutable_observation() = to_proto(o, drill);
    out.push_back(std::move(m));
  });
}

void read_blobs(sqlite::Database& db, const char* table, const MessageQuery& q,
                std::vector<v1::BusMessage>& out) {
  auto s = db.prepare("SELECT event" + from_where(table, "time_us", q));
  bind_query(s, q);
  while (s.step()) {
    v1::BusMessage m;
    if (m.ParseFromString(s.blob(0))) out.push_back(std::move(m));
  }
}

SessionRecord session_from(const sqlite::Statement& s) {
  SessionRecord r;
  r.id = s.integer(0);
  r.bed = s.text(1);
  r.kind = s.text(2);
  r.patient_id = s.text(3);
  r.started = from_micros(s.integer(4));
  r.started_by = s.text(5);
  if (!s.is_null(6)) r.ended = from_micros(s.integer(6));
  r.ended_by = s.text(7);
  r.details = s.text(8);
  return r;
}

constexpr const char* kSessionColumns =
    "SELECT id, bed, kind, patient_id, started_us, started_by, ended_us, ended_by, details FROM sessions ";

}  // namespace

std::int64_t to_micros(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

core::TimePoint from_micros(std::int64_t us) {
  return core::TimePoint{std::chrono::duration_cast<core::Duration>(std::chrono::microseconds{us})};
}

std::map<std::string, std::uint64_t> JournalReader::seq_reserved() {
  std::map<std::string, std::uint64_t> m;
  auto s = db_.prepare("SELECT bed, seq_reserved FROM streams");
  while (s.step()) m[s.text(0)] = static_cast<std::uint64_t>(s.integer(1));
  // Durable messages carry their numbers too: never continue below one of them.
  auto j = db_.prepare(
      "SELECT bed, MAX(seq) FROM (SELECT bed, seq FROM alarm_transitions UNION ALL "
      "SELECT bed, seq FROM context_events) GROUP BY bed");
  while (j.step()) {
    auto& v = m[j.text(0)];
    v = std::max(v, static_cast<std::uint64_t>(j.integer(1)));
  }
  return m;
}

std::optional<v1::journal::BedState> JournalReader::bed_state(const std::string& bed) {
  auto s = db_.prepare("SELECT state FROM bed_state WHERE bed = ?1");
  s.bind(1, bed);
  if (!s.step()) return std::nullopt;
  v1::journal::BedState state;
  if (!state.ParseFromString(s.blob(0))) return std::nullopt;
  return state;
}

std::vector<core::Observation> JournalReader::readings_since(const std::string& bed, core::TimePoint since) {
  MessageQuery q;
  q.bed = bed;
  q.from = since;
  q.max = 1000000;
  std::vector<core::Observation> out;
  for_each_observation(db_, q, [&](const core::Observation& o, bool) { out.push_back(o); });
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.received < b.received; });
  return out;
}

std::optional<core::TimePoint> JournalReader::last_cuff(const std::string& bed) {
  auto s = db_.prepare(
      "SELECT MAX(COALESCE(device_time_us, received_us)) FROM observations "
      "WHERE bed = ?1 AND mdc_code IN (150021, 150022, 150023) AND quality & 23 = 0");
  s.bind(1, bed);
  if (!s.step() || s.is_null(0)) return std::nullopt;
  return from_micros(s.integer(0));
}

std::vector<v1::BusMessage> JournalReader::messages(const MessageQuery& q) {
  std::vector<v1::BusMessage> out;
  if (wanted(q, "obs")) read_observations(db_, q, out);
  if (wanted(q, "alarm")) read_blobs(db_, "alarm_transitions", q, out);
  if (wanted(q, "ctx")) read_blobs(db_, "context_events", q, out);
  if (wanted(q, "link")) read_blobs(db_, "link_events", q, out);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return seq_of(a) < seq_of(b); });
  if (out.size() > q.max) out.resize(q.max);
  return out;
}

std::uint64_t JournalReader::last_journalled_seq(const std::string& bed) {
  auto s = db_.prepare(
      "SELECT MAX(m) FROM (SELECT MAX(seq) AS m FROM observations WHERE bed = ?1 UNION ALL "
      "SELECT MAX(seq) FROM alarm_transitions WHERE bed = ?1 UNION ALL "
      "SELECT MAX(seq) FROM context_events WHERE bed = ?1 UNION ALL "
      "SELECT MAX(seq) FROM link_events WHERE bed = ?1)");
  s.bind(1, bed);
  return s.step() && !s.is_null(0) ? static_cast<std::uint64_t>(s.integer(0)) : 0;
}

std::optional<RunRecord> JournalReader::last_run() {
  auto s = db_.prepare("SELECT id, daemon_id, started_us, stopped_us FROM runs ORDER BY id DESC LIMIT 1");
  if (!s.step()) return std::nullopt;
  RunRecord r{s.integer(0), s.text(1), from_micros(s.integer(2)), std::nullopt};
  if (!s.is_null(3)) r.stopped = from_micros(s.integer(3));
  return r;
}

std::vector<SessionRecord> JournalReader::sessions(const std::string& bed) {
  auto s = db_.prepare(std::string{kSessionColumns} + "WHERE ?1 = '' OR bed = ?1 ORDER BY started_us, id");
  s.bind(1, bed);
  std::vector<SessionRecord> v;
  const auto merges = PatientMerges::read(db_);
  while (s.step()) {
    v.push_back(session_from(s));
    v.back().patient_now = merges.current(v.back().patient_id, v.back().started);
  }
  return v;
}

std::optional<SessionRecord> JournalReader::session(std::int64_t id) {
  auto s = db_.prepare(std::string{kSessionColumns} + "WHERE id = ?1");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  auto r = session_from(s);
  r.patient_now = PatientMerges::read(db_).current(r.patient_id, r.started);
  return r;
}

}  // namespace vigil::journal
