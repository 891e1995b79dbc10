#include "client/bed_stream.hpp"

#include <doctest/doctest.h>

#include "wire/envelope.hpp"

using vigil::client::BedStream;
using vigil::v1::BusMessage;

namespace {

BusMessage obs(std::uint64_t seq, double value = 97) {
  BusMessage m;
  auto* o = m.mutable_observation();
  o->set_bed("bed-1");
  o->set_metric("spo2");
  o->set_value(value);
  o->set_seq(seq);
  return m;
}

std::vector<std::uint64_t> seqs(const std::vector<BusMessage>& ms) {
  std::vector<std::uint64_t> v;
  for (const auto& m : ms) v.push_back(vigil::wire::seq_of(m));
  return v;
}

}  // namespace

TEST_CASE("updates that arrive before the snapshot are held, then those after its last_seq go out in order") {
  BedStream s;
  s.begin_sync();
  CHECK(s.on_update(obs(12)).deliver.empty());
  CHECK(s.on_update(obs(14)).deliver.empty());
  CHECK(s.on_update(obs(13)).deliver.empty());
  CHECK(s.on_update(obs(11)).deliver.empty());
  CHECK(s.held() == 4);
  const auto step = s.on_snapshot(11);
  CHECK(seqs(step.deliver) == std::vector<std::uint64_t>{12, 13, 14});
  CHECK_FALSE(step.gap);
  CHECK(s.state() == BedStream::State::live);
  CHECK(s.applied() == 14);
  CHECK(s.held() == 0);
}

TEST_CASE("a live stream hands on the next number at once and drops what it already has") {
  BedStream s;
  (void)s.on_snapshot(5);
  CHECK(seqs(s.on_update(obs(6)).deliver) == std::vector<std::uint64_t>{6});
  CHECK(s.on_update(obs(6)).deliver.empty());
  CHECK(s.on_update(obs(3)).deliver.empty());
  CHECK(s.applied() == 6);
}

TEST_CASE("a number that jumps is a gap: the stream stops handing on and holds what came") {
  BedStream s;
  (void)s.on_snapshot(5);
  const auto step = s.on_update(obs(8));
  REQUIRE(step.gap);
  CHECK(step.gap->have == 5);
  CHECK(step.gap->seen == 8);
  CHECK(step.deliver.empty());
  CHECK(s.state() == BedStream::State::unsynced);
  CHECK(s.on_update(obs(9)).deliver.empty());
  // A replay of 6 and 7 closes it, and the held 8 and 9 follow.
  const auto replayed = s.on_replay({obs(6), obs(7)});
  CHECK(seqs(replayed.deliver) == std::vector<std::uint64_t>{6, 7, 8, 9});
  CHECK_FALSE(replayed.gap);
  CHECK(s.state() == BedStream::State::live);
}

TEST_CASE("a heartbeat whose last_seq is ahead of what was applied is a gap (the last message was lost)") {
  BedStream s;
  (void)s.on_snapshot(5);
  CHECK_FALSE(s.on_heartbeat(5));
  const auto gap = s.on_heartbeat(6);
  REQUIRE(gap);
  CHECK(gap->have == 5);
  CHECK(gap->seen == 6);
  CHECK(s.state() == BedStream::State::unsynced);
  // While out of step, further heartbeats do not report the same gap again.
  CHECK_FALSE(s.on_heartbeat(7));
}

TEST_CASE("a replay that does not reach back to the gap leaves the stream out of step") {
  BedStream s;
  (void)s.on_snapshot(5);
  (void)s.on_update(obs(9));
  const auto step = s.on_replay({obs(7), obs(8)});
  CHECK(step.deliver.empty());
  REQUIRE(step.gap);
  CHECK(step.gap->have == 5);
  CHECK(step.gap->seen == 7);
  CHECK(s.state() == BedStream::State::unsynced);
  // The next snapshot settles it, and 9 is still held to follow it.
  const auto snap = s.on_snapshot(8);
  CHECK(seqs(snap.deliver) == std::vector<std::uint64_t>{9});
}

TEST_CASE("a snapshot older than a held gap leaves the stream out of step with the gap reported") {
  BedStream s;
  s.begin_sync();
  (void)s.on_update(obs(20));
  const auto step = s.on_snapshot(17);
  REQUIRE(step.gap);
  CHECK(step.gap->have == 17);
  CHECK(step.gap->seen == 20);
  CHECK(s.state() == BedStream::State::unsynced);
}

TEST_CASE("a restarted daemon's stream starts again from nothing") {
  BedStream s;
  (void)s.on_snapshot(500);
  (void)s.on_update(obs(502));
  s.reset();
  CHECK(s.applied() == 0);
  CHECK(s.held() == 0);
  CHECK(s.state() == BedStream::State::unsynced);
  CHECK(seqs(s.on_snapshot(3).deliver).empty());
  CHECK(seqs(s.on_update(obs(4)).deliver) == std::vector<std::uint64_t>{4});
}

TEST_CASE("held updates are bounded: the oldest go first, and the hole they leave is a gap") {
  BedStream s;
  s.begin_sync();
  for (std::uint64_t i = 1; i <= BedStream::kMaxHeld + 10; ++i) (void)s.on_update(obs(i));
  CHECK(s.held() == BedStream::kMaxHeld);
  const auto step = s.on_snapshot(0);
  REQUIRE(step.gap);
  CHECK(step.gap->seen == 11);
}

TEST_CASE("without a command channel the first number seen is the start and gaps are stepped over") {
  BedStream s{false};
  CHECK_FALSE(s.on_heartbeat(40));
  CHECK(s.state() == BedStream::State::live);
  CHECK(seqs(s.on_update(obs(41)).deliver) == std::vector<std::uint64_t>{41});
  const auto step = s.on_update(obs(44));
  REQUIRE(step.gap);
  CHECK(step.gap->have == 41);
  CHECK(seqs(step.deliver) == std::vector<std::uint64_t>{44});
  CHECK(s.state() == BedStream::State::live);
  const auto hb_gap = s.on_heartbeat(46);
  REQUIRE(hb_gap);
  CHECK(s.applied() == 46);
}
