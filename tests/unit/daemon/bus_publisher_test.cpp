// The bus's sequence numbers: per bed, reserved in blocks before they are
// used, continued above a reservation after a restart, and the recent
// messages of each stream kept for replay.
#include "daemon/bus_publisher.hpp"

#include <doctest/doctest.h>

#include <string>

#include "core/time.hpp"
#include "journal/bus_messages.hpp"
#include "wire/timestamp.hpp"

using namespace vigil;
using namespace vigil::daemon;

namespace {

vigil::v1::BusMessage reading() {
  vigil::v1::BusMessage m;
  m.mutable_observation()->set_metric("spo2");
  return m;
}

struct Reservations {
  std::vector<std::pair<std::string, std::uint64_t>> calls;
  BusPublisher::Reserve callback() {
    return [this](const std::string& bed, std::uint64_t up_to) { calls.emplace_back(bed, up_to); };
  }
};

}  // namespace

TEST_CASE("Each bed's stream reserves a block of numbers before it uses the first of them") {
  zmq::context_t ctx;
  BusPublisher bus{ctx, "inproc://seq-1", "d1"};
  Reservations r;
  bus.set_reserve(r.callback());
  auto m = reading();
  CHECK(bus.publish(m, "bed-1") == 1);
  CHECK(m.observation().seq() == 1);
  REQUIRE(r.calls.size() == 1);
  CHECK(r.calls[0] == std::pair<std::string, std::uint64_t>{"bed-1", BusPublisher::kReserveBlock});
  for (std::uint64_t i = 2; i <= BusPublisher::kReserveBlock; ++i) bus.publish(m, "bed-1");
  CHECK(r.calls.size() == 1);  // a whole block without a write
  bus.publish(m, "bed-1");
  REQUIRE(r.calls.size() == 2);
  CHECK(r.calls[1].second == 2 * BusPublisher::kReserveBlock);
  CHECK(bus.publish(m, "bed-2") == 1);  // another bed, its own numbers
}

TEST_CASE("After a restart a stream continues above the journal's reservation, never below") {
  zmq::context_t ctx;
  BusPublisher bus{ctx, "inproc://seq-2", "d2"};
  Reservations r;
  bus.set_reserve(r.callback());
  bus.continue_after("bed-1", 4000);
  CHECK(bus.last_seq("bed-1") == 4000);
  auto m = reading();
  CHECK(bus.publish(m, "bed-1") == 4001);
  CHECK(r.calls.back().second == 4000 + BusPublisher::kReserveBlock);
  bus.continue_after("bed-1", 10);  // an older number changes nothing
  CHECK(bus.publish(m, "bed-1") == 4002);
}

TEST_CASE("The recent messages of a stream are kept for replay, the oldest dropped first") {
  zmq::context_t ctx;
  BusPublisher bus{ctx, "inproc://seq-3", "d3"};
  auto m = reading();
  const std::size_t n = 5000;  // far more than the store holds
  for (std::size_t i = 0; i < n; ++i) bus.publish(m, "bed-1");
  const auto oldest = bus.oldest_recent("bed-1");
  CHECK(oldest > 1);
  const auto after = bus.recent("bed-1", oldest + 99, 3);
  REQUIRE(after.size() == 3);
  CHECK(wire::seq_of(after[0]) == oldest + 100);
  CHECK(wire::seq_of(after[2]) == oldest + 102);
  CHECK(wire::seq_of(bus.recent("bed-1", n - 1, 5).at(0)) == n);
  CHECK(bus.recent("bed-1", n, 5).empty());
  CHECK(bus.oldest_recent("bed-9") == 0);
}

namespace {

// What a bed publishes in one second: a Masimo line (SpO2, pulse, perfusion
// index) and a Nonin's SpO2 and pulse, stamped with the clock's time.
void one_second_of_a_bed(RecentMessages& store, std::uint64_t& seq, core::TimePoint now) {
  const std::pair<const char*, double> readings[] = {
      {"spo2", 97}, {"pulse", 72}, {"pi", 2.4}, {"spo2", 96}, {"pulse", 73}};
  for (const auto& [metric, value] : readings) {
    vigil::v1::BusMessage m;
    auto* o = m.mutable_observation();
    o->set_bed("bed-12");
    o->set_device("masimo-radical7-bed-12");
    o->set_mdc_code(150456);
    o->set_mdc_ref("MDC_PULS_OXIM_SAT_O2");
    o->set_metric(metric);
    o->set_value(value);
    o->set_unit("%");
    wire::set_time(o->mutable_device_time(), now);
    wire::set_time(o->mutable_received(), now);
    o->set_seq(++seq);
    store.keep(seq, m);
  }
}

}  // namespace

