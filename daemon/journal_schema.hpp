#pragma once
// The journal's schema and its migrations. A journal records the version it
// was brought to in schema_version, one row per migration applied; opening
// an older journal applies the missing migrations in order, each in its own
// transaction, so a journal written by any earlier vigild stays readable.
// Times are microseconds since the Unix epoch (UTC) in *_us columns.
#include <span>

#include "daemon/sqlite_database.hpp"

namespace vigil::daemon {

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

}  // namespace vigil::daemon
