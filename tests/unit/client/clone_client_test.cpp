// The clone client against a stand-in vigild on loopback sockets. Time for
// silence and deadlines is the test's own clock: each turn of the loop is
// 2 ms of it and jumps move it, so "3 s of silence" takes no 3 s and a
// loaded machine, however slow, never moves a deadline.
#include "client/clone_client.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <thread>

#include "fake_vigild.hpp"

using namespace std::chrono_literals;
using vigil::client::ClientEvent;
using vigil::client::ClientOptions;
using vigil::client::CloneClient;
using vigil::client::EventKind;
using vigil::testing::FakeVigild;

namespace {

struct Rig {
  FakeVigild daemon;
  zmq::context_t ctx{1};
  vigil::client::SteadyTime clock = std::chrono::steady_clock::now();
  static constexpr std::uint32_t kMarker = 999;  // a heartbeat interval vigild never sends
  bool marker_heard = false;
  std::map<std::string, int> beats_heard;  // heartbeats the client handed on, by bed
  std::vector<std::string> log;            // what the owner was told, in order
  std::vector<ClientEvent> events;
  std::vector<std::uint64_t> obs_seqs;
  std::unique_ptr<CloneClient> client;

  explicit Rig(const std::function<void(ClientOptions&)>& tune = {}) {
    for (const char* bed : {"bed-1", "bed-2"})
      for (int i = 0; i < 3; ++i) daemon.reading(bed, 97);  // before the client: it never sees these
    ClientOptions o;
    o.name = "vigild-a";
    o.publish_endpoint = daemon.publish_endpoint;
    o.command_endpoint = daemon.command_endpoint;
    if (tune) tune(o);
    vigil::client::ClientCallbacks cb;
    cb.snapshot = [this](const vigil::v1::BedStatus& s) {
      log.push_back("snapshot " + s.bed() + " @" + std::to_string(s.last_seq()));
    };
    cb.update = [this](const std::string& topic, const vigil::v1::BusMessage& m) {
      if (m.has_heartbeat()) {
        ++beats_heard[m.heartbeat().bed()];
        if (m.heartbeat().interval_ms() == kMarker) marker_heard = true;
      }
      if (!m.has_observation()) return;
      log.push_back(topic + "#" + std::to_string(m.observation().seq()));
      if (m.observation().bed() == "bed-1") obs_seqs.push_back(m.observation().seq());
    };
    cb.event = [this](const ClientEvent& e) {
      events.push_back(e);
      log.push_back(vigil::client::describe(e));
    };
    client = std::make_unique<CloneClient>(ctx, o, cb);
    client->start(now());
  }

  vigil::client::SteadyTime now() const { return clock; }

  // One turn of the loop: 2 ms of the test's clock. The real pause only lets
  // ZeroMQ's I/O thread carry messages; no rule waits on it.
  void step() {
    daemon.serve();
    clock += 2ms;
    client->process(now());
    std::this_thread::sleep_for(1ms);
  }

