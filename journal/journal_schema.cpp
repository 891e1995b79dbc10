#include "journal/journal_schema.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

namespace vigil::journal {
namespace {

// Never edit a migration that has shipped: add the next one.
constexpr JournalMigration kMigrations[] = {
    {1, "readings, alarm transitions, context and link events, commands, sessions", R"sql(
-- Every reading as published, one row each (written in batches).
CREATE TABLE observations (
  id INTEGER PRIMARY KEY,
  bed TEXT NOT NULL,
  seq INTEGER NOT NULL,            -- the bed stream's sequence number
  device TEXT NOT NULL,
  mdc_code INTEGER NOT NULL,       -- IEEE 11073-10101
  value REAL NOT NULL,
  quality INTEGER NOT NULL,        -- bits: 1 invalid, 2 artifact, 4 sensor off, 8 low perfusion, 16 questionable
  device_time_us INTEGER,          -- when the device says it measured, if it says
  received_us INTEGER NOT NULL,
  drill INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX observations_by_seq ON observations (bed, seq);
CREATE INDEX observations_by_time ON observations (bed, received_us);

-- Every alarm transition, written before it is published.
CREATE TABLE alarm_transitions (
  id INTEGER PRIMARY KEY,
  bed TEXT NOT NULL,
  seq INTEGER NOT NULL,
  time_us INTEGER NOT NULL,
  alarm_id TEXT NOT NULL,
  condition TEXT NOT NULL,
  transition TEXT NOT NULL,        -- RAISED, ACKNOWLEDGED, CLEARED, ...
  priority TEXT NOT NULL,
  kind TEXT NOT NULL,
  active INTEGER NOT NULL,
  latched INTEGER NOT NULL,
  acknowledged INTEGER NOT NULL,
  actor TEXT NOT NULL,
  value REAL NOT NULL,
  limit_value REAL NOT NULL,
  message TEXT NOT NULL,
  event BLOB NOT NULL              -- the vigil.v1.BusMessage as published
);
CREATE INDEX alarm_transitions_by_seq ON alarm_transitions (bed, seq);
CREATE INDEX alarm_transitions_by_time ON alarm_transitions (bed, time_us);
CREATE INDEX alarm_transitions_by_alarm ON alarm_transitions (alarm_id);

-- Admissions, limit changes, infusions, baselines: written before they are published.
CREATE TABLE context_events (
  id INTEGER PRIMARY KEY,
  bed TEXT NOT NULL,
  seq INTEGER NOT NULL,
  time_us INTEGER NOT NULL,
  what TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  station TEXT NOT NULL,
  message TEXT NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL,
  event BLOB NOT NULL
);
CREATE INDEX context_events_by_seq ON context_events (bed, seq);
CREATE INDEX context_events_by_time ON context_events (bed, time_us);

-- Device link changes (written in batches with the readings).
CREATE TABLE link_events (
  id INTEGER PRIMARY KEY,
  bed TEXT NOT NULL,
  seq INTEGER NOT NULL,
  time_us INTEGER NOT NULL,
  device TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT NOT NULL,
  event BLOB NOT NULL
);
CREATE INDEX link_events_by_seq ON link_events (bed, seq);
CREATE INDEX link_events_by_time ON link_events (bed, time_us);

-- Every command with its author and result, written before the reply.
CREATE TABLE commands (
  id INTEGER PRIMARY KEY,
  time_us INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  station TEXT NOT NULL,
  command TEXT NOT NULL,           -- admit, acknowledge, ...
  bed TEXT NOT NULL,
  request TEXT NOT NULL,           -- the CommandRequest as JSON
  ok INTEGER NOT NULL,
  result TEXT NOT NULL,            -- what changed, or the error
  error_field TEXT NOT NULL
);
CREATE INDEX commands_by_time ON commands (time_us);

-- A patient's stay in a bed, and each infusion within it.
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  bed TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('patient', 'infusion')),
  patient_id TEXT NOT NULL,
  started_us INTEGER NOT NULL,
  started_by TEXT NOT NULL,
  ended_us INTEGER,
  ended_by TEXT,
  details TEXT NOT NULL            -- profile; drug, regimen and baseline
);
CREATE INDEX sessions_by_bed ON sessions (bed, started_us);
)sql"},
    {2, "bed state, stream sequence reservations and daemon runs, for recovery after a restart", R"sql(
-- Each bed's state after its last alarm transition or context change
-- (a vigil.v1.journal.BedState), read back when vigild starts.
CREATE TABLE bed_state (
  bed TEXT PRIMARY KEY,
  updated_us INTEGER NOT NULL,
  state BLOB NOT NULL
);

-- No message of a bed's stream was published with a number above
-- seq_reserved; a restarted vigild continues above it.
CREATE TABLE streams (
  bed TEXT PRIMARY KEY,
  seq_reserved INTEGER NOT NULL
);

-- Each start of vigild; stopped_us stays empty when it did not stop cleanly.
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  daemon_id TEXT NOT NULL,
  started_us INTEGER NOT NULL,
  stopped_us INTEGER
);
)sql"},
    {3, "signed infusion records and their amendments, kept for a retention of their own", R"sql(
-- A signature of an infusion session's record (amendment 0) or of one of
-- its amendments: the content as signed (the record's canonical JSON, or
-- the amendment's), its SHA-256 and who signed when. Never updated.
CREATE TABLE record_signatures (
  id INTEGER PRIMARY KEY,
  session INTEGER NOT NULL,        -- sessions.id of the infusion
  amendment INTEGER NOT NULL,      -- record_amendments.id; 0: the record itself
  signed_us INTEGER NOT NULL,
  signer TEXT NOT NULL,            -- the command's actor
  role TEXT NOT NULL,              -- the signing key's role ("nurse", "admin"), or how it came in
  station TEXT NOT NULL,
  content TEXT NOT NULL,
  sha256 TEXT NOT NULL,            -- of content, lower-case hex
  keep_until_us INTEGER NOT NULL,  -- the signed record's retention ends here
  UNIQUE (session, amendment)
);

-- Corrections to a signed record, appended; the record itself is not changed.
CREATE TABLE record_amendments (
  id INTEGER PRIMARY KEY,
  session INTEGER NOT NULL,
  time_us INTEGER NOT NULL,
  author TEXT NOT NULL,
  station TEXT NOT NULL,
  what TEXT NOT NULL,
  why TEXT NOT NULL,
  keep_until_us INTEGER NOT NULL   -- as its record's
);
CREATE INDEX record_amendments_by_session ON record_amendments (session);

-- A signed session's rows (the infusion and the admission around it) are
-- kept until then, whatever retention_days says.
ALTER TABLE sessions ADD COLUMN keep_until_us INTEGER;
)sql"},
    {4, "patient id merges (ADT^A40), which readers follow from a session's id to the current one", R"sql(
-- A patient's id replaced by another, written in the transaction of the
-- patient_updated context event. Sessions keep the id they were opened
-- under; readers follow old_id to new_id. Never updated, never pruned (a
-- row per merge; a chain cut by pruning would split a patient's sessions).
CREATE TABLE patient_merges (
  id INTEGER PRIMARY KEY,
  time_us INTEGER NOT NULL,
  bed TEXT NOT NULL,
  old_id TEXT NOT NULL,
  new_id TEXT NOT NULL,
  actor TEXT NOT NULL,             -- "ADT", or the staff member's name
  station TEXT NOT NULL            -- "HL7 ADT^A40 from EPIC^HOSP (MSH-10 M7b)"
);
CREATE INDEX patient_merges_by_old ON patient_merges (old_id);
)sql"},
};

bool table_exists(sqlite::Database& db, const char* name) {
  auto s = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  s.bind(1, name);
  return s.step();
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::span<const JournalMigration> journal_migrations() {
  return kMigrations;
}
int journal_schema_version() {
  return kMigrations[std::size(kMigrations) - 1].version;
}

int journal_version(sqlite::Database& db) {
  if (!table_exists(db, "schema_version")) return 0;
  return static_cast<int>(db.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
}

namespace {
// SQLite calls this while another connection holds the write lock: a short
// sleep for the first 200 tries (a few milliseconds in all), then one
// millisecond at a time until the busy timeout.
int retry_promptly(void* timeout_ms, int tries) {
  constexpr int kPrompt = 200;
  const auto limit = reinterpret_cast<std::intptr_t>(timeout_ms);
  if (tries < kPrompt) {
    std::this_thread::sleep_for(std::chrono::microseconds{20});
    return 1;
  }
  if (tries - kPrompt >= limit) return 0;
  std::this_thread::sleep_for(std::chrono::milliseconds{1});
  return 1;
}
}  // namespace

void configure_journal_connection(sqlite::Database& db, const JournalConnection& c) {
  db.exec("PRAGMA busy_timeout = " + std::to_string(c.busy_timeout.count()));
  // Reading the mode back is the first access to the file: a corrupt one fails here.
  const std::string mode = db.scalar_text("PRAGMA journal_mode = WAL");
  if (mode != "wal")
    throw sqlite::Error{SQLITE_CANTOPEN,
                        db.path() + ": cannot use write-ahead logging (journal mode " + mode + ")"};
  db.exec(c.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  db.exec(c.checkpoints ? "PRAGMA wal_autocheckpoint = 1000" : "PRAGMA wal_autocheckpoint = 0");
  if (c.max_pages > 0) db.exec("PRAGMA max_page_count = " + std::to_string(c.max_pages));
  if (c.cache_kib > 0) db.exec("PRAGMA cache_size = -" + std::to_string(c.cache_kib));
  if (c.prompt_retry) {
    // Replaces the busy timeout set above; the limit travels as the argument.
    static_assert(sizeof(void*) >= sizeof(std::intptr_t));
    const auto give_up_after = static_cast<std::intptr_t>(c.busy_timeout.count());
    sqlite3_busy_handler(db.handle(), &retry_promptly, reinterpret_cast<void*>(give_up_after));
  }
}

std::string journal_advice(const std::exception& e) {
  const auto* s = dynamic_cast<const sqlite::Error*>(&e);
  if (!s) return "";
  if (s->corrupt())
    return "; move the file aside (vigild then starts a new journal) and keep it for inspection";
  if (s->disk_full()) return "; free space on its disk, or lower retention_days or raise journal_max_mb";
  return "";
}

int migrate_journal(sqlite::Database& db) {
  return migrate_journal(db, journal_schema_version());
}

int migrate_journal(sqlite::Database& db, int version) {
  // Reading the schema is the first thing to fail on a file that is not a database.
  const auto tables = db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'");
  const int found = journal_version(db);
  if (found == 0 && tables > 0)
    throw sqlite::Error{SQLITE_NOTADB,
                        db.path() + " is an SQLite database but not a vigil journal (no schema_version)"};
  if (found > journal_schema_version())
    throw sqlite::Error{SQLITE_CANTOPEN, db.path() + " has journal schema version " + std::to_string(found) +
                                             ", newer than this vigild knows (" +
                                             std::to_string(journal_schema_version()) + ")"};
  for (const auto& m : kMigrations) {
    if (m.version <= found || m.version > version) continue;
    sqlite::Transaction t{db};
    // Created with the first migration, so a crash never leaves a version table without a schema.
    if (!table_exists(db, "schema_version"))
      db.exec(
          "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_us INTEGER NOT NULL, "
          "description TEXT NOT NULL)");
    db.exec(m.sql);
    auto s = db.prepare("INSERT INTO schema_version (version, applied_us, description) VALUES (?1, ?2, ?3)");
    s.bind(1, std::int64_t{m.version}).bind(2, now_us()).bind(3, m.description).run();
    t.commit();
  }
  return found;
}

}  // namespace vigil::journal
