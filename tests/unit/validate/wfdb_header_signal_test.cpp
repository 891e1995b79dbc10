#include <doctest/doctest.h>

#include "tests/unit/shared_data.hpp"
#include "tools/validate/file_input.hpp"
#include "tools/validate/wfdb_header.hpp"
#include "tools/validate/wfdb_signal.hpp"

using namespace vigil::validate;
using vigil::test::shared_data;

TEST_CASE(
    "the header of record 100 (with its extra comment, CRLF and blank line) reads as PhysioNet publishes "
    "it") {
  const auto data = shared_data();
  if (!data) return;
  const WfdbHeader h = read_wfdb_header(*data + "/mitdb/100.hea");
  CHECK(h.record == "100");
  CHECK(h.sampling_frequency == 360);
  CHECK(h.num_samples == 650000);
  REQUIRE(h.signals.size() == 2);
  const auto& mlii = h.signals[0];
  CHECK(mlii.file_name == "100.dat");
  CHECK(mlii.format == 212);
  CHECK(mlii.adc_gain == 200);
  CHECK(mlii.adc_resolution == 11);
  CHECK(mlii.adc_zero == 1024);
  CHECK(mlii.baseline == 1024);
  CHECK(mlii.initial_value == 995);
  CHECK(mlii.checksum == -22131);
  CHECK(mlii.description == "MLII");
  CHECK(h.signals[1].description == "V5");
  CHECK(h.signals[1].checksum == 20052);
  REQUIRE(h.comments.size() == 3);
  CHECK(h.comments[1] == " 69 M 1085 1629 x1");
}

TEST_CASE("header fields with baseline, units, counter frequency, skew, offset and a spaced description") {
  const WfdbHeader h = parse_wfdb_header(
      "rec 2 125/1000(0) 1000 10:00:00\n"
      "rec.dat 16x2:3+512 100(-5)/mmHg 12 0 7 123 0 ABP radial line\n"
      "rec.dat 16\n");
  CHECK(h.sampling_frequency == 125);
  CHECK(h.num_samples == 1000);
  const auto& abp = h.signals[0];
  CHECK(abp.format == 16);
  CHECK(abp.samples_per_frame == 2);
  CHECK(abp.skew == 3);
  CHECK(abp.byte_offset == 512);
  CHECK(abp.adc_gain == 100);
  CHECK(abp.baseline == -5);
  CHECK(abp.units == "mmHg");
  CHECK(abp.has_checksum);
  CHECK(abp.description == "ABP radial line");
  const auto& bare = h.signals[1];
  CHECK(bare.adc_gain == 200);  // defaults
  CHECK_FALSE(bare.has_checksum);
}

TEST_CASE("a header without a sampling rate means 250 Hz") {
  CHECK(parse_wfdb_header("r 0\n").sampling_frequency == 250);
}

TEST_CASE("malformed headers are refused with the line number") {
  CHECK_THROWS_WITH_AS(parse_wfdb_header("r 2 360\nr.dat 212\n"), doctest::Contains("fewer signal lines"),
                       FormatError);
  CHECK_THROWS_WITH_AS(parse_wfdb_header("r/3 2 360\n"), doctest::Contains("multi-segment"), FormatError);
  CHECK_THROWS_WITH_AS(parse_wfdb_header("r 1 360\nr.dat 212 abc\n"), doctest::Contains("line 2"),
                       FormatError);
  CHECK_THROWS_AS(parse_wfdb_header("r 1 -5\n"), FormatError);
  CHECK_THROWS_AS(parse_wfdb_header("# only a comment\n"), FormatError);
  CHECK_THROWS_AS(parse_wfdb_header("r 1 360\nr.dat 212\nr.dat 212\n"), FormatError);
}

TEST_CASE("format 212 packs two 12-bit two's-complement samples in three bytes") {
  // 0x123 and -1 (0xfff): byte 0 = low 8 bits of the first, byte 1 = high
  // nibbles (second's in the upper half), byte 2 = low 8 bits of the second.
  const std::vector<std::uint8_t> bytes{0x23, 0xf1, 0xff, 0x00, 0x08};
  const auto s = decode_format212(bytes);
  REQUIRE(s.size() == 3);
  CHECK(s[0] == 0x123);
  CHECK(s[1] == -1);
  CHECK(s[2] == -2048);  // a trailing byte pair holds one more sample
}

TEST_CASE(
    "record 100's signals: 650000 samples each, starting at the header's initial values, checksums match") {
  const auto data = shared_data();
  if (!data) return;
  const WfdbHeader h = read_wfdb_header(*data + "/mitdb/100.hea");
  const WfdbSignals s = read_wfdb_signals(h, *data + "/mitdb");
  REQUIRE(s.adu.size() == 2);
  CHECK(s.adu[0].size() == 650000);
  CHECK(s.adu[0][0] == h.signals[0].initial_value);
  CHECK(s.adu[1][0] == h.signals[1].initial_value);
  CHECK(wfdb_checksum(s.adu[0]) == -22131);
  CHECK(to_physical(s.adu[0][0], h.signals[0]) == doctest::Approx((995 - 1024) / 200.0));
}

TEST_CASE("a signal whose checksum differs from its header is refused") {
  const auto data = shared_data();
  if (!data) return;
  WfdbHeader h = read_wfdb_header(*data + "/mitdb/208.hea");
  h.signals[1].checksum += 1;
  CHECK_THROWS_WITH_AS(read_wfdb_signals(h, *data + "/mitdb"), doctest::Contains("checksum"), FormatError);
}
