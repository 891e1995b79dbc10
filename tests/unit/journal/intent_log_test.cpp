// The intent log on a real file: a record read back as written, a record cut
// short or damaged at the end (what a crash or a power cut leaves), and the
// journal putting into SQLite what the log holds and SQLite lacks, once,
// before anything is restored, with the log kept small.
#include "journal/intent_log.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <thread>

#include "journal/bus_messages.hpp"
#include "journal/core_writes.hpp"
#include "journal/journal.hpp"
#include "journal/journal_writer.hpp"
#include "tests/unit/journal/journal_fixture.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace vigil;
using namespace vigil::journal;
using namespace vigil::test::journal_fixture;
using namespace std::chrono_literals;
namespace v1 = vigil::v1;

namespace {

v1::BusMessage raised(const std::string& bed, std::uint64_t seq, core::TimePoint time) {
  v1::BusMessage m;
  auto* a = m.mutable_alarm();
  a->set_bed(bed);
  a->set_alarm_id(bed + ":desaturation:" + std::to_string(seq));
  a->set_condition("desaturation");
  a->set_transition(v1::RAISED);
  a->set_priority(v1::HIGH);
  a->set_kind(v1::PHYSIOLOGICAL);
  a->set_active(true);
  a->set_message("Severe desaturation: SpO₂ 80 % (limit < 85 %)");
  a->set_seq(seq);
  set_time(a->mutable_time(), time);
  return m;
}

v1::BusMessage context(const std::string& bed, std::uint64_t seq, const std::string& what,
                       const std::string& patient, core::TimePoint time) {
  v1::BusMessage m;
  auto* c = m.mutable_context();
  c->set_bed(bed);
  c->set_what(what);
  c->set_patient_id(patient);
  c->set_actor("nurse Ana");
  c->set_seq(seq);
  set_time(c->mutable_time(), time);
  return m;
}

v1::BusMessage admitted(const std::string& bed, std::uint64_t seq, core::TimePoint time) {
  return context(bed, seq, "admitted", "PAT-1", time);
}

// Says when the writer has pruned and written again (retention freed room).
struct PruneWatch {
  std::mutex mutex;
  std::condition_variable cv;
  bool pruned = false;
  JournalWriter::Report callback() {
    return [this](const JournalWriterReport& r) {
      std::lock_guard lock{mutex};
      pruned = pruned || (r.rows_pruned > 0 && r.ok);
      cv.notify_all();
    };
  }
  bool wait() {
    std::unique_lock lock{mutex};
    return cv.wait_for(lock, 5s, [&] { return pruned; });
  }
};

// A journal capped at 256 kB, open, and filled with alarms two months old
// (so retention frees their room) until SQLite refused one; seq is the last.
struct FullJournal {
  test::TempDir dir;
  PruneWatch watch;
  JournalOptions o = capped(dir);
  Journal j{o, watch.callback()};
  std::uint64_t seq = 0;

  FullJournal() {
    REQUIRE(j.open("d1", T0));
    const std::string big(4000, 'x');
    for (bool full = false; !full && seq < 200;) {
      auto m = raised("bed-1", ++seq, T0 - std::chrono::hours{24 * 60});
      m.mutable_alarm()->set_message(big);
      full = !j.write_bed("bed-1", {m}, state("bed-1", ""), T0);
    }
  }
  static JournalOptions capped(const test::TempDir& dir) {
    auto o = options(dir);
    o.max_bytes = 256 * 1024;
    return o;
  }
};

std::string payload(const std::string& bed, std::uint64_t seq, const std::string& patient) {
  std::string out;
  encode_intent(bed, to_micros(T0) + static_cast<std::int64_t>(seq), {raised(bed, seq, T0)},
                state(bed, patient), out);
  return out;
}

std::string file_bytes(const std::string& path) {
  return read_intent_file(path);
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream{path, std::ios::binary | std::ios::trunc} << bytes;
}

// A writer that commits nothing until the stop: no interval, no bed delay ends within a test.
JournalOptions writer_asleep_options(const test::TempDir& dir) {
  auto o = options(dir);
  o.flush_interval = std::chrono::hours{1};
  o.bed_delay = std::chrono::hours{1};
  return o;
}

}  // namespace

