#include "journal/bed_writes.hpp"

#include "journal/bus_messages.hpp"
#include "journal/journal_reader.hpp"

namespace vigil::journal {
namespace v1 = vigil::v1;
namespace {

std::string who(const v1::ContextEvent& c) {
  return c.actor() + (c.station().empty() ? "" : " at " + c.station());
}

}  // namespace

BedStatements::BedStatements(sqlite::Database& db)
    : alarm_{db.prepare(
          "INSERT INTO alarm_transitions (bed, seq, time_us, alarm_id, condition, transition, "
          "priority, kind, active, latched, acknowledged, actor, value, limit_value, message, event) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)")},
      context_{db.prepare(
          "INSERT INTO context_events (bed, seq, time_us, what, patient_id, actor, station, message, "
          "old_value, new_value, event) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")},
      session_start_{
          db.prepare("INSERT INTO sessions (bed, kind, patient_id, started_us, started_by, details) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")},
      session_end_{db.prepare("UPDATE sessions SET ended_us = ?3, ended_by = ?4 "
                              "WHERE bed = ?1 AND kind = ?2 AND ended_us IS NULL")},
      state_{db.prepare(
          "INSERT INTO bed_state (bed, updated_us, state) VALUES (?1, ?2, ?3) "
          "ON CONFLICT (bed) DO UPDATE SET updated_us = excluded.updated_us, state = excluded.state")},
      merge_{db.prepare("INSERT INTO patient_merges (time_us, bed, old_id, new_id, actor, station) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")} {}

void BedStatements::insert_message(const std::string& bed, const v1::BusMessage& m) {
  m.SerializeToString(&buffer_);
  if (m.has_alarm()) {
    const auto& a = m.alarm();
    alarm_.bind(1, bed)
        .bind(2, static_cast<std::int64_t>(a.seq()))
        .bind(3, to_micros(from_proto(a.time())))
        .bind(4, a.alarm_id())
        .bind(5, a.condition())
        .bind(6, v1::AlarmTransition_Name(a.transition()))
        .bind(7, v1::Priority_Name(a.priority()))
        .bind(8, v1::AlarmKind_Name(a.kind()))
        .bind(9, std::int64_t{a.active()})
        .bind(10, std::int64_t{a.latched()})
        .bind(11, std::int64_t{a.acknowledged()})
        .bind(12, a.actor())
        .bind(13, a.value())
        .bind(14, a.limit())
        .bind(15, a.message())
        .bind_blob(16, buffer_);
    alarm_.run();
  } else if (m.has_context()) {
    const auto& c = m.context();
    const auto time = to_micros(from_proto(c.time()));
    context_.bind(1, bed)
        .bind(2, static_cast<std::int64_t>(c.seq()))
        .bind(3, time)
        .bind(4, c.what())
        .bind(5, c.patient_id())
        .bind(6, c.actor())
        .bind(7, c.station())
        .bind(8, c.message())
        .bind(9, c.old_value())
        .bind(10, c.new_value())
        .bind_blob(11, buffer_);
    context_.run();
    const bool starts = c.what() == "admitted" || c.what() == "infusion_started";
    const bool ends = c.what() == "discharged" || c.what() == "infusion_stopped";
    const char* kind = c.what() == "admitted" || c.what() == "discharged" ? "patient" : "infusion";
    if (starts || ends) {
      // A new admission of the same bed (the same patient, admitted again) ends the one before.
      session_end_.bind(1, bed).bind(2, kind).bind(3, time).bind(4, who(c));
      session_end_.run();
    }
    // A new id for the patient (ADT^A40): the sessions keep the id they
    // were opened under, and readers follow this row to the new one.
    if (c.what() == "patient_updated" && !c.old_value().empty() && !c.new_value().empty() &&
        c.old_value() != c.new_value()) {
      merge_.bind(1, time)
          .bind(2, bed)
          .bind(3, c.old_value())
          .bind(4, c.new_value())
          .bind(5, c.actor())
          .bind(6, c.station());
      merge_.run();
    }
    if (starts) {
      session_start_.bind(1, bed)
          .bind(2, kind)
          .bind(3, c.patient_id())
          .bind(4, time)
          .bind(5, who(c))
          .bind(6, c.message());
      session_start_.run();
    }
  }
}

void BedStatements::insert_state(const std::string& bed, const v1::journal::BedState& state,
                                 std::int64_t time_us) {
  state.SerializeToString(&buffer_);
  state_.bind(1, bed).bind(2, time_us).bind_blob(3, buffer_);
  state_.run();
}

}  // namespace vigil::journal
