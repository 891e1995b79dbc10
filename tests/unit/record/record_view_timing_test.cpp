// How long vigild's history reader takes to answer the station's record view
// for a patient with many earlier visits: the station's reply timeout for a
// record (station/reply_timeouts.hpp) is chosen from it. A measurement, not a
// check of speed, so it is skipped in CI; run it with
//   build/tests/test_record -tc='*50 visits*' --no-skip
#include <doctest/doctest.h>
#include <time.h>

#include <chrono>
#include <string>

#include "record/record_view.hpp"
#include "tests/unit/record/morning_journal.hpp"
#include "tests/unit/record/ward_sessions.hpp"

using namespace vigil;
using test::at;
namespace v1 = vigil::v1;

TEST_CASE("the record and the session list of a patient back for 50 visits, timed" * doctest::skip()) {
  constexpr int kVisits = 50;
  test::TempDir dir;
  const auto path = dir.file("journal.db");
  std::uint64_t seq = 0;
  // One run of the journal per visit, as vigild's restarts would: its close
  // writes every queued reading, so none is shed at the writer's bound.
  for (int v = 0; v < kVisits; ++v) {
    const auto week = std::chrono::hours{24 * 7 * v};
    journal::JournalOptions o;
    o.path = path;
    journal::Journal j{o, [](const journal::JournalWriterReport&) {}};
    REQUIRE(j.open("d", test::T0 + week));
    test::Writer w{j, seq};
    test::Morning::visit(w, week, true, true, {160, 95});
    j.close(at(91) + week);
    REQUIRE(j.readings_shed() == 0);
    seq = w.seq;
  }
  journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_only};
  // Wall time, and this thread's CPU time: the machine may be shared.
  double cpu_ms = 0;
  auto cpu_now = [] {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  };
  auto time = [&](auto&& f) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_now();
    f();
    cpu_ms = cpu_now() - cpu_start;
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  v1::SessionListQuery by_patient;
  by_patient.set_patient_id("PAT-5");
  int listed = 0;
  const double list_ms = time([&] {
    auto list = record::session_list(db, by_patient);
    REQUIRE(list.ok());
    listed = list->sessions_size();
  });
  CHECK(listed == kVisits);
  for (const bool newest : {true, false, true}) {  // the newest twice: a cold and a warm cache
    v1::SessionListQuery q;
    auto list = record::session_list(db, q);
    REQUIRE(list.ok());
    v1::RecordQuery rq;
    rq.set_session(list->sessions(newest ? 0 : list->sessions_size() - 1).session());
    std::size_t bytes = 0;
    const double ms = time([&] {
      auto page = record::record_page(db, rq, {}, at(0) + std::chrono::hours{24 * 7 * kVisits});
      REQUIRE(page.ok());
      bytes = page->ByteSizeLong();
    });
    MESSAGE(std::string{newest ? "newest" : "first"}, " visit's record: ", ms, " ms (", cpu_ms, " ms CPU), ",
            bytes, " bytes");
  }
  MESSAGE("the patient's ", listed, " sessions listed: ", list_ms, " ms");
}

// The session list of a ward's journal after a year: `vigil-ctl sessions`
// and the station's list over every bed. A measurement, skipped in CI; run
//   build/tests/test_record -tc='*ward*year*' --no-skip
TEST_CASE("the session list of 8 beds after a year of visits, timed" * doctest::skip()) {
  constexpr int kBeds = 8, kVisits = 365;
  test::TempDir dir;
  const auto path = dir.file("journal.db");
  {
    journal::JournalOptions o;
    o.path = path;
    journal::Journal j{o, [](const journal::JournalWriterReport&) {}};
    REQUIRE(j.open("d", test::T0));
    test::WardSessions{j}.visits(kBeds, kVisits);
    j.close(test::T0 + std::chrono::hours{3 * kVisits + 1});
  }
  journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_only};
  for (const std::string bed : {"", "bed-3"}) {
    std::size_t listed = 0;
    const auto start = std::chrono::steady_clock::now();
    v1::SessionListQuery q;
    q.set_bed(bed);
    auto list = record::session_list(db, q);
    REQUIRE(list.ok());
    listed = static_cast<std::size_t>(list->sessions_size());
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    MESSAGE((bed.empty() ? std::string{"every bed"} : bed), ": ", listed, " sessions listed in ", ms, " ms");
  }
}