TEST_CASE("An alarm transition with an admission and the bed's state is read back from the log as written") {
  test::TempDir dir;
  const auto path = dir.file("journal.db-intent");
  {
    IntentLog log{path, 0};
    std::string first;
    encode_intent("bed-1", 1234, {admitted("bed-1", 4, T0), raised("bed-1", 5, T0)}, state("bed-1", "PAT-1"),
                  first);
    REQUIRE(log.append(first));
    REQUIRE(log.append(payload("bed-2", 9, "PAT-2")));
    CHECK(log.size() == file_bytes(path).size());
  }
  const auto c = read_intent_log(file_bytes(path));
  CHECK(c.problem.empty());
  CHECK(c.whole_bytes == file_bytes(path).size());
  REQUIRE(c.records.size() == 2);
  const auto& r = c.records[0];
  CHECK(r.bed() == "bed-1");
  CHECK(r.time_us() == 1234);
  REQUIRE(r.messages_size() == 2);
  CHECK(r.messages(0).context().what() == "admitted");
  CHECK(r.messages(1).alarm().seq() == 5);
  CHECK(r.messages(1).alarm().message() == "Severe desaturation: SpO₂ 80 % (limit < 85 %)");
  CHECK(r.state().patient_id() == "PAT-1");
  CHECK(c.records[1].messages(0).alarm().seq() == 9);
  CHECK(c.records[1].state().patient_id() == "PAT-2");
}

TEST_CASE(
    "A record cut short at the end (a crash in the middle of its write) is dropped with a reason, and the "
    "next record follows the last whole one") {
  test::TempDir dir;
  const auto path = dir.file("journal.db-intent");
  std::size_t whole = 0;
  {
    IntentLog log{path, 0};
    REQUIRE(log.append(payload("bed-1", 1, "PAT-1")));
    whole = log.size();
    REQUIRE(log.append(payload("bed-1", 2, "PAT-1")));
  }
  const auto bytes = file_bytes(path);
  for (std::size_t cut : {whole + 3, whole + kIntentHeader + 5, bytes.size() - 1}) {
    CAPTURE(cut);
    const auto c = read_intent_log(std::string_view{bytes}.substr(0, cut));
    REQUIRE(c.records.size() == 1);
    CHECK(c.records[0].messages(0).alarm().seq() == 1);
    CHECK(c.whole_bytes == whole);
    CHECK(c.problem.find("cut short at byte " + std::to_string(whole)) != std::string::npos);
  }
  write_file(path, bytes.substr(0, bytes.size() - 1));
  {
    IntentLog log{path, whole};  // as the journal opens it after reading: the torn tail goes
    REQUIRE(log.append(payload("bed-1", 3, "PAT-1")));
  }
  const auto c = read_intent_log(file_bytes(path));
  CHECK(c.problem.empty());
  REQUIRE(c.records.size() == 2);
  CHECK(c.records[1].messages(0).alarm().seq() == 3);
}

TEST_CASE("A record whose checksum does not match ends the reading there, and says where") {
  test::TempDir dir;
  const auto path = dir.file("journal.db-intent");
  std::size_t whole = 0;
  {
    IntentLog log{path, 0};
    REQUIRE(log.append(payload("bed-1", 1, "PAT-1")));
    whole = log.size();
    REQUIRE(log.append(payload("bed-1", 2, "PAT-1")));
    REQUIRE(log.append(payload("bed-1", 3, "PAT-1")));
  }
  auto bytes = file_bytes(path);
  bytes[whole + kIntentHeader + 10] ^= 0x20;
  const auto c = read_intent_log(bytes);
  REQUIRE(c.records.size() == 1);
  CHECK(c.whole_bytes == whole);
  CHECK(c.problem == "a record at byte " + std::to_string(whole) + " fails its checksum");
  // A length no record can have is not read as one.
  std::string huge(kIntentHeader + 4, '\xff');
  CHECK(read_intent_log(huge).records.empty());
  CHECK(read_intent_log(huge).problem.find("more than a record can be") != std::string::npos);
}

