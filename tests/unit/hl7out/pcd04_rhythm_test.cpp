// PCD-04 of alarms from rhythm analysis. AF and VT carry a rate and a rate
// threshold on the bus as a heart-rate limit alarm does; a receiver must
// read a rhythm, never "heart rate above limit" (docs/hl7.md, "Codes and
// where they were confirmed").
#include <doctest/doctest.h>

#include "hl7_fields.hpp"
#include "hl7out/alarm_mapping.hpp"
#include "hl7out/pcd04_encoder.hpp"

using namespace vigil::hl7out;
using namespace std::chrono;
using vigil::test::segments;

namespace {
const vigil::core::TimePoint kRhythmAlarmTime = sys_days{year{2026} / 12 / 5} + 15min;

MessageHeader rhythm_alert_header() {
  MessageHeader h;
  h.sending_facility = "CLINIC";
  h.receiving_application = "ALERTS";
  h.equipment_eui64 = "0123456789ABCDEF";
  h.control_id = "V9";
  h.time = kRhythmAlarmTime;
  return h;
}

vigil::v1::AlarmEvent rhythm_alarm(const std::string& condition, vigil::v1::Priority priority,
                                   const std::string& message, std::uint32_t mdc_code, double rate,
                                   double threshold) {
  vigil::v1::AlarmEvent e;
  e.set_alarm_id("A-21");
  e.set_bed("bed-2");
  e.set_condition(condition);
  e.set_priority(priority);
  e.set_kind(vigil::v1::PHYSIOLOGICAL);
  e.set_rule(vigil::v1::RHYTHM_ANALYSIS);
  e.set_transition(vigil::v1::RAISED);
  e.set_message(message);
  e.set_mdc_code(mdc_code);
  e.set_value(rate);
  e.set_limit(threshold);
  const auto s = duration_cast<seconds>(kRhythmAlarmTime.time_since_epoch()).count();
  e.mutable_onset()->set_seconds(s - 40);
  e.mutable_time()->set_seconds(s);
  e.set_active(true);
  return e;
}

std::string rhythm_message(const vigil::v1::AlarmEvent& e) {
  return encode_oru_r40(rhythm_alert_header(), {"bed-2", "PAT-0042"}, to_alert_report(e));
}

// MSH to OBR, the same for every alarm below.
const std::string kRhythmHead =
    "MSH|^~\\&|VIGIL^0123456789ABCDEF^EUI-64|CLINIC|ALERTS||20261205001500.000+0000||ORU^R40^ORU_R40|V9|P|"
    "2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO\r"
    "PID|||PAT-0042^^^CLINIC^MR\r"
    "PV1||I|^^bed-2\r"
    "OBR|1||A-21^VIGIL^0123456789ABCDEF^EUI-64|196616^MDC_EVT_ALARM^MDC|||20261205001500.000+0000"
    "||||||||||||||||||||||^A-21&VIGIL&0123456789ABCDEF&EUI-64\r";

// Facets .3 to .7 of a started alert under `base`.
std::string rhythm_facets(const std::string& base, const std::string& priority) {
  return "OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|" + base + ".3|start||||||F\r" +
         "OBX|4|ST|68482^MDC_ATTR_ALARM_STATE^MDC|" + base + ".4|active||||||F\r" +
         "OBX|5|ST|68483^MDC_ATTR_ALARM_INACTIVATION_STATE^MDC|" + base + ".5|enabled||||||F\r" +
         "OBX|6|ST|68484^MDC_ATTR_ALARM_PRIORITY^MDC|" + base + ".6|" + priority + "||||||F\r" +
         "OBX|7|ST|68485^MDC_ATTR_ALERT_TYPE^MDC|" + base + ".7|SP||||||F\r";
}
}  // namespace

TEST_CASE(
    "PCD-04: AF with rapid ventricular response is an irregular heart rate, not a rate above its limit") {
  const auto e = rhythm_alarm(
      "atrial_fibrillation", vigil::v1::HIGH,
      "AF with rapid ventricular response: 128/min (AF evidence 92 % from ecg intervals)", 147842, 128, 110);
  const std::string expected =
      kRhythmHead +
      "OBX|1|CWE|199766^MDC_EVT_ECG_CARD_BEAT_RATE_IRREG^MDC|1.2.1.1.1|199766^MDC_EVT_ECG_CARD_BEAT_RATE_"
      "IRREG^MDC^"
      "atrial_fibrillation^AF with rapid ventricular response: 128/min (AF evidence 92 % from ecg "
      "intervals)^99VIGIL|||A~PH~SP|||F|||20261205001500.000+0000||||0123456789ABCDEF^^0123456789ABCDEF^EUI-"
      "64\r"
      // The rate it was judged at, with no limit: 110/min only makes AF high.
      "OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|1.2.1.1.2|128|264864^MDC_DIM_BEAT_PER_MIN^MDC^/min^/"
      "min^UCUM|||||F|||"
      "20261205001500.000+0000\r" +
      rhythm_facets("1.2.1.1", "PH");
  const auto m = rhythm_message(e);
  CHECK(m == expected);
  const auto s = segments(m);
  REQUIRE(s.size() == 11);
  CHECK(s[4][3] == "199766^MDC_EVT_ECG_CARD_BEAT_RATE_IRREG^MDC");
  CHECK(s[4][8] == "A~PH~SP");
  CHECK(s[5][3] == "147842^MDC_ECG_HEART_RATE^MDC");
  CHECK(s[5][5] == "128");
  CHECK(s[5][7].empty());
  for (int facet = 1; facet <= 7; ++facet) CHECK(s[3 + facet][4] == "1.2.1.1." + std::to_string(facet));
}

