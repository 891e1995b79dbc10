#pragma once
// The record's signing tests' journal: written as vigild writes it (with a
// 30-day retention), signed as vigild signs (sealed on a read-only
// connection, then journalled), and pruned in the writer's background.
#include <doctest/doctest.h>

#include <mutex>
#include <thread>

#include "record/record_signing.hpp"
#include "tests/unit/record/morning_journal.hpp"

namespace vigil::test {

inline const auto kTenYears = std::chrono::duration_cast<core::Duration>(std::chrono::years{10});

struct Signing {
  journal::Journal journal;
  std::mutex mutex;
  journal::JournalWriterReport last;

  explicit Signing(const std::string& path)
      : journal{options(path), [this](const journal::JournalWriterReport& r) {
                  std::lock_guard lock{mutex};
                  last = r;
                }} {
    REQUIRE(journal.open("d2", at(100)));
  }
  static journal::JournalOptions options(const std::string& path) {
    journal::JournalOptions o;
    o.path = path;
    o.flush_interval = 20ms;
    o.retention = std::chrono::hours{24 * 30};
    return o;
  }

  // What vigild does: seal on a read-only connection, then write the signature.
  core::Result<journal::RecordSignature> sign(const std::string& path, std::int64_t session,
                                              std::int64_t amendment, const std::string& who,
                                              core::TimePoint now) {
    journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_only};
    auto sealed = record::seal(db, session, amendment, {}, now);
    if (!sealed) return sealed.failure();
    journal::RecordSignature s{0,
                               session,
                               amendment,
                               now,
                               who,
                               "nurse",
                               "station-1",
                               sealed->content,
                               sealed->sha256,
                               now + kTenYears};
    auto written = journal.write_signature(s, sealed->kept);
    if (!written) return written.failure();
    s.id = written.value();
    return s;
  }
};

inline std::int64_t count(const std::string& path, const std::string& sql) {
  journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_only};
  return db.scalar(sql);
}

// The writer prunes in the background; waits (at most 10 s) until `done` holds.
inline bool wait_for(const std::string& path, const std::string& sql, std::int64_t value) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (count(path, sql) == value) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace vigil::test
