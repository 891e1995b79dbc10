// A reading is published from its core::Observation without a protobuf
// message built for it: a subscriber must get exactly what it got when one
// was, on the same topic, in the same stream.
#include <doctest/doctest.h>

#include <string>

#include "daemon/bus_publisher.hpp"
#include "wire/observation.hpp"

using namespace vigil;
using namespace vigil::daemon;

namespace {

core::Observation masimo_spo2(double value) {
  core::Observation o;
  o.bed = "bed-1";
  o.device = "masimo";
  o.reading.metric = core::Metric::spo2;
  o.reading.value = value;
  o.received = core::TimePoint{std::chrono::hours{24 * 365 * 56} + std::chrono::microseconds{250}};
  return o;
}

}  // namespace

TEST_CASE(
    "a reading reaches a subscriber as the bytes of its protobuf message, numbered in its bed's stream") {
  zmq::context_t ctx;
  BusPublisher bus{ctx, "inproc://reading-bytes", "d1"};
  zmq::socket_t sub{ctx, zmq::socket_type::sub};
  sub.set(zmq::sockopt::subscribe, "");
  sub.connect("inproc://reading-bytes");
  std::vector<std::pair<std::string, v1::BusMessage>> tapped;
  bus.set_tap([&](const v1::BusMessage& m, const std::string& bed) { tapped.emplace_back(bed, m); });

  vigil::v1::BusMessage alarm;
  alarm.mutable_alarm()->set_condition("desaturation");
  bus.publish(alarm, "bed-1");  // seq 1: readings share the stream with every other message
  auto o = masimo_spo2(97);
  CHECK(bus.publish(o, true) == 2);
  CHECK(o.seq == 2);
  o.reading.value.reset();  // no value: 0, flagged invalid
  o.reading.device_time = o.received;
  CHECK(bus.publish(o, true) == 3);

  zmq::message_t topic, body;
  REQUIRE(sub.recv(topic));
  REQUIRE(sub.recv(body));  // the alarm
  for (const std::uint64_t seq : {2, 3}) {
    CAPTURE(seq);
    REQUIRE(sub.recv(topic));
    REQUIRE(topic.more());
    REQUIRE(sub.recv(body));
    CHECK(!body.more());
    CHECK(topic.to_string() == "obs/bed-1/");
    auto expected = masimo_spo2(97);
    if (seq == 3) {
      expected.reading.value.reset();
      expected.reading.device_time = expected.received;
    }
    expected.seq = seq;
    v1::BusMessage m;
    *m.mutable_observation() = wire::to_proto(expected, true);
    CHECK(body.to_string() == m.SerializeAsString());
    // Kept for replay, and given to the tap, as that message.
    const auto kept = bus.recent("bed-1", seq - 1, 1);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].SerializeAsString() == m.SerializeAsString());
    REQUIRE(tapped.size() >= seq);
    CHECK(tapped[seq - 1].first == "bed-1");
    CHECK(tapped[seq - 1].second.SerializeAsString() == m.SerializeAsString());
  }
  CHECK(bus.last_seq("bed-1") == 3);
}
