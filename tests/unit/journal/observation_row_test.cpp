// A reading goes to the journal as its row, made from the core::Observation
// without the protobuf message: the row must be the one the message that
// was published would give, whatever the reading holds.
#include <doctest/doctest.h>

#include <random>

#include "journal/journal_writer.hpp"
#include "wire/observation.hpp"

using namespace vigil;

namespace {

void check_as_from_the_message(const core::Observation& o, bool drill) {
  const auto direct = journal::observation_row(o, drill);
  const auto via = journal::observation_row(wire::to_proto(o, drill));
  CHECK(direct.bed == via.bed);
  CHECK(direct.seq == via.seq);
  CHECK(direct.device == via.device);
  CHECK(direct.mdc_code == via.mdc_code);
  CHECK(std::bit_cast<std::uint64_t>(direct.value) == std::bit_cast<std::uint64_t>(via.value));
  CHECK(direct.quality == via.quality);
  CHECK(direct.device_time_us == via.device_time_us);
  CHECK(direct.received_us == via.received_us);
  CHECK(direct.drill == via.drill);
}

}  // namespace

TEST_CASE("a reading's journal row is the row of the message published for it") {
  core::Observation o{
      .bed = "bed-1",
      .device = "masimo",
      .reading = {.metric = core::Metric::spo2, .value = 97, .quality = {}, .device_time = {}},
      .received = core::TimePoint{std::chrono::hours{24 * 365 * 56} + std::chrono::nanoseconds{123456789}},
      .seq = 41};
  check_as_from_the_message(o, false);
  o.reading.value.reset();  // no value: 0, flagged invalid
  o.reading.quality.set(core::QualityFlag::sensor_off);
  o.reading.device_time = core::TimePoint{std::chrono::nanoseconds{-1500}};  // before the epoch
  check_as_from_the_message(o, true);

  std::mt19937_64 rng{20261206};
  const auto metrics = core::all_metrics();
  for (int i = 0; i < 2000; ++i) {
    o.reading.metric = metrics[rng() % metrics.size()].metric;
    o.reading.value = static_cast<double>(static_cast<std::int64_t>(rng() >> 20)) / 1024;
    o.reading.quality.bits = static_cast<std::uint16_t>(rng() % 32);
    const auto any_time = [&] {
      return core::TimePoint{core::Duration{static_cast<std::int64_t>(rng() >> 1) * (rng() % 2 ? 1 : -1)}};
    };
    o.reading.device_time = rng() % 2 ? std::optional{any_time()} : std::nullopt;
    o.received = any_time();
    o.seq = rng();
    check_as_from_the_message(o, rng() % 2);
  }
}
