#include "hl7out/pcd04_encoder.hpp"

#include <doctest/doctest.h>

#include "hl7_fields.hpp"
#include "hl7out/alarm_mapping.hpp"

using namespace vigil::hl7out;
using namespace std::chrono;
using vigil::test::segments;

namespace {
const vigil::core::TimePoint kT = sys_days{year{2026} / 12 / 5} + 15min;

MessageHeader header() {
  MessageHeader h;
  h.sending_facility = "CLINIC";
  h.receiving_application = "ALERTS";
  h.equipment_eui64 = "0123456789ABCDEF";
  h.control_id = "V9";
  h.time = kT;
  return h;
}

void set(google::protobuf::Timestamp* t, vigil::core::TimePoint p) {
  const auto ns = duration_cast<nanoseconds>(p.time_since_epoch()).count();
  t->set_seconds(ns / 1000000000);
  t->set_nanos(static_cast<int>(ns % 1000000000));
}

vigil::v1::AlarmEvent desaturation(vigil::v1::AlarmTransition transition) {
  vigil::v1::AlarmEvent e;
  e.set_alarm_id("A-17");
  e.set_bed("bed-2");
  e.set_condition("desaturation");
  e.set_priority(vigil::v1::HIGH);
  e.set_kind(vigil::v1::PHYSIOLOGICAL);
  e.set_rule(vigil::v1::LIMIT_RULE);
  e.set_transition(transition);
  e.set_message("SpO2 80 < 85");
  e.set_mdc_code(150456);
  e.set_value(80);
  e.set_limit(85);
  set(e.mutable_onset(), kT - 5s);
  set(e.mutable_time(), kT);
  e.set_active(transition != vigil::v1::CLEARED);
  return e;
}
}  // namespace

TEST_CASE("PCD-04: a desaturation's start, the whole message against its golden text") {
  const std::string expected =
      "MSH|^~\\&|VIGIL^0123456789ABCDEF^EUI-64|CLINIC|ALERTS||20261205001500.000+0000||ORU^R40^ORU_R40|V9|P|"
      "2.6|||AL|"
      "NE||UNICODE UTF-8|||IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO\r"
      "PID|||PAT-0042^^^CLINIC^MR\r"
      "PV1||I|^^bed-2\r"
      "OBR|1||A-17^VIGIL^0123456789ABCDEF^EUI-64|196616^MDC_EVT_ALARM^MDC|||20261205001500.000+0000"
      "||||||||||||||||||||||^A-17&VIGIL&0123456789ABCDEF&EUI-64\r"
      "OBX|1|CWE|196672^MDC_EVT_LO_LT_LIM^MDC|1.1.1.1.1|196672^MDC_EVT_LO_LT_LIM^MDC^desaturation^SpO2 80 < "
      "85^99VIGIL|||L~PH~SP|||F|||20261205001500.000+0000||||0123456789ABCDEF^^0123456789ABCDEF^EUI-64\r"
      "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1.2|80|262688^MDC_DIM_PERCENT^MDC^%^%^UCUM|85-||||F|||"
      "20261205001500.000+0000\r"
      "OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.1.1.1.3|start||||||F\r"
      "OBX|4|ST|68482^MDC_ATTR_ALARM_STATE^MDC|1.1.1.1.4|active||||||F\r"
      "OBX|5|ST|68483^MDC_ATTR_ALARM_INACTIVATION_STATE^MDC|1.1.1.1.5|enabled||||||F\r"
      "OBX|6|ST|68484^MDC_ATTR_ALARM_PRIORITY^MDC|1.1.1.1.6|PH||||||F\r"
      "OBX|7|ST|68485^MDC_ATTR_ALERT_TYPE^MDC|1.1.1.1.7|SP||||||F\r";
  const auto m =
      encode_oru_r40(header(), {"bed-2", "PAT-0042"}, to_alert_report(desaturation(vigil::v1::RAISED)));
  CHECK(m == expected);
  const auto s = segments(m);
  REQUIRE(s.size() == 11);
  CHECK(s[0][9] == "ORU^R40^ORU_R40");
  CHECK(s[0][21] == "IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO");
  CHECK(s[3][3] == "A-17^VIGIL^0123456789ABCDEF^EUI-64");
  CHECK(s[3][4] == "196616^MDC_EVT_ALARM^MDC");
  CHECK(s[3][7] == "20261205001500.000+0000");
  CHECK(s[3][29] == "^A-17&VIGIL&0123456789ABCDEF&EUI-64");
  CHECK(s[4][3] == "196672^MDC_EVT_LO_LT_LIM^MDC");
  CHECK(s[4][8] == "L~PH~SP");
  CHECK(s[4][14] == "20261205001500.000+0000");
  CHECK(s[5][7] == "85-");
  for (int facet = 1; facet <= 7; ++facet) {
    CHECK(s[3 + facet][4] == "1.1.1.1." + std::to_string(facet));
    CHECK(s[3 + facet][11] == "F");
  }
}