  // Runs the loop until `done` holds. The real-time bound only stops a test
  // that would otherwise hang: loopback sockets on a loaded machine can take
  // seconds, so it is generous.
  bool run_until(const std::function<bool()>& done) {
    const auto limit = std::chrono::steady_clock::now() + 20s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > limit) return false;
      step();
    }
    return true;
  }

  void run_for(std::chrono::milliseconds d) {
    for (auto t = 0ms; t < d; t += 2ms) step();
  }

  // Until the subscription carries messages (ZeroMQ's slow joiner) and the
  // bed is in step; then what is still on its way is read.
  void settle(const std::string& bed = "bed-1") {
    REQUIRE(run_until([&] {
      daemon.heartbeat("*");
      daemon.heartbeat(bed);
      return client->publisher_online() && client->health(bed).in_step;
    }));
    drain();
  }

  // Reads every message already published, the clock held still: one
  // connection keeps order, so when a marked heartbeat sent last is read,
  // nothing older is left on its way to arrive later, at a moved clock.
  void drain() {
    marker_heard = false;
    daemon.heartbeat("*", kMarker);
    const auto limit = std::chrono::steady_clock::now() + 20s;
    while (!marker_heard) {
      REQUIRE(std::chrono::steady_clock::now() < limit);
      daemon.serve();
      client->process(now());
      std::this_thread::sleep_for(1ms);
    }
  }

  // Sends these heartbeats and reads until the client has each of them, the
  // clock held still, so they arrive at exactly this moment. Sent again while
  // missing: a subscription still being set up drops messages.
  void deliver(const std::vector<std::string>& beats) {
    if (beats.empty()) return;
    const auto before = beats_heard;
    const auto limit = std::chrono::steady_clock::now() + 20s;
    const auto missing = [&] {
      return std::any_of(beats.begin(), beats.end(), [&](const auto& bed) {
        const auto it = before.find(bed);
        return beats_heard[bed] == (it == before.end() ? 0 : it->second);
      });
    };
    while (missing()) {
      REQUIRE(std::chrono::steady_clock::now() < limit);
      for (const auto& bed : beats) daemon.heartbeat(bed);
      for (int i = 0; i < 20 && missing(); ++i) {
        daemon.serve();
        client->process(now());
        std::this_thread::sleep_for(1ms);
      }
    }
    drain();  // a copy sent again must not arrive later
  }

  // Moves the test's clock on by `d`. These beds ("*" for the publisher
  // itself) send a heartbeat at the start of every second of it, as vigild
  // does; everything else stays silent.
  void jump(std::chrono::milliseconds d, const std::vector<std::string>& beats = {}) {
    while (d > 0ms) {
      deliver(beats);
      const auto part = std::min<std::chrono::milliseconds>(d, 1s);
      clock += part;
      client->process(now());
      d -= part;
    }
  }

  int count(EventKind k) const {
    return static_cast<int>(
        std::count_if(events.begin(), events.end(), [&](const auto& e) { return e.kind == k; }));
  }
  const ClientEvent* last(EventKind k) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
      if (it->kind == k) return &*it;
    return nullptr;
  }
};

}  // namespace

TEST_CASE("a client joining late gets each bed's snapshot first, then only the updates after it") {
  Rig rig;
  rig.settle("bed-1");
  rig.settle("bed-2");
  CHECK(rig.log[0].starts_with("snapshot bed-"));
  CHECK(std::find(rig.log.begin(), rig.log.end(), "snapshot bed-1 @3") != rig.log.end());
  CHECK(std::find(rig.log.begin(), rig.log.end(), "snapshot bed-2 @3") != rig.log.end());
  CHECK(rig.daemon.snapshots == 1);  // one question for every bed
  rig.daemon.reading("bed-1", 96);
  rig.daemon.reading("bed-1", 95);
  REQUIRE(rig.run_until([&] { return rig.obs_seqs.size() == 2; }));
  CHECK(rig.obs_seqs == std::vector<std::uint64_t>{4, 5});
  CHECK(rig.count(EventKind::gap) == 0);
}

TEST_CASE("updates published while the snapshot is on its way are held and applied after it, in order") {
  Rig rig;
  rig.daemon.answers = false;
  REQUIRE(rig.run_until([&] {
    rig.daemon.heartbeat("*");
    return rig.client->publisher_online() && !rig.daemon.requests.empty();
  }));
  rig.daemon.reading("bed-1", 90);  // #4, held: no snapshot yet
  rig.run_for(50ms);
  CHECK(rig.obs_seqs.empty());
  rig.daemon.snapshot_lag = 1;  // the daemon's snapshot was taken before #4
  rig.daemon.answers = true;
  rig.daemon.answer_kept();
  REQUIRE(rig.run_until([&] { return rig.client->health("bed-1").in_step; }));
  CHECK(rig.log[0] == "snapshot bed-1 @3");
  CHECK(rig.obs_seqs == std::vector<std::uint64_t>{4});
}

TEST_CASE("a jump in the numbers is a gap, recovered by a new snapshot when the daemon has no replay") {
  Rig rig;
  rig.settle();
  const int resyncs = rig.count(EventKind::resynced);
  rig.daemon.reading("bed-1", 93, true);  // #4 lost
  rig.daemon.reading("bed-1", 92);        // #5 shows the gap
  REQUIRE(rig.run_until([&] { return rig.count(EventKind::resynced) == resyncs + 1; }));
  const auto* gap = rig.last(EventKind::gap);
  REQUIRE(gap);
  CHECK(gap->bed == "bed-1");
  CHECK(gap->have == 3);
  CHECK(gap->seen == 5);
  CHECK(rig.last(EventKind::resynced)->how == "snapshot");
  CHECK(rig.log.back() == "vigild-a bed-1: in step again by snapshot at 5");
  rig.daemon.reading("bed-1", 94);
  REQUIRE(rig.run_until([&] { return !rig.obs_seqs.empty(); }));
  CHECK(rig.obs_seqs == std::vector<std::uint64_t>{6});  // #5 came with the snapshot, not twice
}