TEST_CASE(
    "An alarm published and killed before its commit is in SQLite after the restart, once, with the bed's "
    "state, before anything is read back; a second restart adds nothing") {
  test::TempDir dir;
  {
    Journal j{options(dir), [](const JournalWriterReport&) {}};
    REQUIRE(j.open("d1", T0));
    REQUIRE(j.log_bed("bed-1", {admitted("bed-1", 6, T0)}, state("bed-1", "PAT-1"), T0));
    REQUIRE(j.write_bed("bed-1", {admitted("bed-1", 6, T0)}, state("bed-1", "PAT-1"), T0));
    REQUIRE(
        j.log_bed("bed-1", {raised("bed-1", 7, T0 + 1s)}, state("bed-1", "PAT-1 with an alarm"), T0 + 1s));
    // vigild killed here: published, never committed (no close()).
  }
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM alarm_transitions") == 0);
  for (const char* run : {"d2", "d3"}) {
    CAPTURE(run);
    Journal j{options(dir), [](const JournalWriterReport&) {}};
    REQUIRE(j.open(run, T0 + 2s));
    REQUIRE(j.reader());
    const auto restored = j.reader()->bed_state("bed-1");
    REQUIRE(restored);
    CHECK(restored->patient_id() == "PAT-1 with an alarm");
    CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM alarm_transitions WHERE seq = 7") ==
          1);
    CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM context_events WHERE seq = 6") == 1);
    CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM sessions WHERE kind = 'patient'") ==
          1);
    CHECK(file_bytes(IntentLog::path_for(dir.file("journal.db"))).empty());
  }
}

TEST_CASE("A replayed record leaves a newer bed state in SQLite as it is") {
  test::TempDir dir;
  {
    Journal j{options(dir), [](const JournalWriterReport&) {}};
    REQUIRE(j.open("d1", T0));
    REQUIRE(j.log_bed("bed-1", {raised("bed-1", 7, T0)}, state("bed-1", "older"), T0));
    // Its commit failed (not written); the bed's state was rewritten later.
    REQUIRE(j.write_bed("bed-1", {}, state("bed-1", "newer"), T0 + 5s));
  }
  Journal j{options(dir), [](const JournalWriterReport&) {}};
  REQUIRE(j.open("d2", T0 + 10s));
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM alarm_transitions WHERE seq = 7") == 1);
  CHECK(j.reader()->bed_state("bed-1")->patient_id() == "newer");
}

TEST_CASE(
    "A rotated intent log is empty at its path at once, and the old file is left to whoever closes it") {
  test::TempDir dir;
  const auto path = dir.file("journal.db-intent");
  IntentLog log{path, 0};
  REQUIRE(log.append(payload("bed-1", 1, "PAT-1")));
  const auto before = file_bytes(path);
  const int old = log.rotate();
  REQUIRE(old >= 0);
  CHECK(log.size() == 0);
  CHECK(file_bytes(path).empty());
  CHECK(!std::filesystem::exists(path + "-next"));
  // The old file, its name gone, still holds its record until it is closed.
  CHECK(file_bytes("/proc/self/fd/" + std::to_string(old)) == before);
  ::close(old);
  REQUIRE(log.append(payload("bed-1", 2, "PAT-1")));
  const auto c = read_intent_log(file_bytes(path));
  CHECK(c.problem.empty());
  REQUIRE(c.records.size() == 1);
  CHECK(c.records[0].messages(0).alarm().seq() == 2);
}

TEST_CASE("The intent log stays small: emptied once SQLite holds all of it, and at a clean stop") {
  test::TempDir dir;
  const auto log = IntentLog::path_for(dir.file("journal.db"));
  Journal j{options(dir), [](const JournalWriterReport&) {}};
  REQUIRE(j.open("d1", T0));
  auto big = state("bed-1", "PAT-1");
  for (int i = 0; i < 10; ++i) *big.add_alarms()->mutable_alarm() = raised("bed-1", 1, T0).alarm();
  std::size_t largest = 0;
  for (std::uint64_t seq = 1; seq <= 500; ++seq) {
    const auto at = T0 + std::chrono::seconds(seq);
    REQUIRE(j.log_bed("bed-1", {raised("bed-1", seq, at)}, big, at));
    REQUIRE(j.write_bed("bed-1", {raised("bed-1", seq, at)}, big, at));
    // The writer commits it meanwhile, as it does between a ward's alarms.
    REQUIRE(j.wait_bed_writes(5s));
    largest = std::max<std::size_t>(largest, std::filesystem::file_size(log));
  }
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM alarm_transitions") == 500);
  CHECK(largest > 500 * 100);  // it was emptied, not never filled
  CHECK(largest < 80 * 1024);
  j.close(T0 + 1000s);
  CHECK(std::filesystem::file_size(log) == 0);
}

