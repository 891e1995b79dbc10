#pragma once
// The journal's schema and its migrations. A journal records the version it
// was brought to in schema_version, one row per migration applied; opening
// an older journal applies the missing migrations in order, each in its own
// transaction, so a journal written by any earlier vigild stays readable.
// Times are microseconds since the Unix epoch (UTC) in *_us columns.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "journal/sqlite_database.hpp"

namespace vigil::journal {

struct JournalMigration {
  int version;
  const char* description;
  const char* sql;
};

std::span<const JournalMigration> journal_migrations();
int journal_schema_version();  // the newest version this vigild writes

// Brings the journal to the newest version; returns the version it found.
// Throws sqlite::Error when the file is not a journal or was written by a
// newer vigild (whose schema this one cannot know).
int migrate_journal(sqlite::Database& db);
// Brings it only as far as `version` (tests of migrations).
int migrate_journal(sqlite::Database& db, int version);

int journal_version(sqlite::Database& db);

// How each connection to a journal is set up. WAL lets readers (replay,
// export) run beside the writers; `synchronous_full` makes every commit
// reach the disk before it returns, while without it a commit only survives
// a crash of vigild until the log is fsync'd (vigild's journal writer does
// that once per flush interval).
struct JournalConnection {
  bool synchronous_full = true;
  bool checkpoints = true;     // this connection folds the WAL back into the file
  std::int64_t max_pages = 0;  // cap on the file's size in pages; 0: none
  std::int64_t cache_kib = 0;  // bound on this connection's page cache; 0: SQLite's (2 MB)
  std::chrono::milliseconds busy_timeout{5000};
  // For a connection on the alarm path: a busy write lock (another
  // connection's commit, a few hundred microseconds) is tried again every
  // few tens of microseconds at first, where SQLite's busy_timeout would
  // first sleep a whole millisecond. Gives up after busy_timeout all the same.
  bool prompt_retry = false;
};
void configure_journal_connection(sqlite::Database& db, const JournalConnection& c);

// What a person can do about a failure ("; free space on its disk ..."), or "".
std::string journal_advice(const std::exception& e);

}  // namespace vigil::journal
