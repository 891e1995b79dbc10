#include "drivers/intellivue/intellivue_messages.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/intellivue/intellivue_framing.hpp"
#include "tests/unit/drivers/calendar_time.hpp"
#include "tests/unit/drivers/frame_bytes.hpp"

using namespace vigil;
using namespace vigil::drivers;
namespace iv = vigil::drivers::intellivue;
using Bytes = std::vector<std::uint8_t>;
using vigil::test::hex;
using vigil::test::utc;

namespace {

// Messages from xeonfusion/VSCaptureMP Class2.cs (DataConstants), which that
// reader sends to real monitors.
const Bytes kVsAssociationRequest =
    hex("0D EC 05 08 13 01 00 16 01 02 80 00 14 02 00 02 C1 DC 31 80 A0 80 80 01 01 00 00 A2 80 A0 03 00 "
        "00 01 A4 80 30 80 02 01 01 06 04 52 01 00 01 30 80 06 02 51 01 00 00 00 00 30 80 02 01 02 06 0C "
        "2A 86 48 CE 14 02 01 00 00 00 01 01 30 80 06 0C 2A 86 48 CE 14 02 01 00 00 00 02 01 00 00 00 00 "
        "00 00 61 80 30 80 02 01 01 A0 80 60 80 A1 80 06 0C 2A 86 48 CE 14 02 01 00 00 00 03 01 00 00 BE "
        "80 28 80 06 0C 2A 86 48 CE 14 02 01 00 00 00 01 01 02 01 02 81 48 80 00 00 00 40 00 00 00 00 00 "
        "00 00 80 00 00 00 20 00 00 00 00 00 00 00 00 01 00 2C 00 01 00 28 80 00 00 00 00 00 03 E8 00 00 "
        "09 C4 00 00 03 E8 FF FF FF FF 60 00 00 00 00 01 00 0C F0 01 00 08 8C 00 00 00 00 00 00 00 00 00 "
        "00 00 00 00 00 00 00 00 00 00 00 00 00 00 ");  // aarq_msg_ext_poll2
const Bytes kVsExtPoll =
    hex("E1 00 00 02 00 01 00 20 00 01 00 07 00 1A 00 21 00 00 00 00 00 00 00 00 F1 3B 00 0C 00 01 00 01 "
        "00 06 00 00 00 00 00 00 ");  // ext_poll_request_msg
const Bytes kVsExtPollPeriod =
    hex("E1 00 00 02 00 01 00 28 00 01 00 07 00 22 00 21 00 00 00 00 00 00 00 00 F1 3B 00 14 00 01 00 01 "
        "00 06 00 00 00 01 00 08 F1 3E 00 04 00 03 A9 80 ");  // ext_poll_request_msg5
const Bytes kVsAlertPoll =
    hex("E1 00 00 02 00 01 00 28 00 05 00 07 00 22 00 21 00 00 00 00 00 00 00 00 F1 3B 00 14 00 04 00 01 "
        "00 36 08 01 00 01 00 08 F1 3E 00 04 00 49 3E 00 ");  // ext_poll_request_alert_msg
const Bytes kVsMdsCreateResult =
    hex("E1 00 00 02 00 02 00 14 00 01 00 01 00 0E 00 21 00 00 00 00 00 0A BD 00 0D 06 00 00 ");
const Bytes kVsReleaseRequest =
    hex("09 18 C1 16 61 80 30 80 02 01 01 A0 80 62 80 80 01 00 00 00 00 00 00 00 00 00");
const Bytes kVsAbort =
    hex("19 2E 11 01 03 C1 29 A0 80 A0 80 30 80 02 01 01 06 02 51 01 00 00 00 00 61 80 30 80 02 01 01 A0 "
        "80 64 80 80 01 01 00 00 00 00 00 00 00 00 00 00 ");

IntellivueMessage parsed(const Bytes& b) {
  const auto p = parse_intellivue_message(b);
  INFO(p.error);
  REQUIRE(p.message.has_value());
  return *p.message;
}

IntellivuePollResult numeric_result() {
  IntellivuePollResult r;
  r.poll_number = 7;
  r.sequence = 3;
  r.rel_time = 0x01020304;
  r.abs_time = IntellivueAbsTime::from_naive(utc(2024, 3, 5, 10, 15, 30, 500));
  r.object_class = iv::kClassNumeric;
  IntellivueNumeric hr;
  hr.handle = 1;
  hr.values.push_back({iv::kPhysioEcgHeartRate, 0, iv::kUnitBeatsPerMinute, intellivue_float(72, 0)});
  IntellivueNumeric nibp;
  nibp.handle = 2;
  nibp.compound = true;
  nibp.values = {{iv::kPhysioNibpSys, 0, iv::kUnitMmHg, intellivue_float(120, 0)},
                 {iv::kPhysioNibpDia, 0, iv::kUnitMmHg, intellivue_float(80, 0)},
                 {iv::kPhysioNibpMean, iv::msmt::questionable, iv::kUnitMmHg, intellivue_float(93.3, 1)}};
  nibp.abs_stamp = IntellivueAbsTime::from_naive(utc(2024, 3, 5, 10, 13, 0));
  nibp.rel_stamp = 0x01000000;
  r.numerics = {hr, nibp};
  return r;
}

}  // namespace

