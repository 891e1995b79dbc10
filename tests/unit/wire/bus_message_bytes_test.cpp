// The hand-written bytes of an observation are the subscribers' contract:
// they must be protobuf's own, byte for byte, whatever the fields hold.
#include "wire/bus_message_bytes.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "wire/observation.hpp"

using namespace vigil;

namespace {

std::string hand_written(const v1::BusMessage& m) {
  const wire::BusMessageBytes measured{m};
  std::string bytes(measured.size(), '\0');
  auto* begin = reinterpret_cast<std::uint8_t*>(bytes.data());
  const auto* end = measured.write(begin);
  REQUIRE(static_cast<std::size_t>(end - begin) == bytes.size());
  return bytes;
}

void check_as_protobuf_writes_it(const v1::BusMessage& m) {
  CHECK(hand_written(m) == m.SerializeAsString());
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
  v1::BusMessage m;
  wire::fill(*m.mutable_observation(), o, false);
  check_as_protobuf_writes_it(m);
  // A reading without a value: 0, flagged invalid; a drill; a device clock.
  o.reading.value.reset();
  o.reading.device_time = o.received - std::chrono::seconds{2};
  wire::fill(*m.mutable_observation(), o, true);
  check_as_protobuf_writes_it(m);
}

TEST_CASE("every field at its default, at its edges and at every length class is written as protobuf does") {
  v1::BusMessage m;
  auto& o = *m.mutable_observation();
  check_as_protobuf_writes_it(m);  // an empty observation: a key and a zero length
  o.mutable_quality();
  o.mutable_received();
  check_as_protobuf_writes_it(m);  // present but empty parts are kept
  o.set_value(-0.0);               // not 0 in bits: written
  check_as_protobuf_writes_it(m);
  o.set_value(std::numeric_limits<double>::quiet_NaN());
  check_as_protobuf_writes_it(m);
  o.mutable_device_time()->set_seconds(-62135596800);  // 0001-01-01: a ten-byte varint
  o.mutable_device_time()->set_nanos(-1);
  o.set_seq(std::numeric_limits<std::uint64_t>::max());
  o.set_mdc_code(std::numeric_limits<std::uint32_t>::max());
  o.set_bed(std::string(127, 'b'));
  o.set_device(std::string(128, 'd'));  // a two-byte length
  o.set_unit("µmol/l");                 // UTF-8 beyond ASCII goes as it is
  check_as_protobuf_writes_it(m);
  o.set_bed(std::string(20000, 'x'));  // a three-byte length, and the whole message's
  check_as_protobuf_writes_it(m);
}

TEST_CASE("random observations (fixed seed) are written as protobuf writes them") {
  std::mt19937_64 rng{20261206};
  auto pick = [&](std::uint64_t below) { return rng() % below; };
  for (int i = 0; i < 2000; ++i) {
    v1::BusMessage m;
    auto& o = *m.mutable_observation();
    o.set_bed(std::string(pick(3) ? pick(20) : pick(300), 'b'));
    o.set_device(std::string(pick(20), 'd'));
    o.set_mdc_code(static_cast<std::uint32_t>(rng() >> pick(64)));
    o.set_mdc_ref(std::string(pick(40), 'r'));
    o.set_metric(std::string(pick(12), 'm'));
    o.set_value(pick(4) ? std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(pick(80)) - 60)
                        : 0.0);
    o.set_unit(std::string(pick(8), 'u'));
    if (pick(4)) {
      auto* q = o.mutable_quality();
      q->set_invalid(pick(2));
      q->set_artifact(pick(2));
      q->set_sensor_off(pick(2));
      q->set_low_perfusion(pick(2));
      q->set_questionable(pick(2));
    }
    for (auto* t : {pick(2) ? o.mutable_device_time() : nullptr, pick(8) ? o.mutable_received() : nullptr}) {
      if (!t) continue;
      t->set_seconds(static_cast<std::int64_t>(rng() >> pick(64)) * (pick(5) ? 1 : -1));
      t->set_nanos(static_cast<std::int32_t>(pick(1000000000)) * (pick(9) ? 1 : -1));
    }
    o.set_seq(rng() >> pick(64));
    o.set_drill(pick(2));
    check_as_protobuf_writes_it(m);
  }
}

TEST_CASE("other bodies, and observations carrying unknown fields, are written by protobuf itself") {
  v1::BusMessage hb;
  hb.mutable_heartbeat()->set_bed("bed-1");
  hb.mutable_heartbeat()->set_last_seq(7);
  check_as_protobuf_writes_it(hb);
  // A field number this build does not know, as a newer peer could send it.
  v1::BusMessage newer;
  newer.mutable_observation()->set_bed("bed-1");
  std::string bytes = newer.SerializeAsString() + std::string{"\xc0\x0c\x01", 3};  // field 200 = 1, varint
  REQUIRE(newer.ParseFromString(bytes));
  REQUIRE(!newer.GetReflection()->GetUnknownFields(newer).empty());
  check_as_protobuf_writes_it(newer);
}