TEST_CASE("The intent log's old files, renamed over while alarms came, are all closed by the writer") {
  test::TempDir dir;
  const auto log = IntentLog::path_for(dir.file("journal.db"));
  // Descriptors of this test's intent log files whose name is gone.
  const auto open_old_files = [&] {
    int n = 0;
    for (const auto& fd : std::filesystem::directory_iterator{"/proc/self/fd"}) {
      std::error_code ec;
      const auto target = std::filesystem::read_symlink(fd.path(), ec).string();
      n += !ec && target.starts_with(log) && target.ends_with(" (deleted)");
    }
    return n;
  };
  Journal j{options(dir), [](const JournalWriterReport&) {}};
  REQUIRE(j.open("d1", T0));
  auto big = state("bed-1", "PAT-1");
  for (int i = 0; i < 10; ++i) *big.add_alarms()->mutable_alarm() = raised("bed-1", 1, T0).alarm();
  int rotations = 0;
  for (std::uint64_t seq = 1; seq <= 300; ++seq) {
    const auto at = T0 + std::chrono::seconds(seq);
    const auto before = std::filesystem::file_size(log);
    REQUIRE(j.log_bed("bed-1", {raised("bed-1", seq, at)}, big, at));
    REQUIRE(j.write_bed("bed-1", {raised("bed-1", seq, at)}, big, at));
    rotations += std::filesystem::file_size(log) < before;
    REQUIRE(j.wait_bed_writes(5s));
  }
  CHECK(rotations >= 2);
  // Each closed at the writer's next wake, before it commits what woke it.
  CHECK(open_old_files() == 0);
  j.close(T0 + 1000s);
  CHECK(open_old_files() == 0);
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM alarm_transitions") == 300);
}