TEST_CASE("vigil's association request is byte for byte the one VSCaptureMP sends") {
  CHECK(encode_intellivue_association_request() == kVsAssociationRequest);
  CHECK(parsed(kVsAssociationRequest).kind == IntellivueMessageKind::association_request);
}

TEST_CASE("extended poll requests match VSCaptureMP's, with and without a poll period") {
  CHECK(encode_intellivue_poll_request(1, {true, 1, iv::kClassNumeric, iv::kGroupAll, std::nullopt}) ==
        kVsExtPoll);
  CHECK(encode_intellivue_poll_request(1, {true, 1, iv::kClassNumeric, iv::kGroupAll, 0x0003A980}) ==
        kVsExtPollPeriod);
  CHECK(encode_intellivue_poll_request(
            5, {true, 4, iv::kClassAlertMonitor, iv::kGroupAlertMonitor, 0x00493E00}) == kVsAlertPoll);
  const auto m = parsed(kVsAlertPoll);
  CHECK(m.kind == IntellivueMessageKind::poll_request);
  CHECK(m.invoke_id == 5);
  CHECK(m.poll_request ==
        IntellivuePollRequest{true, 4, iv::kClassAlertMonitor, iv::kGroupAlertMonitor, 0x00493E00});
}

TEST_CASE("the MDS Create Event Result, release request and abort match VSCaptureMP's bytes") {
  CHECK(encode_intellivue_mds_create_result(1, 0x000ABD00) == kVsMdsCreateResult);
  CHECK(encode_intellivue_release_request() == kVsReleaseRequest);
  CHECK(encode_intellivue_abort() == kVsAbort);
  CHECK(parsed(kVsMdsCreateResult).kind == IntellivueMessageKind::mds_create_result);
  CHECK(parsed(kVsReleaseRequest).kind == IntellivueMessageKind::release_request);
  CHECK(parsed(kVsAbort).kind == IntellivueMessageKind::association_abort);
}

TEST_CASE("association accept, refuse and release response are told apart by their session type") {
  CHECK(parsed(encode_intellivue_association_accept()).kind == IntellivueMessageKind::association_accept);
  CHECK(parsed(encode_intellivue_association_refuse()).kind == IntellivueMessageKind::association_refuse);
  CHECK(parsed(encode_intellivue_release_response()).kind == IntellivueMessageKind::release_response);
  auto cut = encode_intellivue_association_accept();
  cut.pop_back();
  CHECK(parse_intellivue_message(cut).error == "association message is shorter than its length says");
  auto padded = encode_intellivue_association_accept();
  padded.push_back(0x00);
  CHECK(parsed(padded).kind == IntellivueMessageKind::association_accept);
}