TEST_CASE(
    "A bed's replay store stays within its bytes for an hour, and still holds the last seconds the journal "
    "may not have yet") {
  core::ManualClock clock;
  RecentMessages store{BusPublisher::kRecentBytes};
  std::uint64_t seq = 0;
  std::size_t most = 0;
  for (int s = 0; s < 3600; ++s) {
    one_second_of_a_bed(store, seq, clock.now());
    most = std::max(most, store.bytes());
    clock.advance(std::chrono::seconds{1});
  }
  CHECK(most <= BusPublisher::kRecentBytes);
  CHECK(store.bytes() > BusPublisher::kRecentBytes * 3 / 4);  // filled, not emptied
  // Readings reach the journal about a second after they are published: the
  // store must reach further back than that.
  const auto kept = store.after(0, store.size());
  REQUIRE(kept.size() == store.size());
  CHECK(wire::seq_of(kept.back()) == seq);
  const auto oldest = wire::from_proto(kept.front().observation().received());
  CHECK(clock.now() - oldest >= std::chrono::seconds{10});
}

TEST_CASE("One message larger than the whole bound is still kept (the newest always is), alone") {
  RecentMessages store{1024};
  vigil::v1::BusMessage small = reading();
  for (std::uint64_t i = 1; i <= 10; ++i) store.keep(i, small);
  vigil::v1::BusMessage big;
  big.mutable_alarm()->set_message(std::string(4000, 'x'));
  store.keep(11, big);
  CHECK(store.size() == 1);
  CHECK(store.oldest() == 11);
  // And the small ones that follow push it out again, reusing the slots.
  for (std::uint64_t i = 12; i <= 40; ++i) store.keep(i, small);
  CHECK(store.oldest() > 11);
  CHECK(store.size() > 10);
  CHECK(store.bytes() <= 1024);
}

TEST_CASE(
    "A replay store's messages of every size wrap round its one buffer and come back whole and in order, the "
    "newest always among them") {
  RecentMessages store{2048};
  std::uint64_t seq = 0;
  std::uint32_t lengths = 7;  // a fixed sequence of lengths, 0 to 300 characters
  for (int i = 0; i < 2000; ++i) {
    lengths = lengths * 1103515245 + 12345;
    vigil::v1::BusMessage m;
    m.mutable_alarm()->set_seq(++seq);
    m.mutable_alarm()->set_message(std::string(lengths % 301, static_cast<char>('a' + seq % 26)));
    const auto sent = store.keep(seq, m);
    REQUIRE(sent == m.SerializeAsString());
    REQUIRE(store.bytes() <= 2048);
    const auto kept = store.after(0, store.size());
    REQUIRE(kept.size() == store.size());
    REQUIRE(store.oldest() == kept.front().alarm().seq());
    for (std::size_t k = 0; k < kept.size(); ++k) {
      const auto& a = kept[k].alarm();
      REQUIRE(a.seq() == store.oldest() + k);  // no gap: only the oldest are dropped
      REQUIRE(a.message().find_first_not_of(static_cast<char>('a' + a.seq() % 26)) == std::string::npos);
    }
    REQUIRE(kept.back().alarm().seq() == seq);
  }
  CHECK(store.after(seq - 2, 10).size() == 2);
}

TEST_CASE(
    "A replay store given messages up to larger than its bound, mixed with small ones, keeps the newest and "
    "an unbroken run before it") {
  RecentMessages store{1024};
  std::uint64_t seq = 0;
  std::uint32_t lengths = 11;  // a fixed sequence: mostly small, some near or beyond the bound
  for (int i = 0; i < 3000; ++i) {
    lengths = lengths * 1103515245 + 12345;
    const std::size_t length = (lengths >> 8) % 8 == 0 ? (lengths >> 12) % 1400 : (lengths >> 12) % 120;
    vigil::v1::BusMessage m;
    m.mutable_alarm()->set_seq(++seq);
    m.mutable_alarm()->set_message(std::string(length, 'm'));
    const auto sent = store.keep(seq, m);
    REQUIRE(sent == m.SerializeAsString());
    REQUIRE(store.bytes() <= std::max<std::size_t>(1024, sent.size() + RecentMessages::kHeader));
    const auto kept = store.after(0, store.size());
    REQUIRE(kept.size() == store.size());
    REQUIRE(kept.back().alarm().seq() == seq);
    for (std::size_t k = 0; k < kept.size(); ++k) REQUIRE(kept[k].alarm().seq() == store.oldest() + k);
    REQUIRE(store.after(seq - 1, 5).size() == 1);
  }
}

TEST_CASE("A bed's replay store takes no more memory than its bound and the index of what it holds") {
  core::ManualClock clock;
  RecentMessages store{BusPublisher::kRecentBytes};
  std::uint64_t seq = 0;
  for (int s = 0; s < 600; ++s) {
    one_second_of_a_bed(store, seq, clock.now());
    clock.advance(std::chrono::seconds{1});
  }
  CHECK(store.footprint() <= BusPublisher::kRecentBytes + 16 * store.size());
  CHECK(store.footprint() <= BusPublisher::kRecentBytes * 5 / 4);
}