TEST_CASE("PCD-04: an irregular pulse from the oximeter is an irregular rate on the pulse rate, medium") {
  const auto e =
      rhythm_alarm("atrial_fibrillation", vigil::v1::MEDIUM,
                   "Irregular pulse: 96/min (AF evidence 81 % from pulse intervals; no ECG to confirm AF)",
                   149530, 96, 110);
  const std::string expected =
      kRhythmHead +
      "OBX|1|CWE|199766^MDC_EVT_ECG_CARD_BEAT_RATE_IRREG^MDC|1.1.1.2.1|199766^MDC_EVT_ECG_CARD_BEAT_RATE_"
      "IRREG^MDC^"
      "atrial_fibrillation^Irregular pulse: 96/min (AF evidence 81 % from pulse intervals; no ECG to confirm "
      "AF)^99VIGIL|||A~PM~SP|||F|||20261205001500.000+0000||||0123456789ABCDEF^^0123456789ABCDEF^EUI-64\r"
      "OBX|2|NM|149530^MDC_PULS_OXIM_PULS_RATE^MDC|1.1.1.2.2|96|264864^MDC_DIM_BEAT_PER_MIN^MDC^/min^/"
      "min^UCUM|||||F|"
      "||20261205001500.000+0000\r" +
      rhythm_facets("1.1.1.2", "PM");
  const auto m = rhythm_message(e);
  CHECK(m == expected);
  const auto s = segments(m);
  REQUIRE(s.size() == 11);
  CHECK(s[4][3] == "199766^MDC_EVT_ECG_CARD_BEAT_RATE_IRREG^MDC");
  CHECK(s[4][4] == "1.1.1.2.1");
  CHECK(s[4][8] == "A~PM~SP");
  CHECK(s[5][3] == "149530^MDC_PULS_OXIM_PULS_RATE^MDC");
  CHECK(s[5][7].empty());
}

TEST_CASE("PCD-04: VT at 140/min is an arrhythmia, not a heart rate above 100") {
  const auto e =
      rhythm_alarm("ventricular_tachycardia", vigil::v1::HIGH,
                   "VT — check patient: wide ventricular beats in a row at 140/min", 147842, 140, 100);
  const std::string expected = kRhythmHead +
                               "OBX|1|CWE|199874^MDC_EVT_ECG_ARRHY^MDC|1.2.1.1.1|199874^MDC_EVT_ECG_ARRHY^"
                               "MDC^ventricular_tachycardia^VT — "
                               "check patient: wide ventricular beats in a row at "
                               "140/min^99VIGIL|||A~PH~SP|||F|||20261205001500.000+0000||||"
                               "0123456789ABCDEF^^0123456789ABCDEF^EUI-64\r"
                               "OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|1.2.1.1.2|140|264864^MDC_DIM_BEAT_PER_"
                               "MIN^MDC^/min^/min^UCUM|||||F|||"
                               "20261205001500.000+0000\r" +
                               rhythm_facets("1.2.1.1", "PH");
  const auto m = rhythm_message(e);
  CHECK(m == expected);
  const auto s = segments(m);
  REQUIRE(s.size() == 11);
  CHECK(s[4][3] == "199874^MDC_EVT_ECG_ARRHY^MDC");
  CHECK(s[4][8] == "A~PH~SP");
  CHECK(s[5][5] == "140");
  CHECK(s[5][7].empty());
}

TEST_CASE("PCD-04: VF and a pause, with no rate behind them, are arrhythmias below the MDS") {
  for (const auto* condition : {"ventricular_fibrillation", "pause"}) {
    CAPTURE(condition);
    const auto s =
        segments(rhythm_message(rhythm_alarm(condition, vigil::v1::HIGH, "check patient", 0, 4, 3)));
    REQUIRE(s.size() == 11);
    CHECK(s[4][3] == "199874^MDC_EVT_ECG_ARRHY^MDC");
    CHECK(s[4][4] == "1.0.0.0.1");
    CHECK(s[4][5] == "199874^MDC_EVT_ECG_ARRHY^MDC^" + std::string{condition} + "^check patient^99VIGIL");
    CHECK(s[5][3] == "68480^MDC_ATTR_ALERT_SOURCE^MDC");
    CHECK(s[5][5] == "bed-2");
  }
}

TEST_CASE("PCD-04: a heart-rate alarm that does not say its rule claims no limit and no rhythm") {
  // As an alarm journalled before the bus said which rule raised it.
  auto e = rhythm_alarm("atrial_fibrillation", vigil::v1::HIGH, "AF with rapid ventricular response: 128/min",
                        147842, 128, 110);
  e.clear_rule();
  const auto s = segments(rhythm_message(e));
  REQUIRE(s.size() == 11);
  CHECK(s[4][3] == "196616^MDC_EVT_ALARM^MDC");
  CHECK(s[4][5] == "atrial_fibrillation^AF with rapid ventricular response: 128/min^99VIGIL");
  CHECK(s[4][8] == "A~PH~SP");
  CHECK(s[5][3] == "147842^MDC_ECG_HEART_RATE^MDC");
  CHECK(s[5][7].empty());
}

TEST_CASE("PCD-04: a tachycardia from a limit rule on the same heart rate keeps MDC_EVT_HI_GT_LIM") {
  auto e = rhythm_alarm("tachycardia", vigil::v1::MEDIUM, "Heart rate 128/min (limit > 120/min)", 147842, 128,
                        120);
  e.set_rule(vigil::v1::LIMIT_RULE);
  const auto s = segments(rhythm_message(e));
  REQUIRE(s.size() == 11);
  CHECK(s[4][3] == "196650^MDC_EVT_HI_GT_LIM^MDC");
  CHECK(s[4][8] == "H~PM~SP");
  CHECK(s[5][7] == "-120");
}
