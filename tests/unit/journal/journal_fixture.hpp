// What the journal's tests share: a fixed start time, a journal in a temp
// folder flushed often and committing alarm transitions at once (so a test
// waits milliseconds, not the real 500 ms and 20 ms),
// a bed's saved state with only what the journal itself looks at, and a
// number read back from the journal's file.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "journal/journal.hpp"
#include "journal/sqlite_database.hpp"
#include "tests/unit/temp_dir.hpp"
#include "vigil/v1/journal.pb.h"

namespace vigil::test::journal_fixture {

inline const core::TimePoint T0 = core::TimePoint{std::chrono::hours{24 * 365 * 56}};

inline journal::JournalOptions options(const TempDir& dir) {
  journal::JournalOptions o;
  o.path = dir.file("journal.db");
  o.flush_interval = std::chrono::milliseconds{50};
  o.bed_delay = std::chrono::milliseconds{0};
  return o;
}

// A journal as a run of vigild leaves it, for a writer of the test's own.
inline void create_journal(const TempDir& dir) {
  journal::Journal created{options(dir), [](const journal::JournalWriterReport&) {}};
  if (!created.open("d0", T0))
    throw std::runtime_error{"cannot create the test journal: " + created.problem()};
  created.close(T0);
}

inline v1::journal::BedState state(const std::string& bed, const std::string& patient) {
  v1::journal::BedState s;
  s.set_bed(bed);
  s.set_patient_id(patient);
  return s;
}

// One number the journal file at `path` answers to `sql`, read as another
// process reads it (its own read-only connection).
inline std::int64_t journal_scalar(const std::string& path, const std::string& sql) {
  journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_only};
  return db.scalar(sql);
}

}  // namespace vigil::test::journal_fixture
