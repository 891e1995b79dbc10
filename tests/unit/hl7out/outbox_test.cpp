#include "hl7out/outbox.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include "tests/unit/temp_dir.hpp"

using namespace vigil::hl7out;

namespace {
vigil::core::ManualClock fixed_clock{vigil::core::TimePoint{std::chrono::seconds{1000}}};

auto text(const std::string& body) {
  return [body](const std::string& id) { return "MSH|" + id + "|" + body; };
}
}  // namespace

TEST_CASE("outbox: order kept per destination, control ids never reused, everything survives a reopen") {
  vigil::test::TempDir dir;
  const auto path = dir.file("outbox.db");
  const vigil::core::TimePoint now{};
  {
    auto box = Outbox::open(path, fixed_clock);
    REQUIRE(box);
    auto& b = *box.value();
    CHECK(b.enqueue("emr", text("a"), now));
    CHECK(b.enqueue("alerts", text("x"), now));
    CHECK(b.enqueue("emr", text("b"), now));
    CHECK(b.depth("emr") == 2);
    auto h = b.head("emr");
    REQUIRE(h);
    CHECK(h->control_id == "V1");
    CHECK(h->text == "MSH|V1|a");
    CHECK(b.delivered(h->id));
    CHECK(b.head("emr")->text == "MSH|V3|b");
    CHECK(b.record_ae(b.head("emr")->id, 2, "AE busy"));
  }
  auto box = Outbox::open(path, fixed_clock);
  REQUIRE(box);
  auto& b = *box.value();
  auto h = b.head("emr");
  REQUIRE(h);
  CHECK(h->control_id == "V3");
  CHECK(h->ae_count == 2);
  CHECK(b.dead_letter(h->id, 3, "AE busy"));
  CHECK(!b.head("emr"));
  CHECK(b.depth("emr") == 0);
  // Even with the last rows gone, a new message gets a number never given.
  CHECK(b.delivered(b.head("alerts")->id));
  CHECK(b.enqueue("emr", text("c"), now));
  CHECK(b.head("emr")->control_id == "V4");
  const auto kept = b.kept("emr");
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].state == "dead");
  CHECK(kept[0].reason == "AE busy");
  CHECK(kept[0].ae_count == 3);
}

TEST_CASE("outbox: an unwritable path is an error, not a crash") {
  CHECK(!Outbox::open("/nonexistent-dir/x/outbox.db", fixed_clock));
}

TEST_CASE("outbox: a kept message goes back to the queue at its own place, with its MSH-10, AE count reset") {
  vigil::test::TempDir dir;
  auto box = Outbox::open(dir.file("outbox.db"), fixed_clock);
  REQUIRE(box);
  auto& b = *box.value();
  const vigil::core::TimePoint now{std::chrono::seconds{1000}};
  CHECK(b.enqueue("emr", text("bad"), now));
  CHECK(b.enqueue("alerts", text("refused"), now));
  const auto bad = b.head("emr")->id;
  CHECK(b.record_ae(bad, 3, "AE unknown patient"));
  CHECK(b.dead_letter(bad, 3, "AE unknown patient"));
  CHECK(b.rejected(b.head("alerts")->id, "AR no"));
  // One bad message does not block the queue: the next one is the head.
  CHECK(b.enqueue("emr", text("next"), now));
  CHECK(b.head("emr")->control_id == "V3");
  CHECK(b.kept("emr").size() == 1);
  CHECK(b.kept("").size() == 2);
  CHECK(b.kept_count("emr") == 1);
  CHECK(b.kept("emr")[0].queued == now);
  CHECK(!b.requeue(b.head("emr")->id));  // queued already: nothing to do
  CHECK(!b.requeue(99));
  CHECK(b.requeue(bad));
  CHECK(!b.requeue(bad));
  const auto h = b.head("emr");
  REQUIRE(h);
  CHECK(h->id == bad);
  CHECK(h->control_id == "V1");
  CHECK(h->ae_count == 0);
  CHECK(h->state == "queued");
  CHECK(b.kept_count("emr") == 0);
  CHECK(b.depth("emr") == 2);
  CHECK(b.find(bad)->text == "MSH|V1|bad");
  CHECK(!b.find(99));
}

