// Held readings (BusPublisher::hold_readings): they go out together when
// the flush runs, and never after a later message of their own bed.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "daemon/bus_publisher.hpp"

using namespace vigil;
using namespace vigil::daemon;

namespace {

core::Observation spo2(const std::string& bed, double value) {
  core::Observation o;
  o.bed = bed;
  o.device = "masimo";
  o.reading.metric = core::Metric::spo2;
  o.reading.value = value;
  o.received = core::TimePoint{std::chrono::hours{24 * 365 * 56}};
  return o;
}

vigil::v1::BusMessage alarm(const std::string& condition) {
  vigil::v1::BusMessage m;
  m.mutable_alarm()->set_condition(condition);
  return m;
}

struct Held {
  zmq::context_t ctx;
  BusPublisher bus;
  zmq::socket_t sub{ctx, zmq::socket_type::sub};
  std::vector<std::function<void()>> flushes;  // what the publisher scheduled, not yet run

  explicit Held(const std::string& endpoint) : bus{ctx, endpoint, "d1"} {
    sub.set(zmq::sockopt::subscribe, "");
    sub.connect(endpoint);
    bus.hold_readings([this](std::function<void()> flush) { flushes.push_back(std::move(flush)); });
  }
  void publish(const std::string& bed, double value) {
    auto o = spo2(bed, value);
    bus.publish(o, false);
  }
  // What has reached the subscriber, as "<topic> <seq>".
  std::vector<std::string> received() {
    std::vector<std::string> got;
    zmq::message_t topic, body;
    while (sub.recv(topic, zmq::recv_flags::dontwait)) {
      REQUIRE(sub.recv(body));
      vigil::v1::BusMessage m;
      REQUIRE(m.ParseFromArray(body.data(), static_cast<int>(body.size())));
      const auto seq = m.has_observation() ? m.observation().seq()
                       : m.has_alarm()     ? m.alarm().seq()
                                           : m.heartbeat().last_seq();
      got.push_back(topic.to_string() + " " + std::to_string(seq));
    }
    return got;
  }
  void run_flushes() {
    auto due = std::move(flushes);
    flushes.clear();
    for (auto& f : due) f();
  }
};

using Got = std::vector<std::string>;

}  // namespace

TEST_CASE("held readings are numbered and kept at once, and reach a subscriber when the flush runs") {
  Held h{"inproc://hold-1"};
  h.publish("bed-1", 97);
  h.publish("bed-2", 96);
  h.publish("bed-1", 95);
  CHECK(h.flushes.size() == 1);  // one flush for all that comes with the first
  CHECK(h.bus.last_seq("bed-1") == 2);
  CHECK(h.bus.recent("bed-1", 0, 10).size() == 2);  // replay has them already
  CHECK(h.received().empty());
  h.run_flushes();
  CHECK(h.received() == Got{"obs/bed-1/ 1", "obs/bed-1/ 2", "obs/bed-2/ 1"});
  h.publish("bed-2", 94);  // the next one asks for a flush again
  CHECK(h.flushes.size() == 1);
  h.run_flushes();
  CHECK(h.received() == Got{"obs/bed-2/ 2"});
}

TEST_CASE("a bed's alarm goes out after that bed's held readings, and waits for no other bed's") {
  Held h{"inproc://hold-2"};
  h.publish("bed-1", 97);
  h.publish("bed-2", 88);
  h.publish("bed-2", 85);
  auto m = alarm("desaturation");
  h.bus.publish(m, "bed-2");
  CHECK(h.received() == Got{"obs/bed-2/ 1", "obs/bed-2/ 2", "alarm/bed-2/ 3"});
  // Sent once, not again at the flush.
  h.run_flushes();
  CHECK(h.received() == Got{"obs/bed-1/ 1"});
  h.publish("bed-1", 97);
  h.bus.flush(h.bus.stream("bed-1"));
  CHECK(h.received() == Got{"obs/bed-1/ 2"});
  h.run_flushes();
  CHECK(h.received().empty());
}

TEST_CASE("a heartbeat comes after the readings it counts") {
  Held h{"inproc://hold-3"};
  h.publish("bed-1", 97);
  h.publish("bed-2", 96);
  h.bus.heartbeat("bed-1", core::TimePoint{}, 1000);
  CHECK(h.received() == Got{"obs/bed-1/ 1", "hb/bed-1/ 1"});
  h.publish("bed-1", 95);
  h.bus.heartbeat("*", core::TimePoint{}, 1000);  // the daemon's: after every bed's
  CHECK(h.received() == Got{"obs/bed-1/ 2", "obs/bed-2/ 1", "hb/*/ 0"});
}

TEST_CASE("past the bound, held readings go out at once (a flood does not wait for the flush)") {
  Held h{"inproc://hold-4"};
  std::size_t published = 0;
  while (h.received().empty()) {
    REQUIRE(published < BusPublisher::kHeldBytes);  // a reading is more than a byte
    h.publish("bed-1", 97);
    ++published;
  }
  // Every held reading went, in order, with nothing scheduled run.
  h.publish("bed-1", 96);
  h.run_flushes();
  const auto got = h.received();
  CHECK(got.back() == "obs/bed-1/ " + std::to_string(published + 1));
}

TEST_CASE("without hold_readings every reading is sent at once") {
  zmq::context_t ctx;
  BusPublisher bus{ctx, "inproc://hold-5", "d1"};
  zmq::socket_t sub{ctx, zmq::socket_type::sub};
  sub.set(zmq::sockopt::subscribe, "");
  sub.connect("inproc://hold-5");
  auto o = spo2("bed-1", 97);
  bus.publish(o, false);
  zmq::message_t topic;
  CHECK(sub.recv(topic, zmq::recv_flags::dontwait));
}

TEST_CASE("a flush scheduled by a publisher that is gone does nothing") {
  std::vector<std::function<void()>> flushes;
  {
    zmq::context_t ctx;
    BusPublisher bus{ctx, "inproc://hold-6", "d1"};
    bus.hold_readings([&](std::function<void()> flush) { flushes.push_back(std::move(flush)); });
    auto o = spo2("bed-1", 97);
    bus.publish(o, false);
  }
  REQUIRE(flushes.size() == 1);
  flushes[0]();  // under ASan a use after free if it touched the publisher
}
