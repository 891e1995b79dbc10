#include <doctest/doctest.h>

#include <chrono>

#include "wire/envelope.hpp"
#include "wire/observation.hpp"
#include "wire/quality.hpp"
#include "wire/timestamp.hpp"

using namespace vigil;
using namespace std::chrono_literals;

TEST_CASE("a time goes out to the microsecond and comes back as it went") {
  const core::TimePoint t{std::chrono::hours{24 * 365 * 56} + 123456789ns};
  google::protobuf::Timestamp ts;
  wire::set_time(&ts, t);
  CHECK(ts.nanos() == 123456000);
  CHECK(wire::from_proto(ts) == core::TimePoint{std::chrono::hours{24 * 365 * 56} + 123456us});
  // Before the epoch (a device clock far off): nanos stay in [0, 1e9) as
  // the Timestamp definition requires.
  const core::TimePoint before{-1500ms};
  wire::set_time(&ts, before);
  CHECK(ts.seconds() == -2);
  CHECK(ts.nanos() == 500000000);
  CHECK(wire::from_proto(ts) == before);
}

TEST_CASE("usable on the wire is core::Quality::usable, questionable included") {
  v1::Quality q;
  CHECK(wire::usable(q));
  q.set_low_perfusion(true);  // still a number monitors alarm on
  CHECK(wire::usable(q));
  CHECK(wire::unusable_reason(q).empty());
  q.set_questionable(true);
  CHECK(!wire::usable(q));
  CHECK(wire::unusable_reason(q) == "questionable");
  q.set_invalid(true);
  CHECK(wire::unusable_reason(q) == "invalid");
  q.set_sensor_off(true);
  CHECK(wire::unusable_reason(q) == "sensor off");
  // Every flag survives the round trip through core.
  for (int bits = 0; bits < 32; ++bits) {
    core::Quality c{static_cast<std::uint16_t>(bits)};
    v1::Quality p;
    wire::set_quality(&p, c);
    CHECK(wire::from_proto(p).bits == c.bits);
    CHECK(wire::usable(p) == c.usable());
  }
}

TEST_CASE("a reading without a value goes out as value 0 flagged invalid, as codecs sent it before") {
  core::Observation o;
  o.reading.metric = core::Metric::spo2;
  o.reading.quality.set(core::QualityFlag::sensor_off);
  auto p = wire::to_proto(o, false);
  CHECK(p.value() == 0);
  CHECK(p.quality().invalid());
  CHECK(p.quality().sensor_off());
  // A codec that forgot the flag still never sends a usable reading.
  o.reading.quality = {};
  p = wire::to_proto(o, false);
  CHECK_FALSE(wire::usable(p.quality()));
  o.reading.value = 0;
  p = wire::to_proto(o, false);
  CHECK(wire::usable(p.quality()));
  // The same bytes as an invalid reading of 0 (what four codecs sent for "no value").
  core::Observation zero;
  zero.reading = {core::Metric::spo2, 0.0, {}, std::nullopt};
  zero.reading.quality.set(core::QualityFlag::invalid);
  o.reading = {core::Metric::spo2, std::nullopt, zero.reading.quality, std::nullopt};
  CHECK(wire::to_proto(o, false).SerializeAsString() == wire::to_proto(zero, false).SerializeAsString());
}

TEST_CASE("topic, bed and sequence number of each kind of bus message") {
  v1::BusMessage m;
  CHECK(wire::topic_kind(m) == "unknown");
  CHECK(wire::seq_of(m) == 0);
  CHECK(wire::bed_of(m).empty());
  core::Observation o;
  o.bed = "bed-1";
  o.device = "oximeter";
  o.reading.metric = core::Metric::spo2;
  o.reading.value = 97;
  o.seq = 42;
  *m.mutable_observation() = wire::to_proto(o, false);
  CHECK(wire::topic(wire::topic_kind(m), wire::bed_of(m)) == "obs/bed-1/");
  CHECK(wire::seq_of(m) == 42);
  CHECK(m.observation().unit() == "%");
  m.mutable_heartbeat()->set_bed("bed-10");
  CHECK(wire::topic(wire::topic_kind(m), wire::bed_of(m)) == "hb/bed-10/");
  CHECK(wire::seq_of(m) == 0);
}
