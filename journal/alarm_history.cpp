#include "journal/alarm_history.hpp"

#include <algorithm>
#include <optional>

#include "journal/journal_reader.hpp"
#include "journal/patient_merges.hpp"
#include "wire/timestamp.hpp"

namespace vigil::journal {
namespace v1 = vigil::v1;
namespace {

// Where the next page starts: below this alarm in (first time, alarm id) order.
struct Cursor {
  std::int64_t first_us = 0;
  std::string alarm_id;
};

std::string page_token(const Cursor& c) {
  return std::to_string(c.first_us) + "/" + c.alarm_id;
}

std::optional<Cursor> parse_token(const std::string& token) {
  const auto slash = token.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == token.size()) return std::nullopt;
  Cursor c;
  try {
    std::size_t used = 0;
    c.first_us = std::stoll(token.substr(0, slash), &used);
    if (used != slash) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  c.alarm_id = token.substr(slash + 1);
  return c;
}

std::optional<std::int64_t> micros(const v1::AlarmHistoryQuery& q, bool from) {
  const bool set = from ? q.has_from() : q.has_to();
  if (!set) return std::nullopt;
  return to_micros(wire::from_proto(from ? q.from() : q.to()));
}

bool ends(const v1::AlarmEvent& a) {
  return a.transition() == v1::RESET || (a.transition() == v1::CLEARED && !a.latched());
}

// One alarm's entry from its transitions, oldest first.
v1::AlarmHistoryEntry entry_of(std::vector<v1::AlarmEvent> transitions) {
  v1::AlarmHistoryEntry e;
  const auto& first = transitions.front();
  e.set_alarm_id(first.alarm_id());
  e.set_bed(first.bed());
  e.set_condition(first.condition());
  e.set_kind(first.kind());
  e.set_message(first.message());
  *e.mutable_onset() = first.onset();
  *e.mutable_raised() = first.time();
  e.set_drill(first.drill());
  v1::Priority highest = v1::PRIORITY_UNSPECIFIED;
  for (const auto& a : transitions) {
    highest = std::max(highest, a.priority());
    if (a.transition() == v1::ACKNOWLEDGED && !e.has_acknowledged()) {
      *e.mutable_acknowledged() = a.time();
      e.set_acknowledged_by(a.actor());
    }
    if (ends(a)) *e.mutable_ended() = a.time();
  }
  e.set_priority(highest);
  for (auto& a : transitions) *e.add_transitions() = std::move(a);
  return e;
}

bool matches(const v1::AlarmHistoryEntry& e, const v1::AlarmHistoryQuery& q) {
  if (q.kind() != v1::ALARM_KIND_UNSPECIFIED && e.kind() != q.kind()) return false;
  if (q.unacknowledged() && e.has_acknowledged()) return false;
  if (q.priority_size() > 0 &&
      std::find(q.priority().begin(), q.priority().end(), e.priority()) == q.priority().end())
    return false;
  return true;
}

// The patient admitted to the bed at `t`, from the journal's sessions: the
// id the admission was opened under, and the id that patient has now.
void set_patient(v1::AlarmHistoryEntry& e, sqlite::Statement& patients, const PatientMerges& merges,
                 std::int64_t t_us) {
  patients.reset();
  patients.bind(1, e.bed()).bind(2, t_us);
  if (!patients.step()) return;
  e.set_patient_id(patients.text(0));
  e.set_patient_id_now(merges.current(patients.text(0), from_micros(patients.integer(1))));
}

}  // namespace

core::Result<v1::AlarmHistoryPage> alarm_history(sqlite::Database& db, const v1::AlarmHistoryQuery& q) {
  if (q.max() > kHistoryPageMax)
    return core::Error::at("max", "at most " + std::to_string(kHistoryPageMax) + " alarms a page");
  const std::size_t max = q.max() == 0 ? kHistoryPageDefault : q.max();
  std::optional<Cursor> after;
  if (!q.page().empty()) {
    after = parse_token(q.page());
    if (!after) return core::Error::at("page", "'" + q.page() + "' is not a next_page this vigild gave");
  }
  // Each alarm once, by its first journalled transition, newest first.
  auto alarms = db.prepare(
      "SELECT alarm_id, bed, MIN(time_us) AS first FROM alarm_transitions "
      "WHERE (?1 = '' OR bed = ?1) GROUP BY alarm_id "
      "HAVING (?2 IS NULL OR first >= ?2) AND (?3 IS NULL OR first < ?3) "
      "AND (?4 IS NULL OR first < ?4 OR (first = ?4 AND alarm_id < ?5)) "
      "ORDER BY first DESC, alarm_id DESC");
  alarms.bind(1, q.bed())
      .bind(2, micros(q, true))
      .bind(3, micros(q, false))
      .bind(4, after ? std::optional{after->first_us} : std::nullopt)
      .bind(5, after ? after->alarm_id : std::string{});
  auto transitions =
      db.prepare("SELECT event FROM alarm_transitions WHERE alarm_id = ?1 ORDER BY time_us, seq");
  auto patients = db.prepare(
      "SELECT patient_id, started_us FROM sessions WHERE bed = ?1 AND kind = 'patient' AND started_us <= ?2 "
      "AND (ended_us IS NULL OR ended_us > ?2) ORDER BY started_us DESC LIMIT 1");
  const auto merges = PatientMerges::read(db);
  v1::AlarmHistoryPage page;
  std::size_t scanned = 0;
  Cursor last;
  bool more = false;
  while (alarms.step()) {
    if (static_cast<std::size_t>(page.alarms_size()) >= max || scanned >= kHistoryScanMax) {
      more = true;
      break;
    }
    ++scanned;
    last = {alarms.integer(2), alarms.text(0)};
    transitions.reset();
    transitions.bind(1, last.alarm_id);
    std::vector<v1::AlarmEvent> events;
    while (transitions.step()) {
      v1::BusMessage m;
      if (m.ParseFromString(transitions.blob(0)) && m.has_alarm()) events.push_back(m.alarm());
    }
    if (events.empty()) continue;
    auto e = entry_of(std::move(events));
    if (!matches(e, q)) continue;
    set_patient(e, patients, merges, last.first_us);
    *page.add_alarms() = std::move(e);
  }
  if (more) page.set_next_page(page_token(last));
  return page;
}

}  // namespace vigil::journal
