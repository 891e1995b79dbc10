#include "drivers/datex/datex_records.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace vigil::drivers;
namespace dx = vigil::drivers::datex;
using Bytes = std::vector<std::uint8_t>;

namespace {

DatexDisplayed sample() {
  DatexDisplayed d;
  d.record_number = 17;
  d.dri_level = dx::kLevel2003;
  d.record_time = 1709633700;
  d.subrecord_time = 1709633699;
  d.basic.ecg = {
      dx::status::exists | dx::status::active | (dx::hr_source::ecg << dx::ecg_status::hr_source_shift),
      0x0321};
  d.basic.hr = 72;
  d.basic.nibp = {dx::status::exists | dx::status::active, 3};
  d.basic.nibp_sys = 12100;
  d.basic.nibp_dia = 7900;
  d.basic.nibp_mean = 9300;
  d.basic.nibp_hr = 70;
  d.basic.spo2 = {dx::status::exists | dx::status::active, 0};
  d.basic.spo2_value = 9800;
  d.basic.spo2_pr = 71;
  return d;
}

std::uint16_t le16(const Bytes& b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}

}  // namespace

TEST_CASE("a displayed-values record puts the basic class where VSCapture reads it") {
  const auto r = encode_datex_displayed(sample());
  REQUIRE(r.size() == 40 + 278);
  CHECK(le16(r, 0) == 318);          // r_len
  CHECK(r[2] == 17);                 // r_nbr
  CHECK(r[3] == dx::kLevel2003);     // dri_level
  CHECK(le16(r, 14) == 0);           // r_maintype: physiological data
  CHECK(r[18] == dx::kPhDisplayed);  // first descriptor's type
  CHECK(r[21] == dx::kEndOfList);
  // VSCapture: buffer[j] = data[4 + j + offset]; ECG HR at basic+6, NIBP
  // sys/dia/mean at basic+78/80/82, SpO2 and its pulse rate at basic+124/126.
  const std::size_t basic = 40 + 4;
  CHECK(le16(r, basic + 6) == 72);
  CHECK(le16(r, basic + 78) == 12100);
  CHECK(le16(r, basic + 80) == 7900);
  CHECK(le16(r, basic + 82) == 9300);
  CHECK(le16(r, basic + 124) == 9800);
  CHECK(le16(r, basic + 126) == 71);
  // Groups vigil does not fill say "no valid data" (-32767): P1 systolic, CO2 ET.
  CHECK(static_cast<std::int16_t>(le16(r, basic + 22)) == dx::kDataInvalid);
  CHECK(static_cast<std::int16_t>(le16(r, basic + 138)) == dx::kDataInvalid);
}

TEST_CASE("displayed values and requests round-trip through encode and parse") {
  const auto d = sample();
  const auto p = parse_datex_record(encode_datex_displayed(d));
  REQUIRE(p.record.has_value());
  REQUIRE(p.record->displayed.size() == 1);
  CHECK(p.record->displayed[0] == d);
  CHECK(p.record->skipped.empty());

  const DatexPhdbRequest q{dx::kLevel2015, dx::kPhDisplayed, -1, dx::kRequestExt1};
  const auto pq = parse_datex_record(encode_datex_phdb_request(q));
  REQUIRE(pq.record.has_value());
  REQUIRE(pq.record->request.has_value());
  CHECK(*pq.record->request == q);
  CHECK(pq.record->displayed.empty());
}

TEST_CASE("a record shorter than its header or disagreeing with its length field is rejected") {
  CHECK(parse_datex_record(Bytes(39, 0)).error == "record of 39 bytes is shorter than its 40-byte header");
  auto r = encode_datex_displayed(sample());
  r.pop_back();
  CHECK(parse_datex_record(r).error == "record length field says 318 bytes but the frame holds 317");
}

TEST_CASE("a subrecord that runs past the end of the record rejects the record") {
  auto r = encode_datex_displayed(sample());
  r[16] = 10;  // first subrecord now starts 10 bytes later and overruns
  const auto p = parse_datex_record(r);
  CHECK_FALSE(p.record.has_value());
  CHECK(p.error == "subrecord 0 (type 1, offset 10) runs past the end of the record");
  r[16] = 0xFF;
  r[17] = 0xFF;  // offset -1
  CHECK_FALSE(parse_datex_record(r).record.has_value());
}

TEST_CASE("trend subrecords are skipped with a reason; extended classes and other main types silently") {
  auto r = encode_datex_displayed(sample());
  r[18] = dx::kPh60sTrend;
  auto p = parse_datex_record(r);
  REQUIRE(p.record.has_value());
  CHECK(p.record->displayed.empty());
  REQUIRE(p.record->skipped.size() == 1);
  CHECK(p.record->skipped[0] == "subrecord 0 (type 3, offset 0): vigil reads displayed values (type 1) only");

  r = encode_datex_displayed(sample());
  r[40 + 277] = 0x01;  // class word: ext1
  p = parse_datex_record(r);
  REQUIRE(p.record.has_value());
  CHECK(p.record->displayed.empty());
  CHECK(p.record->skipped.empty());

  r = encode_datex_displayed(sample());
  r[14] = dx::kMainWaveform;
  p = parse_datex_record(r);
  REQUIRE(p.record.has_value());
  CHECK(p.record->main_type == dx::kMainWaveform);
  CHECK(p.record->displayed.empty());
}

TEST_CASE("values at -32001 and below are special values with names") {
  CHECK(datex_is_special(dx::kDataInvalidLimit));
  CHECK_FALSE(datex_is_special(-32000));
  CHECK_FALSE(datex_is_special(0));
  CHECK(datex_special_name(dx::kDataInvalid) == "no valid data");
  CHECK(datex_special_name(dx::kDataNotUpdated) == "not updated");
  CHECK(datex_special_name(dx::kDataDiscontinuity) == "discontinuity");
  CHECK(datex_special_name(dx::kDataUnderRange) == "under range");
  CHECK(datex_special_name(dx::kDataOverRange) == "over range");
  CHECK(datex_special_name(dx::kDataNotCalibrated) == "not calibrated");
  CHECK(datex_special_name(-32100) == "special value");
  CHECK(datex_special_name(12000).empty());
}

TEST_CASE("every cut-short record is rejected, never read past its end") {
  const Bytes records[] = {encode_datex_displayed(sample()), encode_datex_phdb_request({})};
  for (const auto& full : records) {
    for (std::size_t n = 0; n < full.size(); ++n) {
      const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      const auto p = parse_datex_record(cut);
      CHECK_FALSE(p.record.has_value());
      CHECK_FALSE(p.error.empty());
    }
  }
}