TEST_CASE("PCD-04: the facets follow the alarm from start to end with the same alert id in OBR-29") {
  struct Step {
    vigil::v1::AlarmTransition t;
    bool active, latched, acknowledged;
    const char *phase, *state, *inactivation;
  };
  const Step steps[] = {
      {vigil::v1::RAISED, true, false, false, "start", "active", "enabled"},
      {vigil::v1::ACKNOWLEDGED, true, false, true, "continue", "active", "alert-acknowledged"},
      {vigil::v1::ESCALATED, true, false, true, "escalate", "active", "alert-acknowledged"},
      {vigil::v1::CLEARED, false, true, true, "continue", "latched", "alert-acknowledged"},
      {vigil::v1::RESET, false, false, true, "end", "inactive", "alert-acknowledged"},
  };
  int report = 0;
  for (const auto& st : steps) {
    auto e = desaturation(st.t);
    auto h = header();
    h.control_id = "V" + std::to_string(++report);
    e.set_active(st.active);
    e.set_latched(st.latched);
    e.set_acknowledged(st.acknowledged);
    const auto s = segments(encode_oru_r40(h, {"bed-2", "P"}, to_alert_report(e)));
    CAPTURE(st.phase);
    // This report: the start is named as the alert, each later one on its own.
    CHECK(s[3][3] == (st.t == vigil::v1::RAISED ? std::string{"A-17"} : "A-17:" + h.control_id) +
                         "^VIGIL^0123456789ABCDEF^EUI-64");
    CHECK(s[3][29] == "^A-17&VIGIL&0123456789ABCDEF&EUI-64");  // the alert
    CHECK(s[6][5] == st.phase);
    CHECK(s[7][5] == st.state);
    CHECK(s[8][5] == st.inactivation);
  }
  auto cleared = desaturation(vigil::v1::CLEARED);  // not latched: the alert ends
  CHECK(segments(encode_oru_r40(header(), {"bed-2", "P"}, to_alert_report(cleared)))[6][5] == "end");
  auto paused = desaturation(vigil::v1::AUDIO_PAUSED);
  set(paused.mutable_audio_paused_until(), kT + 120s);
  CHECK(segments(encode_oru_r40(header(), {"bed-2", "P"}, to_alert_report(paused)))[8][5] == "audio-paused");
}

TEST_CASE("PCD-04: a technical alarm is ST with its device as the source, and goes without a patient") {
  vigil::v1::AlarmEvent e;
  e.set_alarm_id("A-3");
  e.set_condition("device_lost:ox");
  e.set_priority(vigil::v1::MEDIUM);
  e.set_kind(vigil::v1::TECHNICAL);
  e.set_rule(vigil::v1::TECHNICAL_CHECK);
  e.set_transition(vigil::v1::RAISED);
  e.set_message("ox lost");
  e.set_device("ox");
  e.set_active(true);
  set(e.mutable_onset(), kT);
  set(e.mutable_time(), kT);
  const auto s = segments(encode_oru_r40(header(), {"bed-2", ""}, to_alert_report(e)));
  CHECK(s[1][3].empty());
  CHECK(s[4][3] == "196616^MDC_EVT_ALARM^MDC");
  CHECK(s[4][4] == "1.0.0.0.1");
  CHECK(s[4][5] == "device_lost:ox^ox lost^99VIGIL");
  CHECK(s[4][8] == "PM~ST");
  CHECK(s[5][3] == "68480^MDC_ATTR_ALERT_SOURCE^MDC");
  CHECK(s[5][5] == "ox");
  CHECK(s[10][5] == "ST");
}

TEST_CASE("PCD-04: a systolic above its high limit is MDC_EVT_HI_GT_LIM on the NIBP systolic") {
  auto e = desaturation(vigil::v1::RAISED);
  e.set_condition("hypertension");
  e.set_mdc_code(150021);
  e.set_value(212);
  e.set_limit(180);
  e.set_message("SBP 212 >= 180");
  const auto s = segments(encode_oru_r40(header(), {"bed-2", "P"}, to_alert_report(e)));
  CHECK(s[4][3] == "196650^MDC_EVT_HI_GT_LIM^MDC");
  CHECK(s[4][5] == "196650^MDC_EVT_HI_GT_LIM^MDC^hypertension^SBP 212 >= 180^99VIGIL");
  CHECK(s[4][8] == "H~PH~SP");
  CHECK(s[5][7] == "-180");
  CHECK(s[4][4] == "1.3.1.1.1");
  CHECK(s[5][3] == "150021^MDC_PRESS_BLD_NONINV_SYS^MDC");
}

TEST_CASE("PCD-04: a limit alarm on a metric with no confirmed code is MDC_EVT_ALARM, still high or low") {
  auto e = desaturation(vigil::v1::RAISED);
  e.set_condition("resp_high");
  e.set_mdc_code(151562);  // respiration rate: placement not confirmed (docs/hl7.md)
  e.set_value(32);
  e.set_limit(28);
  e.set_message("RR 32 > 28");
  const auto s = segments(encode_oru_r40(header(), {"bed-2", "P"}, to_alert_report(e)));
  CHECK(s[4][3] == "196616^MDC_EVT_ALARM^MDC");
  CHECK(s[4][4] == "1.0.0.0.1");
  CHECK(s[4][5] == "resp_high^RR 32 > 28^99VIGIL");
  CHECK(s[4][8] == "H~PH~SP");
  CHECK(s[5][3] == "68480^MDC_ATTR_ALERT_SOURCE^MDC");
}