TEST_CASE("a heartbeat ahead of the last number applied is a gap: the last message itself was lost") {
  Rig rig;
  rig.settle();
  rig.daemon.reading("bed-1", 93, true);
  rig.daemon.heartbeat("bed-1");
  REQUIRE(
      rig.run_until([&] { return rig.count(EventKind::gap) == 1 && rig.client->health("bed-1").in_step; }));
  CHECK(rig.last(EventKind::gap)->seen == 4);
  CHECK(rig.client->health("bed-1").applied == 4);
  CHECK(rig.daemon.snapshots == 2);
}

TEST_CASE("with a replay command, exactly the missed messages come back in order and no snapshot is taken") {
  Rig rig{[](ClientOptions& o) { o.replay = vigil::testing::fake_replay_protocol(); }};
  rig.daemon.knows_replay = true;
  rig.settle();
  rig.daemon.reading("bed-1", 91, true);
  rig.daemon.reading("bed-1", 90, true);
  rig.daemon.reading("bed-1", 89);
  REQUIRE(rig.run_until([&] { return rig.obs_seqs.size() == 3; }));
  CHECK(rig.obs_seqs == std::vector<std::uint64_t>{4, 5, 6});
  CHECK(rig.daemon.replays == 1);
  CHECK(rig.daemon.snapshots == 1);
  CHECK(rig.last(EventKind::resynced)->how == "replay");
}

TEST_CASE("a daemon without replay answers with an error naming 'command': snapshots from then on") {
  Rig rig{[](ClientOptions& o) { o.replay = vigil::testing::fake_replay_protocol(); }};
  rig.settle();
  rig.daemon.reading("bed-1", 91, true);
  rig.daemon.reading("bed-1", 90);
  REQUIRE(rig.run_until([&] { return rig.daemon.snapshots == 2 && rig.client->health("bed-1").in_step; }));
  CHECK(rig.daemon.refused_replays == 1);
  rig.daemon.reading("bed-1", 91, true);
  rig.daemon.reading("bed-1", 90);
  REQUIRE(rig.run_until([&] { return rig.daemon.snapshots == 3 && rig.client->health("bed-1").in_step; }));
  CHECK(rig.daemon.refused_replays == 1);  // not asked again
}

TEST_CASE("a replay that does not reach back far enough is followed by a snapshot") {
  Rig rig{[](ClientOptions& o) { o.replay = vigil::testing::fake_replay_protocol(); }};
  rig.daemon.knows_replay = true;
  rig.daemon.journal_keeps = 1;
  rig.settle();
  rig.daemon.reading("bed-1", 91, true);
  rig.daemon.reading("bed-1", 90, true);
  rig.daemon.reading("bed-1", 89);
  REQUIRE(rig.run_until([&] { return rig.daemon.snapshots == 2 && rig.client->health("bed-1").in_step; }));
  CHECK(rig.daemon.replays == 1);
  CHECK(rig.client->health("bed-1").applied == 6);
  CHECK(rig.obs_seqs.empty());  // nothing out of order or twice: the snapshot carries the state
}

TEST_CASE(
    "2.5 s without a message is a lost publisher, reported within 3 s; the next message brings it back") {
  Rig rig;
  rig.settle();
  CHECK(rig.client->health("bed-1").talking);
  rig.jump(2400ms);
  CHECK(rig.count(EventKind::publisher_lost) == 0);
  rig.jump(200ms);
  CHECK(rig.count(EventKind::publisher_lost) == 1);
  CHECK_FALSE(rig.client->publisher_online());
  CHECK_FALSE(rig.client->health("bed-1").talking);
  CHECK(rig.count(EventKind::bed_lost) == 0);  // one loss, not one per bed
  rig.daemon.heartbeat("bed-1");
  REQUIRE(rig.run_until([&] { return rig.count(EventKind::publisher_back) == 1; }));
  CHECK(rig.client->health("bed-1").talking);
}

TEST_CASE("a publisher that never answers is reported lost too, saying it was never heard") {
  Rig rig{[](ClientOptions& o) { o.publish_endpoint = "tcp://127.0.0.1:1"; }};
  rig.jump(2600ms);
  REQUIRE(rig.last(EventKind::publisher_lost));
  CHECK(
      rig.last(EventKind::publisher_lost)->detail.starts_with("never heard anything from tcp://127.0.0.1:1"));
}

