#pragma once
// Queries on a journal: what a restart needs back (sequence reservations,
// bed states, recent readings), replay of a bed's stream by sequence number,
// and time ranges for export. Works on any connection, the daemon's own or a
// read-only one opened by a tool while vigild runs.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/observation.hpp"
#include "journal/sqlite_database.hpp"
#include "vigil/v1/bus.pb.h"
#include "vigil/v1/journal.pb.h"

namespace vigil::journal {

// Which of a bed's journalled messages to read. Bounds are exclusive for
// sequence numbers and half-open [from, to) for times; zero means unbounded.
struct MessageQuery {
  std::string bed;
  std::uint64_t after_seq = 0;
  std::uint64_t before_seq = 0;
  std::optional<core::TimePoint> from{};
  std::optional<core::TimePoint> to{};
  std::size_t max = 1000;
  std::set<std::string> kinds{};        // topic kinds: obs, alarm, ctx, link; empty: all
  std::set<std::uint32_t> mdc_codes{};  // readings of these metrics only; empty: all
};

struct RunRecord {
  std::int64_t id = 0;
  std::string daemon_id;
  core::TimePoint started{};
  std::optional<core::TimePoint> stopped;  // empty: it did not stop cleanly
};

struct SessionRecord {
  std::int64_t id = 0;
  std::string bed;
  std::string kind;        // patient, infusion
  std::string patient_id;  // as the session was opened: rows keep the id they were written under
  // The id the patient has now, through every merge (ADT^A40) of it since the
  // session began (PatientMerges::current); patient_id when none.
  std::string patient_now;
  core::TimePoint started{};
  std::string started_by;
  std::optional<core::TimePoint> ended;
  std::string ended_by;
  std::string details;
};

class JournalReader {
 public:
  explicit JournalReader(sqlite::Database& db) : db_{db} {}

  std::map<std::string, std::uint64_t> seq_reserved();
  std::optional<vigil::v1::journal::BedState> bed_state(const std::string& bed);
  // Readings of the bed received at or after `since`, oldest first.
  std::vector<core::Observation> readings_since(const std::string& bed, core::TimePoint since);
  // When the last cuff (NIBP) reading of the bed was measured.
  std::optional<core::TimePoint> last_cuff(const std::string& bed);
  // The bed's messages in sequence order, as they were published.
  std::vector<vigil::v1::BusMessage> messages(const MessageQuery& q);
  // The highest sequence number journalled for the bed (0: none).
  std::uint64_t last_journalled_seq(const std::string& bed);
  std::optional<RunRecord> last_run();
  // Sessions of one bed (every bed when empty), oldest first.
  std::vector<SessionRecord> sessions(const std::string& bed = "");
  std::optional<SessionRecord> session(std::int64_t id);

 private:
  sqlite::Database& db_;
};

std::int64_t to_micros(core::TimePoint t);
core::TimePoint from_micros(std::int64_t us);

}  // namespace vigil::journal
