// The hand-written bytes of a reading are the subscribers' contract: they
// must be protobuf's own for the message wire::to_proto() makes, byte for
// byte, whatever the reading holds.
#include "wire/bus_message_bytes.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "wire/observation.hpp"

using namespace vigil;

namespace {

std::string written_bytes(const wire::BusMessageBytes& measured) {
  std::string bytes(measured.size(), '\0');
  auto* begin = reinterpret_cast<std::uint8_t*>(bytes.data());
  const auto* end = measured.write(begin);
  REQUIRE(static_cast<std::size_t>(end - begin) == bytes.size());
  return bytes;
}

void check_as_protobuf_writes_it(const core::Observation& o, bool drill) {
  v1::BusMessage m;
  *m.mutable_observation() = wire::to_proto(o, drill);
  CHECK(wire::ReadingBytes{}.write(o, drill) == m.SerializeAsString());
}

core::TimePoint micros_from_epoch(std::int64_t us) {
  return core::TimePoint{std::chrono::microseconds{us}};
}

}  // namespace

TEST_CASE("a Masimo SpO2 reading goes out as the bytes protobuf writes") {
  core::Observation o;
  o.bed = "bed-1";
  o.device = "masimo";
  o.reading.metric = core::Metric::spo2;
  o.reading.value = 97;
  o.received = core::TimePoint{std::chrono::hours{24 * 365 * 56} + std::chrono::microseconds{123456}};
  o.seq = 41;
  check_as_protobuf_writes_it(o, false);
  // A reading without a value: 0, flagged invalid; a drill; a device clock.
  o.reading.value.reset();
  o.reading.device_time = o.received - std::chrono::seconds{2};
  check_as_protobuf_writes_it(o, true);
}

TEST_CASE("every field at its default, at its edges and at every length class is written as protobuf does") {
  core::Observation o;
  o.reading.metric = core::Metric::heart_rate;
  check_as_protobuf_writes_it(o, false);  // empty names, seq 0, the epoch: quality and received still go
  o.reading.value = -0.0;                 // not 0 in bits: written
  check_as_protobuf_writes_it(o, false);
  o.reading.value = std::numeric_limits<double>::quiet_NaN();
  check_as_protobuf_writes_it(o, false);
  o.reading.value = 0.0;  // a zero value is left out, and not flagged
  o.reading.quality.bits = 0x1F;
  o.reading.device_time = micros_from_epoch(
      -9'000'000'000'000'000);         // 1684, about the earliest a TimePoint holds: a ten-byte varint
  o.received = micros_from_epoch(-1);  // before the epoch: nanos still positive
  o.seq = std::numeric_limits<std::uint64_t>::max();
  o.bed = std::string(127, 'b');
  o.device = std::string(128, 'd');  // a two-byte length
  check_as_protobuf_writes_it(o, true);
  o.bed = std::string(20000, 'x');  // a three-byte length, and the whole message's
  o.device = "µ-device";            // UTF-8 beyond ASCII goes as it is
  check_as_protobuf_writes_it(o, true);
  o.received = core::TimePoint{std::chrono::nanoseconds{999}};  // below the microsecond: dropped
  check_as_protobuf_writes_it(o, false);
}

TEST_CASE("random readings of every metric (fixed seed) are written as protobuf writes them") {
  std::mt19937_64 rng{20261206};
  auto pick = [&](std::uint64_t below) { return rng() % below; };
  const auto metrics = core::all_metrics();
  for (int i = 0; i < 4000; ++i) {
    core::Observation o;
    o.bed = std::string(pick(3) ? pick(20) : pick(300), 'b');
    o.device = std::string(pick(20), 'd');
    o.reading.metric = metrics[pick(metrics.size())].metric;
    if (pick(5))
      o.reading.value = pick(4)
                            ? std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(pick(80)) - 60) *
                                  (pick(3) ? 1 : -1)
                            : 0.0;
    o.reading.quality.bits = static_cast<std::uint16_t>(pick(32));
    // Up to about 290 years either side of the epoch, to the nanosecond.
    auto any_time = [&] {
      return core::TimePoint{
          core::Duration{static_cast<std::int64_t>(rng() >> (1 + pick(63))) * (pick(5) ? 1 : -1)}};
    };
    if (pick(2)) o.reading.device_time = any_time();
    o.received = any_time();
    o.seq = rng() >> pick(64);
    check_as_protobuf_writes_it(o, pick(2));
  }
}

TEST_CASE("other messages are written by protobuf itself") {
  v1::BusMessage hb;
  hb.mutable_heartbeat()->set_bed("bed-1");
  hb.mutable_heartbeat()->set_last_seq(7);
  CHECK(written_bytes(wire::BusMessageBytes{hb}) == hb.SerializeAsString());
  // An observation message (a replayed one, parsed back) as well, unknown fields and all.
  v1::BusMessage newer;
  newer.mutable_observation()->set_bed("bed-1");
  std::string bytes = newer.SerializeAsString() + std::string{"\xc0\x0c\x01", 3};  // field 200 = 1, varint
  REQUIRE(newer.ParseFromString(bytes));
  CHECK(written_bytes(wire::BusMessageBytes{newer}) == bytes);
}