TEST_CASE("a bed whose stream goes silent while the publisher talks is lost on its own") {
  Rig rig;
  rig.settle("bed-1");
  rig.settle("bed-2");
  rig.jump(2600ms, {"*", "bed-1"});
  CHECK(rig.count(EventKind::publisher_lost) == 0);
  REQUIRE(rig.count(EventKind::bed_lost) == 1);
  CHECK(rig.last(EventKind::bed_lost)->bed == "bed-2");
  CHECK(rig.client->health("bed-1").talking);
  CHECK_FALSE(rig.client->health("bed-2").talking);
  rig.daemon.heartbeat("bed-2");
  REQUIRE(rig.run_until([&] { return rig.count(EventKind::bed_back) == 1; }));
}

TEST_CASE("a new daemon_id is a restarted daemon: its numbers start again and every bed is synced anew") {
  Rig rig;
  rig.settle();
  rig.daemon.restart("run-2");
  rig.daemon.reading("bed-1", 88);  // #1 of the new run
  rig.daemon.heartbeat("bed-1");
  REQUIRE(rig.run_until(
      [&] { return rig.count(EventKind::daemon_restarted) == 1 && rig.client->health("bed-1").in_step; }));
  CHECK(rig.client->daemon_id() == "run-2");
  CHECK(rig.client->health("bed-1").applied == 1);
  CHECK(std::find(rig.log.begin(), rig.log.end(), "vigild-a bed-1: in step again by snapshot at 1") !=
        rig.log.end());
  rig.daemon.reading("bed-1", 87);
  REQUIRE(rig.run_until([&] { return !rig.obs_seqs.empty(); }));
  CHECK(rig.obs_seqs.back() == 2);
}

TEST_CASE("a snapshot from another daemon than the publisher's is refused, naming both") {
  Rig rig;
  rig.daemon.reply_daemon_id = "elsewhere";
  REQUIRE(rig.run_until([&] {
    rig.daemon.heartbeat("bed-1");
    return rig.count(EventKind::sync_failed) > 0;
  }));
  const auto& why = rig.last(EventKind::sync_failed)->detail;
  CHECK(why.find("answers for daemon elsewhere") != std::string::npos);
  CHECK(why.find("publisher is daemon run-1") != std::string::npos);
  CHECK_FALSE(rig.client->health("bed-1").in_step);
}

TEST_CASE(
    "a command with no reply within the timeout gets an error reply saying so; the snapshot is retried") {
  Rig rig;
  rig.daemon.answers = false;
  REQUIRE(rig.run_until([&] {
    rig.daemon.heartbeat("*");
    return rig.client->publisher_online() && !rig.daemon.requests.empty();
  }));
  vigil::v1::CommandRequest ack;
  ack.set_actor("nurse A. Diaz");
  ack.mutable_acknowledge()->set_bed("bed-1");
  std::optional<vigil::v1::CommandReply> reply;
  auto id = rig.client->send(
      ack, [&](const auto& r) { reply = r; }, rig.now());
  REQUIRE(id.ok());
  rig.jump(2100ms, {"*"});
  REQUIRE(reply);
  CHECK_FALSE(reply->ok());
  CHECK(reply->error().starts_with("no reply from " + rig.daemon.command_endpoint + " within 2.0 s"));
  CHECK(rig.count(EventKind::sync_failed) == 1);
  rig.daemon.answers = true;
  rig.jump(1100ms, {"*"});
  rig.settle();
}

TEST_CASE(
    "a journal query given 20 s is still waited for after the 2 s of a live command, and then given up") {
  Rig rig;
  rig.daemon.answers = false;
  REQUIRE(rig.run_until([&] {
    rig.daemon.heartbeat("*");
    return rig.client->publisher_online() && !rig.daemon.requests.empty();
  }));
  vigil::v1::CommandRequest look;
  look.mutable_record()->set_session(12);
  std::optional<vigil::v1::CommandReply> reply;
  REQUIRE(rig.client
              ->send(
                  look, [&](const auto& r) { reply = r; }, rig.now(), 20s)
              .ok());
  rig.jump(2100ms, {"*"});
  CHECK_FALSE(reply);
  rig.jump(17800ms, {"*"});
  CHECK_FALSE(reply);
  rig.jump(200ms, {"*"});
  REQUIRE(reply);
  CHECK_FALSE(reply->ok());
  CHECK(reply->error_code() == "timeout");
  CHECK(reply->error().starts_with("no reply from " + rig.daemon.command_endpoint + " within 20.0 s"));
}

