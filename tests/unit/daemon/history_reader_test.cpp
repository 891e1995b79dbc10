#include "daemon/history_reader.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>
#include <thread>

#include "journal/journal.hpp"
#include "tests/unit/temp_dir.hpp"
#include "wire/timestamp.hpp"

using namespace std::chrono_literals;
using namespace vigil;
using vigil::daemon::HistoryReader;
namespace v1 = vigil::v1;

namespace {

const core::TimePoint T0{std::chrono::seconds{1'800'000'000}};

v1::CommandRequest history_request(const std::string& id) {
  v1::CommandRequest r;
  r.set_request_id(id);
  r.mutable_alarm_history()->set_bed("bed-1");
  return r;
}

// Runs the loop until `reply` is set: the reply comes back through it, never on the reader's thread.
void run_until(boost::asio::io_context& io, const std::optional<v1::CommandReply>& reply) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!reply && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(10ms);
  }
}

}  // namespace

TEST_CASE("a history query is answered on the loop's thread, from the journal, with its request id") {
  test::TempDir dir;
  {
    journal::JournalOptions o;
    o.path = dir.file("journal.db");
    journal::Journal journal{o, [](const journal::JournalWriterReport&) {}};
    REQUIRE(journal.open("d1", T0));
    v1::BusMessage m;
    auto* a = m.mutable_alarm();
    a->set_bed("bed-1");
    a->set_alarm_id("bed-1:desaturation:1");
    a->set_transition(v1::RAISED);
    a->set_priority(v1::HIGH);
    a->set_seq(1);
    wire::set_time(a->mutable_time(), T0);
    v1::journal::BedState state;
    state.set_bed("bed-1");
    REQUIRE(journal.write_bed("bed-1", {m}, state, T0));
  }
  boost::asio::io_context io;
  HistoryReader reader{io, dir.file("journal.db")};
  std::optional<v1::CommandReply> reply;
  std::thread::id answered_on;
  reader.submit(history_request("q-1"), [&](v1::CommandReply r) {
    answered_on = std::this_thread::get_id();
    reply = std::move(r);
  });
  run_until(io, reply);
  REQUIRE(reply);
  CHECK(answered_on == std::this_thread::get_id());
  CHECK(reply->ok());
  CHECK(reply->request_id() == "q-1");
  REQUIRE(reply->alarm_history().alarms_size() == 1);
  CHECK(reply->alarm_history().alarms(0).alarm_id() == "bed-1:desaturation:1");
}

TEST_CASE("a journal that cannot be read is a refusal that says so, and the reader carries on") {
  test::TempDir dir;
  boost::asio::io_context io;
  HistoryReader reader{io, dir.file("no-such-journal.db")};
  for (const char* id : {"q-1", "q-2"}) {
    std::optional<v1::CommandReply> reply;
    reader.submit(history_request(id), [&](v1::CommandReply r) { reply = std::move(r); });
    run_until(io, reply);
    REQUIRE(reply);
    CHECK_FALSE(reply->ok());
    CHECK(reply->request_id() == id);
    CHECK(reply->error_code() == "unavailable");
    CHECK(reply->error().find("the journal could not be read") != std::string::npos);
  }
}

TEST_CASE("more queries than the reader holds are refused at once, not queued without end") {
  test::TempDir dir;
  boost::asio::io_context io;  // not run while submitting: the replies wait in it
  HistoryReader reader{io, dir.file("journal.db")};
  int refused_at_once = 0, answered = 0;
  for (std::size_t i = 0; i < 3 * HistoryReader::kMaxQueued; ++i)
    reader.submit(history_request("q"), [&](v1::CommandReply r) {
      if (r.error().find("waiting already") != std::string::npos) ++refused_at_once;
      ++answered;
    });
  CHECK(refused_at_once > 0);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (answered < static_cast<int>(3 * HistoryReader::kMaxQueued) &&
         std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(10ms);
  }
  CHECK(answered == static_cast<int>(3 * HistoryReader::kMaxQueued));  // every query gets exactly one answer
}

TEST_CASE("a trend query goes through the same reader: a bed's readings, or a refusal naming trend's field") {
  test::TempDir dir;
  {
    journal::JournalOptions o;
    o.path = dir.file("journal.db");
    journal::Journal journal{o, [](const journal::JournalWriterReport&) {}};
    REQUIRE(journal.open("d1", T0));
    for (int s = 0; s < 30; ++s) {
      v1::Observation r;
      r.set_bed("bed-1");
      r.set_mdc_code(150456);  // SpO₂
      r.set_value(s < 20 ? 97 : 83);
      r.set_seq(static_cast<std::uint64_t>(s + 1));
      wire::set_time(r.mutable_received(), T0 + std::chrono::seconds{s});
      journal.queue(r);
    }
    journal.close(T0 + 1min);
  }
  boost::asio::io_context io;
  HistoryReader reader{io, dir.file("journal.db")};
  v1::CommandRequest r;
  r.set_request_id("t-1");
  r.mutable_trend()->set_bed("bed-1");
  wire::set_time(r.mutable_trend()->mutable_from(), T0);
  wire::set_time(r.mutable_trend()->mutable_to(), T0 + 1min);
  r.mutable_trend()->set_points(2);
  std::optional<v1::CommandReply> reply;
  reader.submit(r, [&](v1::CommandReply answer) { reply = std::move(answer); });
  run_until(io, reply);
  REQUIRE(reply);
  REQUIRE(reply->ok());
  CHECK(reply->request_id() == "t-1");
  REQUIRE(reply->trend().series_size() == 1);
  REQUIRE(reply->trend().series(0).buckets_size() == 1);  // 30 s of readings in the first of two 30 s buckets
  CHECK(reply->trend().series(0).buckets(0).min() == 83);
  CHECK(reply->trend().series(0).buckets(0).max() == 97);

  r.mutable_trend()->set_points(5000);
  reply.reset();
  reader.submit(r, [&](v1::CommandReply answer) { reply = std::move(answer); });
  run_until(io, reply);
  REQUIRE(reply);
  CHECK_FALSE(reply->ok());
  CHECK(reply->error_field() == "trend.points");
}