TEST_CASE("the MDS Create Event Report carries its invoke id and event time") {
  const auto m = parsed(encode_intellivue_mds_create_event(
      9, 0x00123456, IntellivueAbsTime::from_naive(utc(2024, 1, 2, 3, 4, 5))));
  CHECK(m.kind == IntellivueMessageKind::mds_create_event);
  CHECK(m.invoke_id == 9);
  CHECK(m.event_time == 0x00123456);
}

TEST_CASE("FLOAT-Type: exponent and mantissa, negative values, and the four special values") {
  CHECK(intellivue_float_value(0xFF0003D9) == doctest::Approx(98.5));  // 985 x 10^-1
  CHECK(*intellivue_float_value(0xFF0003D9) == 98.5);
  CHECK(intellivue_float_value(0x00000048) == 72.0);
  CHECK(intellivue_float_value(0x01000007) == 70.0);
  CHECK(intellivue_float_value(0x00FFFFFF) == -1.0);
  CHECK(intellivue_float_value(0xFEFFFF9C) == doctest::Approx(-1.0));  // -100 x 10^-2
  CHECK_FALSE(intellivue_float_value(0x007FFFFF).has_value());         // NaN
  CHECK_FALSE(intellivue_float_value(0x00800000).has_value());         // NRes
  CHECK_FALSE(intellivue_float_value(0x007FFFFE).has_value());         // +INF
  CHECK_FALSE(intellivue_float_value(0x00800002).has_value());         // -INF
  CHECK(intellivue_float(98.5, 1) == 0xFF0003D9);
  CHECK(intellivue_float(72, 0) == 0x00000048);
  CHECK(intellivue_float_value(intellivue_float(1e12, 0)).has_value());  // clamped, never a special value
}

TEST_CASE("absolute time is BCD; all 0xFF and non-BCD digits mean no time") {
  IntellivueAbsTime t;
  t.bcd = {0x20, 0x24, 0x03, 0x05, 0x10, 0x15, 0x30, 0x50};
  REQUIRE(t.naive().has_value());
  CHECK(*t.naive() == utc(2024, 3, 5, 10, 15, 30, 500));
  CHECK(IntellivueAbsTime::from_naive(utc(2024, 3, 5, 10, 15, 30, 500)) == t);
  CHECK_FALSE(IntellivueAbsTime{}.naive().has_value());
  t.bcd[2] = 0x1A;
  CHECK_FALSE(t.naive().has_value());
  t.bcd[2] = 0x13;  // month 13
  CHECK_FALSE(t.naive().has_value());
}

TEST_CASE("a numeric poll result round-trips: single and compound values, both time stamps") {
  const auto r = numeric_result();
  const auto m = parsed(encode_intellivue_poll_result(11, r));
  CHECK(m.kind == IntellivueMessageKind::poll_result);
  CHECK(m.invoke_id == 11);
  CHECK(m.linked_state == 0);
  CHECK(m.poll_result == r);
  const auto linked = parsed(encode_intellivue_poll_result(11, r, 3));
  CHECK(linked.kind == IntellivueMessageKind::poll_result);
  CHECK(linked.linked_state == 3);
  CHECK(linked.poll_result == r);
}

TEST_CASE("an alert monitor poll result round-trips with INOP texts") {
  IntellivuePollResult r;
  r.object_class = iv::kClassAlertMonitor;
  r.attribute_group = iv::kGroupAlertMonitor;
  IntellivueAlertMonitor am;
  am.device =
      IntellivueDeviceAlert{0, 4, 0, iv::alert_type::technical_medium, iv::alert_type::technical_medium};
  am.patient = std::vector<IntellivueAlarm>{};
  am.technical = std::vector<IntellivueAlarm>{
      {iv::kPhysioEcg, iv::evt::leads_off, iv::alert_type::technical_medium, 0, "LEADS OFF"},
      {iv::kPhysioSpo2, iv::evt::sensor_disconnected, iv::alert_type::technical_medium, 0, "SpO2 NO SENSOR"},
      {iv::kPhysioSpo2, iv::evt::battery_low, iv::alert_type::technical_low, 0, ""}};
  r.alert_monitor = am;
  const auto m = parsed(encode_intellivue_poll_result(2, r));
  CHECK(m.poll_result == r);
}

