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
  CHECK(direct.columns.seq == via.columns.seq);
  CHECK(direct.device == via.device);
  CHECK(direct.columns.mdc_code == via.columns.mdc_code);
  CHECK(std::bit_cast<std::uint64_t>(direct.columns.value) ==
        std::bit_cast<std::uint64_t>(via.columns.value));
  CHECK(direct.columns.quality == via.columns.quality);
  CHECK(direct.columns.device_time_us == via.columns.device_time_us);
  CHECK(direct.columns.received_us == via.columns.received_us);
  CHECK(direct.columns.drill == via.columns.drill);
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

TEST_CASE(
    "a bed's or device's name is kept once for the writer: the same name gives the same pointer, another "
    "name another, and a pointer handed out still reads its name after thousands more came") {
  journal::RowNames names;
  const std::string bed = "intensive-care-east-bed-12";  // longer than a string keeps in place
  const auto* first = names.intern(bed);
  CHECK(*first == bed);
  CHECK(first != &bed);
  CHECK(names.intern(std::string{bed}) == first);
  CHECK(names.intern("bed-1") != first);
  for (int i = 0; i < 10000; ++i) names.intern("bed-" + std::to_string(i));
  CHECK(names.size() == 10001);
  CHECK(names.intern(bed) == first);
  CHECK(*first == bed);

  // The caller's last name is tried first, and the answer kept there.
  const std::string* last = nullptr;
  CHECK(names.intern("bed-7", last) == names.intern("bed-7"));
  CHECK(last == names.intern("bed-7"));
  CHECK(names.intern("bed-7", last) == last);
  CHECK(names.intern("bed-70", last) == names.intern("bed-70"));
  CHECK(*last == "bed-70");
  CHECK(names.size() == 10001);
}
