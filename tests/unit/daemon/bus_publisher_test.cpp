// The bus's sequence numbers: per bed, reserved in blocks before they are
// used, continued above a reservation after a restart, and the recent
// messages of each stream kept for replay.
#include "daemon/bus_publisher.hpp"

#include <doctest/doctest.h>

#include "journal/bus_messages.hpp"

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
  for (std::size_t i = 0; i < BusPublisher::kRecent + 10; ++i) bus.publish(m, "bed-1");
  CHECK(bus.oldest_recent("bed-1") == 11);
  const auto after = bus.recent("bed-1", 100, 3);
  REQUIRE(after.size() == 3);
  CHECK(wire::seq_of(after[0]) == 101);
  CHECK(wire::seq_of(after[2]) == 103);
  CHECK(bus.recent("bed-1", BusPublisher::kRecent + 10, 5).empty());
  CHECK(bus.oldest_recent("bed-9") == 0);
}