TEST_CASE(
    "The writer makes the intent log's next file ahead, so a rotation on the core is a rename; none is "
    "made while the core renames one, and none is left at a stop") {
  test::TempDir dir;
  create_journal(dir);  // the writer below commits a link event to it
  const auto db = dir.file("journal.db");
  const auto log = IntentLog::path_for(db);
  const auto next = IntentLog::next_path_for(log);
  IntentLog intents{log, 0};
  JournalWriter w{{.path = db, .flush_interval = 20ms, .intent_log = true},
                  [](const JournalWriterReport&) {}};
  // The writer's thread makes it when it starts, and again at the first
  // wake after each rotation; these polls wait for that thread, not a clock.
  const auto take_ready = [&] {
    for (int i = 0; i < 500; ++i) {
      if (const int fd = w.take_next_intent_file(); fd >= 0) return fd;
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  };
  const int first = take_ready();
  REQUIRE(first >= 0);
  CHECK(std::filesystem::exists(next));
  CHECK(std::filesystem::file_size(next) == 0);
  REQUIRE(intents.append(payload("bed-1", 1, "PAT-1")));
  const auto before = file_bytes(log);
  // Between the take and close_rotated() the writer wakes and makes none:
  // one made then would be the file being renamed. A link event handed
  // over and tried shows a wake after the take (the writer makes its file,
  // when it does, before it writes what woke it).
  v1::BusMessage link;
  link.mutable_link()->set_bed("bed-1");
  link.mutable_link()->set_device("ox");
  link.mutable_link()->set_state(v1::DOWN);
  link.mutable_link()->set_seq(1);
  set_time(link.mutable_link()->mutable_time(), T0);
  w.write(link);  // a link event is handed over at once
  for (int i = 0; i < 500 && w.readings_tried() < 1; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(w.readings_tried() == 1);
  CHECK(w.take_next_intent_file() == -1);
  const int old = intents.rotate(first);
  REQUIRE(old >= 0);
  CHECK(!std::filesystem::exists(next));
  CHECK(file_bytes(log).empty());
  CHECK(file_bytes("/proc/self/fd/" + std::to_string(old)) == before);
  w.close_rotated(old);
  REQUIRE(intents.append(payload("bed-1", 2, "PAT-1")));
  const int second = take_ready();
  REQUIRE(second >= 0);
  CHECK(std::filesystem::file_size(next) == 0);
  // The new log is not the file made for the next rotation.
  struct stat a {
  }, b{};
  REQUIRE(::fstat(second, &a) == 0);
  REQUIRE(::stat(log.c_str(), &b) == 0);
  CHECK(a.st_ino != b.st_ino);
  CHECK(read_intent_log(file_bytes(log)).records.size() == 1);
  // A rotation that fails (which removes the file) tells the writer so: it makes another.
  ::close(second);
  ::unlink(next.c_str());
  w.close_rotated(-1);
  for (int i = 0; i < 500 && !std::filesystem::exists(next); ++i) std::this_thread::sleep_for(10ms);
  // One made and not taken when the writer stops is removed with it.
  REQUIRE(std::filesystem::exists(next));
  w.stop();
  CHECK(!std::filesystem::exists(next));
}

TEST_CASE(
    "Alarms published while SQLite is full stay in the intent log, and are in SQLite as soon as it has room "
    "again") {
  FullJournal full;
  auto& [dir, watch, o, j, seq] = full;
  const std::string big(4000, 'x');
  // Handed to the writer, which cannot commit them: it keeps them, in order.
  std::vector<std::uint64_t> not_committed;
  for (int i = 0; i < 3; ++i) {
    auto m = raised("bed-1", ++seq, T0);
    m.mutable_alarm()->set_message(big);
    REQUIRE(j.log_bed("bed-1", {m}, state("bed-1", ""), T0));
    REQUIRE(j.write_bed("bed-1", {m}, state("bed-1", ""), T0));
    not_committed.push_back(seq);
  }
  CHECK(!j.wait_bed_writes(5s));
  for (const auto n : not_committed)
    CHECK(journal_scalar(dir.file("journal.db"),
                         "SELECT COUNT(*) FROM alarm_transitions WHERE seq = " + std::to_string(n)) == 0);
  CHECK(!j.available());
  j.prune(T0);
  REQUIRE(watch.wait());
  REQUIRE(j.write_bed("bed-1", {}, state("bed-1", "room again"), T0 + 1s));
  CHECK(j.available());
  for (const auto n : not_committed)
    CHECK(journal_scalar(dir.file("journal.db"),
                         "SELECT COUNT(*) FROM alarm_transitions WHERE seq = " + std::to_string(n)) == 1);
  CHECK(j.reader()->bed_state("bed-1")->patient_id() == "room again");
  j.close(T0 + 2s);
  CHECK(file_bytes(IntentLog::path_for(dir.file("journal.db"))).empty());
}

TEST_CASE(
    "After SQLite was full for a while, a patient admitted, discharged and admitted again meanwhile has "
    "their sessions in the order they happened") {
  FullJournal full;
  auto& [dir, watch, o, j, seq] = full;
  const std::pair<const char*, const char*> story[] = {
      {"admitted", "PAT-1"}, {"discharged", "PAT-1"}, {"admitted", "PAT-2"}};
  for (int i = 0; i < 3; ++i) {
    const auto at = T0 + std::chrono::seconds(i);
    const auto m = context("bed-1", ++seq, story[i].first, story[i].second, at);
    const auto s = state("bed-1", story[i].second);
    REQUIRE(j.log_bed("bed-1", {m}, s, at));
    REQUIRE(j.write_bed("bed-1", {m}, s, at));
    // Each one tried, and refused, before the next: as a ward's changes come.
    CHECK(!j.wait_bed_writes(5s));
  }
  j.prune(T0);
  REQUIRE(watch.wait());
  // With the first write after retention freed room, if not before: the three, in order.
  REQUIRE(j.write_bed("bed-1", {}, state("bed-1", "PAT-2"), T0 + 3s));
  const auto sessions = j.reader()->sessions("bed-1");
  REQUIRE(sessions.size() == 2);
  CHECK(sessions[0].patient_id == "PAT-1");
  CHECK(sessions[0].ended == T0 + 1s);
  CHECK(sessions[1].patient_id == "PAT-2");
  CHECK(!sessions[1].ended);
}

TEST_CASE("journal_max_mb bounds the journal and its intent log together, while SQLite is full") {
  FullJournal full;
  auto& [dir, watch, o, j, seq] = full;
  const std::string big(4000, 'x');
  // Published all the same; the log stops taking them at its share of the cap.
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) {
    auto m = raised("bed-1", ++seq, T0);
    m.mutable_alarm()->set_message(big);
    refused = !j.log_bed("bed-1", {m}, state("bed-1", ""), T0);
    if (!refused) j.write_bed("bed-1", {m}, state("bed-1", ""), T0);
  }
  CHECK(refused);
  const auto log = std::filesystem::file_size(IntentLog::path_for(o.path));
  CHECK(log > 0);
  sqlite::Database db{o.path, sqlite::Database::Mode::read_only};
  const auto sqlite_bytes = db.scalar("PRAGMA page_count") * db.scalar("PRAGMA page_size");
  CHECK(sqlite_bytes + static_cast<std::int64_t>(log) <= o.max_bytes);
}

TEST_CASE(
    "An alarm in the intent log is committed by the writer thread, not by the core: later, with what came "
    "meanwhile, and at the latest at a clean stop") {
  test::TempDir dir;
  // Nothing would wake the writer for an alarm before the stop.
  const auto o = writer_asleep_options(dir);
  Journal j{o, [](const JournalWriterReport&) {}};
  REQUIRE(j.open("d1", T0));
  REQUIRE(j.log_bed("bed-1", {raised("bed-1", 7, T0)}, state("bed-1", "PAT-1"), T0));
  REQUIRE(j.write_bed("bed-1", {raised("bed-1", 7, T0)}, state("bed-1", "PAT-1"), T0));
  CHECK(journal_scalar(o.path, "SELECT COUNT(*) FROM alarm_transitions") == 0);
  CHECK(!file_bytes(IntentLog::path_for(o.path)).empty());
  // A context change goes at once (a station reads its session right
  // after), and the alarm before it with it, in order.
  REQUIRE(j.log_bed("bed-1", {admitted("bed-1", 8, T0 + 1s)}, state("bed-1", "PAT-1"), T0 + 1s));
  REQUIRE(j.write_bed("bed-1", {admitted("bed-1", 8, T0 + 1s)}, state("bed-1", "PAT-1"), T0 + 1s));
  REQUIRE(j.wait_bed_writes(5s));
  CHECK(journal_scalar(o.path, "SELECT COUNT(*) FROM alarm_transitions WHERE seq = 7") == 1);
  CHECK(journal_scalar(o.path, "SELECT COUNT(*) FROM sessions WHERE patient_id = 'PAT-1'") == 1);
  REQUIRE(j.log_bed("bed-1", {raised("bed-1", 9, T0 + 2s)}, state("bed-1", "PAT-1"), T0 + 2s));
  REQUIRE(j.write_bed("bed-1", {raised("bed-1", 9, T0 + 2s)}, state("bed-1", "PAT-1"), T0 + 2s));
  CHECK(journal_scalar(o.path, "SELECT COUNT(*) FROM alarm_transitions WHERE seq = 9") == 0);
  j.close(T0 + 3s);
  CHECK(journal_scalar(o.path, "SELECT COUNT(*) FROM alarm_transitions WHERE seq = 9") == 1);
  CHECK(file_bytes(IntentLog::path_for(o.path)).empty());
}

TEST_CASE(
    "A transition SQLite refuses as it is (a NaN where a number must be) is left out with an error, and "
    "holds back none behind it") {
  test::TempDir dir;
  Journal j{options(dir), [](const JournalWriterReport&) {}};
  REQUIRE(j.open("d1", T0));
  auto bad = raised("bed-1", 7, T0);
  bad.mutable_alarm()->set_value(std::numeric_limits<double>::quiet_NaN());
  const auto good = raised("bed-1", 8, T0 + 1s);
  REQUIRE(j.log_bed("bed-1", {bad}, state("bed-1", "PAT-1"), T0));
  REQUIRE(j.write_bed("bed-1", {bad}, state("bed-1", "PAT-1"), T0));
  REQUIRE(j.log_bed("bed-1", {good}, state("bed-1", "PAT-1"), T0 + 1s));
  REQUIRE(j.write_bed("bed-1", {good}, state("bed-1", "PAT-1"), T0 + 1s));
  REQUIRE(j.wait_bed_writes(5s));
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM alarm_transitions WHERE seq = 8") == 1);
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM alarm_transitions WHERE seq = 7") == 0);
  CHECK(j.available());
}

TEST_CASE(
    "A record of the intent log that SQLite refuses is left out at the restart, and the journal opens") {
  test::TempDir dir;
  auto bad = raised("bed-1", 7, T0);
  bad.mutable_alarm()->set_value(std::numeric_limits<double>::quiet_NaN());
  {
    Journal j{options(dir), [](const JournalWriterReport&) {}};
    REQUIRE(j.open("d1", T0));
    REQUIRE(j.log_bed("bed-1", {bad}, state("bed-1", "PAT-1"), T0));
    REQUIRE(j.log_bed("bed-1", {raised("bed-1", 8, T0 + 1s)}, state("bed-1", "PAT-1"), T0 + 1s));
    // Killed before either was committed.
  }
  Journal j{options(dir), [](const JournalWriterReport&) {}};
  REQUIRE(j.open("d2", T0 + 2s));
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM alarm_transitions WHERE seq = 8") == 1);
  CHECK(journal_scalar(dir.file("journal.db"), "SELECT COUNT(*) FROM alarm_transitions WHERE seq = 7") == 0);
}

TEST_CASE(
    "A command answered and a sequence reservation made, then vigild killed before the writer committed "
    "them: both are in SQLite after the restart, once, and a reservation never goes back") {
  test::TempDir dir;
  // A real SIGKILL in a child process whose writer commits nothing before
  // it: only the intent log can bring them back.
  const auto slow = writer_asleep_options(dir);
  v1::CommandRequest req;
  req.set_request_id("r-9");
  req.set_actor("nurse Ana");
  req.mutable_acknowledge()->set_bed("bed-1");
  v1::CommandReply ok;
  ok.set_ok(true);
  ok.set_message("acknowledged");
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    Journal j{slow, [](const JournalWriterReport&) {}};
    const bool durable = j.open("d1", T0) && j.reserve_seq("bed-1", 1000) && j.write_command(req, ok, T0) &&
                         j.reserve_seq("bed-1", 2000);
    if (!durable) ::_exit(3);
    ::kill(::getpid(), SIGKILL);  // where vigild would send the reply
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
  const auto db = dir.file("journal.db");
  REQUIRE(journal_scalar(db, "SELECT COUNT(*) FROM commands") == 0);
  REQUIRE(journal_scalar(db, "SELECT COUNT(*) FROM streams") == 0);
  for (const char* run : {"d2", "d3"}) {
    CAPTURE(run);
    Journal j{options(dir), [](const JournalWriterReport&) {}};
    REQUIRE(j.open(run, T0 + 2s));
    CHECK(journal_scalar(db,
                         "SELECT COUNT(*) FROM commands WHERE request_id = 'r-9' AND actor = 'nurse Ana' AND "
                         "command = 'acknowledge' AND ok = 1 AND result = 'acknowledged'") == 1);
    CHECK(journal_scalar(db, "SELECT seq_reserved FROM streams WHERE bed = 'bed-1'") == 2000);
  }
  // A reservation SQLite took without the log (while the log failed) is
  // newer than any record: a replay of an older one leaves it as it is.
  {
    Journal j{slow, [](const JournalWriterReport&) {}};
    REQUIRE(j.open("d4", T0 + 3s));
    REQUIRE(j.reserve_seq("bed-1", 3000));
  }
  sqlite::Database{db, sqlite::Database::Mode::read_write_create}.exec(
      "UPDATE streams SET seq_reserved = 5000 WHERE bed = 'bed-1'");
  write_file(IntentLog::path_for(db), [] {
    std::string payload, framed;
    encode_intent(SeqReservation{"bed-1", 4000}, payload);
    frame_intent(payload, framed);
    return framed;
  }());
  Journal j{options(dir), [](const JournalWriterReport&) {}};
  REQUIRE(j.open("d5", T0 + 4s));
  CHECK(journal_scalar(db, "SELECT seq_reserved FROM streams WHERE bed = 'bed-1'") == 5000);
}