TEST_CASE("a command is refused at once when the channel has no connection, so it can never run late") {
  Rig rig{[](ClientOptions& o) { o.command_endpoint = "tcp://127.0.0.1:1"; }};
  vigil::v1::CommandRequest pause;
  pause.set_actor("nurse B");
  pause.mutable_audio_pause()->set_bed("bed-1");
  bool called = false;
  auto id = rig.client->send(
      pause, [&](const auto&) { called = true; }, rig.now());
  REQUIRE_FALSE(id.ok());
  CHECK(id.error() == "not connected to the command channel tcp://127.0.0.1:1");
  CHECK_FALSE(called);
}

TEST_CASE("a command channel that cannot be reached is reported once, after the time an answer would take") {
  Rig rig{[](ClientOptions& o) { o.command_endpoint = "tcp://127.0.0.1:1"; }};
  rig.run_for(50ms);
  CHECK(rig.count(EventKind::sync_failed) == 0);
  rig.jump(2100ms, {"*"});
  rig.run_for(300ms);
  REQUIRE(rig.count(EventKind::sync_failed) == 1);
  CHECK(rig.last(EventKind::sync_failed)->detail == "cannot reach the command channel tcp://127.0.0.1:1");
  rig.jump(2100ms, {"*"});
  rig.run_for(300ms);
  CHECK(rig.count(EventKind::sync_failed) == 1);
}

TEST_CASE("commands get their own reply, matched by request id") {
  Rig rig;
  rig.settle();
  vigil::v1::CommandRequest ack;
  ack.set_actor("nurse A. Diaz");
  ack.mutable_acknowledge()->set_bed("bed-1");
  std::optional<vigil::v1::CommandReply> reply;
  auto id = rig.client->send(
      ack, [&](const auto& r) { reply = r; }, rig.now());
  REQUIRE(id.ok());
  REQUIRE(rig.run_until([&] { return reply.has_value(); }));
  CHECK(reply->ok());
  CHECK(reply->request_id() == id.value());
  CHECK(rig.daemon.commands == 1);
}

TEST_CASE("refresh asks for a new snapshot of one bed") {
  Rig rig;
  rig.settle();
  rig.client->refresh("bed-1");
  REQUIRE(rig.run_until([&] { return rig.daemon.snapshots == 2 && rig.client->health("bed-1").in_step; }));
  CHECK(rig.daemon.requests.back().snapshot().bed() == "bed-1");
}

TEST_CASE("without a command channel the stream starts at the first heartbeat and gaps are only reported") {
  Rig rig{[](ClientOptions& o) { o.command_endpoint.clear(); }};
  REQUIRE(rig.run_until([&] {
    rig.daemon.heartbeat("bed-1");
    return rig.client->health("bed-1").in_step;
  }));
  CHECK(rig.client->health("bed-1").applied == 3);
  rig.daemon.reading("bed-1", 91, true);
  rig.daemon.reading("bed-1", 90);
  REQUIRE(rig.run_until([&] { return !rig.obs_seqs.empty(); }));
  CHECK(rig.obs_seqs == std::vector<std::uint64_t>{5});
  REQUIRE(rig.last(EventKind::gap));
  CHECK(rig.last(EventKind::gap)->detail == "no command channel to recover from");
  CHECK(rig.daemon.requests.empty());
}

TEST_CASE("a client for bed-1 gets bed-1 only, never bed-10") {
  Rig rig{[](ClientOptions& o) { o.beds = {"bed-1"}; }};
  for (int i = 0; i < 3; ++i) rig.daemon.reading("bed-10", 99);
  rig.settle();
  rig.daemon.reading("bed-10", 99);
  rig.daemon.reading("bed-1", 96);
  REQUIRE(rig.run_until([&] { return !rig.obs_seqs.empty(); }));
  rig.run_for(20ms);
  CHECK(rig.client->beds() == std::vector<std::string>{"bed-1"});
  for (const auto& line : rig.log) CHECK(line.find("bed-10") == std::string::npos);
  CHECK(rig.daemon.requests.front().snapshot().bed() == "bed-1");
}