TEST_CASE("outbox: delivered, rejected and dead messages are pruned after the retention; queued ones never") {
  vigil::test::TempDir dir;
  vigil::core::ManualClock at{vigil::core::TimePoint{std::chrono::hours{24 * 365 * 56}}};
  auto box = Outbox::open(dir.file("outbox.db"), at);
  REQUIRE(box);
  auto& b = *box.value();
  const auto t0 = at.now();
  for (const char* body : {"old-a", "old-b", "old-c", "waiting"}) CHECK(b.enqueue("emr", text(body), t0));
  CHECK(b.delivered(1));
  CHECK(b.rejected(2, "AR no"));
  at.advance(std::chrono::hours{1});
  CHECK(b.dead_letter(3, 3, "AE busy"));
  const auto delivered_at = t0;
  // A delivered message is kept as a record, not listed as kept, not re-sent.
  CHECK(b.find(1)->state == "delivered");
  CHECK(b.kept("emr").size() == 2);
  CHECK(b.depth("emr") == 1);
  CHECK(!b.requeue(1));

  CHECK(b.prune(delivered_at, 100) == 0u);  // done at t0: not before t0
  CHECK(b.prune(delivered_at + std::chrono::milliseconds{1}, 100) == 2u);
  CHECK(!b.find(1));
  CHECK(!b.find(2));
  CHECK(b.find(3));
  // Years later the queued message is still there, and only it.
  CHECK(b.prune(t0 + std::chrono::days{3650}, 100) == 1u);
  CHECK(b.find(4));
  CHECK(b.head("emr")->control_id == "V4");
  // Its number is still never given again.
  CHECK(b.enqueue("emr", text("next"), at.now()));
  CHECK(b.find(5)->control_id == "V5");
}

TEST_CASE("outbox: pruning goes in chunks of at most the limit, oldest first") {
  vigil::test::TempDir dir;
  vigil::core::ManualClock at;
  auto box = Outbox::open(dir.file("outbox.db"), at);
  REQUIRE(box);
  auto& b = *box.value();
  for (int i = 0; i < 5; ++i) {
    CHECK(b.enqueue("emr", text("m"), at.now()));
    CHECK(b.delivered(b.head("emr")->id));
    at.advance(std::chrono::seconds{1});
  }
  CHECK(b.prune(at.now(), 2) == 2u);
  CHECK(!b.find(1));
  CHECK(!b.find(2));
  CHECK(b.find(3));
  CHECK(b.prune(at.now(), 2) == 2u);
  CHECK(b.prune(at.now(), 2) == 1u);
  CHECK(b.prune(at.now(), 2) == 0u);
}

TEST_CASE("outbox: a re-sent dead letter is queued again and no longer counts as done") {
  vigil::test::TempDir dir;
  vigil::core::ManualClock at;
  auto box = Outbox::open(dir.file("outbox.db"), at);
  REQUIRE(box);
  auto& b = *box.value();
  CHECK(b.enqueue("emr", text("bad"), at.now()));
  CHECK(b.dead_letter(1, 3, "AE busy"));
  CHECK(b.requeue(1));
  CHECK(b.prune(at.now() + std::chrono::days{30}, 100) == 0u);
  CHECK(b.head("emr")->control_id == "V1");
}

TEST_CASE(
    "outbox: an outbox of the first layout is brought up to date; its kept rows count as done when queued") {
  vigil::test::TempDir dir;
  const auto path = dir.file("outbox.db");
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    // The table as the first vigild with an outbox made it, a rejected row and a queued one.
    CHECK(sqlite3_exec(
              db,
              "CREATE TABLE hl7_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, destination TEXT NOT NULL,"
              " control_id TEXT NOT NULL, message TEXT NOT NULL, queued_ms INTEGER NOT NULL,"
              " ae_count INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'queued',"
              " reason TEXT NOT NULL DEFAULT '');"
              "INSERT INTO hl7_outbox (destination, control_id, message, queued_ms, state, reason)"
              " VALUES ('emr', 'V1', 'MSH|V1', 1000, 'rejected', 'AR no'),"
              " ('emr', 'V2', 'MSH|V2', 2000, 'queued', '')",
              nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  vigil::core::ManualClock at;
  auto box = Outbox::open(path, at);
  REQUIRE(box);
  auto& b = *box.value();
  CHECK(b.kept("emr").size() == 1);
  CHECK(b.prune(vigil::core::TimePoint{std::chrono::milliseconds{1001}}, 100) == 1u);
  CHECK(b.head("emr")->control_id == "V2");
  CHECK(b.enqueue("emr", text("c"), at.now()));
  CHECK(b.find(3));
  // Opened again: already up to date.
  CHECK(Outbox::open(path, at));
}