TEST_CASE("the recorded single-poll result parses: patient demographics, no absolute time") {
  // mindleaving/patient-monitor-datalogger DataExploration.cs: the user data
  // of a frame a monitor sent (header and FCS removed).
  const Bytes user_data = hex(
      "E1 00 00 02 00 02 01 1C 00 00 00 07 01 16 00 21 00 00 00 00 0C 16 01 0C 00 00 05 9E"
      "F2 00 FF FF FF FF FF FF FF FF 00 01 00 2A 08 07 00 01 00 F4 00 00 00 01 00 EE 00 50 00 1A 00 E8 09"
      "21 00 02 00 50 09 57 00 02 00 02 0A 1A 00 02 20 00 F0 01 00 0A C8 D9 D2 11 0E 34 52 9A 28 5C 09 62"
      "00 02 00 03 0A 1E 00 02 00 00 09 5D 00 04 00 02 00 00 09 5F 00 04 00 02 00 00 09 5C 00 10 00 0E 00"
      "4B 00 6F 00 65 00 6E 00 69 00 67 00 00 F2 D4 00 04 00 02 00 00 09 5A 00 0A 00 08 00 31 00 32 00 33"
      "00 00 F2 E1 00 04 00 02 00 00 F1 29 00 04 00 02 00 00 F1 2A 00 04 00 02 00 00 09 61 00 02 00 02 09"
      "58 00 08 00 00 00 00 00 00 00 00 09 D8 00 06 00 7F FF FF 09 40 09 DC 00 06 00 7F FF FF 05 11 09 DF"
      "00 06 00 7F FF FF 06 C0 09 56 00 06 00 7F FF FF 05 C0 F1 EC 00 02 00 01 F9 E8 00 08 00 00 00 00 00"
      "00 00 00 F9 E9 00 02 F1 0B F3 8A 00 04 00 00 00 00 F2 E2 00 04 80 75 20 95 F2 E3 00 04 80 8B 0D 99");
  REQUIRE(user_data.size() == 0x124);
  const auto m = parsed(user_data);
  CHECK(m.kind == IntellivueMessageKind::poll_result);
  CHECK_FALSE(m.poll_result.extended);
  CHECK(m.poll_result.object_class == iv::kClassPatientDemographics);
  CHECK(m.poll_result.rel_time == 0x059EF200);
  CHECK_FALSE(m.poll_result.abs_time.naive().has_value());
  CHECK(m.poll_result.numerics.empty());
}

TEST_CASE("every cut-short message is rejected with a reason, never read past its end") {
  const Bytes messages[] = {encode_intellivue_poll_result(1, numeric_result()), kVsAlertPoll,
                            kVsAssociationRequest,
                            encode_intellivue_mds_create_event(1, 2, IntellivueAbsTime{})};
  for (const auto& full : messages) {
    for (std::size_t n = 0; n < full.size(); ++n) {
      const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      const auto p = parse_intellivue_message(cut);
      CHECK_FALSE(p.message.has_value());
      CHECK_FALSE(p.error.empty());
    }
  }
}

TEST_CASE("inner lengths that disagree with their contents are rejected") {
  auto m = encode_intellivue_poll_result(1, numeric_result());
  m.push_back(0x00);  // one byte more than the remote operation says
  CHECK(parse_intellivue_message(m).error == "remote operation length does not match the message");
  auto wrong_ro = hex("E1 00 00 02 00 04 00 00");
  CHECK(parse_intellivue_message(wrong_ro).error == "unknown remote operation type 4");
  CHECK(parse_intellivue_message(hex("42 00")).error == "unknown session message type 66");
}

TEST_CASE("a remote error names its invoke id and error value") {
  const auto m = parsed(encode_intellivue_remote_error(12, 9));
  CHECK(m.kind == IntellivueMessageKind::remote_error);
  CHECK(m.invoke_id == 12);
  CHECK(m.error_value == 9);
}
