#include "journal/journal_schema.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "tests/unit/temp_dir.hpp"

using namespace vigil;
using namespace vigil::journal;

namespace {

bool has_table(sqlite::Database& db, const std::string& name) {
  auto s = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  s.bind(1, name);
  return s.step();
}

}  // namespace

TEST_CASE("A new journal gets every table and records the schema version it was brought to") {
  test::TempDir dir;
  sqlite::Database db{dir.file("journal.db"), sqlite::Database::Mode::read_write_create};
  CHECK(migrate_journal(db) == 0);
  CHECK(journal_version(db) == journal_schema_version());
  for (const char* t :
       {"observations", "alarm_transitions", "context_events", "link_events", "commands", "sessions"})
    CHECK_MESSAGE(has_table(db, t), t);
  CHECK(db.scalar("SELECT COUNT(*) FROM schema_version") ==
        static_cast<std::int64_t>(journal_migrations().size()));
}

TEST_CASE("Opening a journal at the current version changes nothing") {
  test::TempDir dir;
  {
    sqlite::Database db{dir.file("journal.db"), sqlite::Database::Mode::read_write_create};
    migrate_journal(db);
    db.exec(
        "INSERT INTO commands (time_us, request_id, actor, station, command, bed, request, ok, result, "
        "error_field) VALUES (1, 'r1', 'nurse', 's', 'admit', 'bed-1', '{}', 1, 'ok', '')");
  }
  sqlite::Database db{dir.file("journal.db"), sqlite::Database::Mode::read_write_create};
  CHECK(migrate_journal(db) == journal_schema_version());
  CHECK(db.scalar("SELECT COUNT(*) FROM commands") == 1);
}

TEST_CASE("A journal written by a newer vigild is refused, not guessed at") {
  test::TempDir dir;
  sqlite::Database db{dir.file("journal.db"), sqlite::Database::Mode::read_write_create};
  migrate_journal(db);
  db.exec("INSERT INTO schema_version VALUES (999, 0, 'from the future')");
  CHECK_THROWS_WITH_AS(migrate_journal(db), doctest::Contains("newer than this vigild knows"), sqlite::Error);
}

TEST_CASE("An SQLite file that is not a journal is refused") {
  test::TempDir dir;
  sqlite::Database db{dir.file("other.db"), sqlite::Database::Mode::read_write_create};
  db.exec("CREATE TABLE recipes (name TEXT)");
  CHECK_THROWS_WITH_AS(migrate_journal(db), doctest::Contains("not a vigil journal"), sqlite::Error);
}

TEST_CASE("A file of garbage is reported as corrupt") {
  test::TempDir dir;
  {
    std::ofstream f{dir.file("journal.db"), std::ios::binary};
    for (int i = 0; i < 2000; ++i) f << "this is not a database ";
  }
  sqlite::Database db{dir.file("journal.db"), sqlite::Database::Mode::read_write_create};
  try {
    migrate_journal(db);
    FAIL("a garbage file was accepted as a journal");
  } catch (const sqlite::Error& e) {
    CHECK(e.corrupt());
    CHECK(std::string{e.what()}.find("not a database") != std::string::npos);
  }
}

TEST_CASE("A connection given a page cache bound keeps to it; without one it has SQLite's 2 MB") {
  test::TempDir dir;
  sqlite::Database bounded{dir.file("journal.db"), sqlite::Database::Mode::read_write_create};
  configure_journal_connection(bounded, {.synchronous_full = false, .cache_kib = 256});
  CHECK(bounded.scalar("PRAGMA cache_size") == -256);
  sqlite::Database plain{dir.file("journal.db"), sqlite::Database::Mode::read_write_create};
  configure_journal_connection(plain, {.synchronous_full = false});
  CHECK(plain.scalar("PRAGMA cache_size") == -2000);
}
