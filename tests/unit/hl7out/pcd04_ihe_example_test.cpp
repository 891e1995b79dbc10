// PCD-04 beside the IHE PCD Technical Framework's own ORU^R40 examples,
// TF-2 Rev. 8.0 (2018) and 9.0 (2019) appendix E.3: E.3.1, a Mindray
// gateway's low SpO2 alarm (88 % under a 90-96 range, medium priority,
// start), and E.3.2, a B. Braun pump's occlusion, a technical alarm, at its
// end. The examples below are laid out field by field as the TF prints
// them (read in IHEPCD/ihe-ocd-tf-2019, markdown/IHE_PCD_TF_Rev8-0_Vol2_*,
// and IHEPCD/ihe-pcd-tf-2020, docx/tf-v2-orig.txt; docs/hl7.md). vigil
// encodes the same situation; every field is compared by position, and each
// place where vigil differs on purpose says why.
#include <doctest/doctest.h>

#include "hl7_fields.hpp"
#include "hl7out/pcd04_encoder.hpp"

using namespace vigil::hl7out;
using namespace std::chrono;
using vigil::test::component;
using vigil::test::segments;
using vigil::test::split_on;

namespace {

const std::string kTfLowSpo2Start =
    "MSH|^~\\&|MINDRAY_EGATEWAY^00A037EB2175780F^EUI-64|MINDRAY|AM_PHILIPS_IEM^00095CFFFE741952^EUI-64|"
    "PHILIPS|20120111150457-0600||ORU^R40^ORU_R40|1|P|2.6|||AL|NE||UNICODE UTF-8|||"
    "IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.4.4.1^ISO\r"
    "PID|||HO2009001^^^Hospital^PI||Hon^Albert^^^^^L||18991230|M\r"
    "PV1||I|HO Surgery^OR^1\r"
    "OBR|1|1^MINDRAY_EGATEWAY^00A037EB2175780F^EUI64|1^MINDRAY_EGATEWAY^00A037EB2175780F^EUI64|"
    "196616^MDC_EVT_ALARM^MDC|||20120111150457-0600||||||||||||||||||||||"
    "^1&MINDRAY_EGATEWAY&00A037EB2175780F&EUI-64\r"
    "OBX|1|ST|196670^MDC_EVT_LO^MDC|1.3.1.150456.1|Low SpO2|||L~PM~SP|||F|||20120111150457-0600||||"
    "F1519EFX^SHENZHEN_DEVICE^mindray.com^DNS\r"
    "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.150456.2|88|262688^MDC_DIM_PERCENT^MDC|90-96||||F|||"
    "20120111150457-0600\r"
    "OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.3.1.150456.3|start||||||F\r"
    "OBX|4|ST|68482^MDC_ATTR_ALARM_STATE^MDC|1.3.1.150456.4|active||||||F\r"
    "OBX|5|ST|68483^MDC_ATTR_ALARM_INACTIVATION_STATE|1.3.1.150456.5|enabled|||||F\r";

// E.3.2's end, from OBR on (its MSH, PID and PV1 are laid out as above).
const std::string kTfOcclusionEnd =
    "OBR|1|634617284662070628^PAT_DEVICE_BBRAUN^0012211839000001^EUI-64|"
    "P6013_4^PAT_DEVICE_BBRAUN^0012211839000001^EUI-64|196616^MDC_EVT_ALARM^MDC|||20120109175426-0600"
    "||||||||||||||||||||||^E0001_27&PAT_DEVICE_BBRAUN&0012211839000001&EUI-64\r"
    "OBX|1|CWE|196616^MDC_EVT_ALARM^MDC|1.0.0.0.1|196940^MDC_EVT_FLUID_LINE_OCCL^MDC^^^^^^Occlusion|||ST|||F"
    "|||||||P6013^^0012210000000000^EUI-64\r"
    "OBX|2|CWE|68480^MDC_ATTR_ALERT_SOURCE^MDC|1.0.0.0.2|69985^MDC_DEV_PUMP_INFUS_MDS^MDC||||||F|||"
    "20120109175426-0600\r"
    "OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.0.0.0.3|end||||||F\r"
    "OBX|4|ST|68482^MDC_ATTR_ALARM_STATE^MDC|1.0.0.0.4|inactive||||||F\r"
    "OBX|5|ST|68483^MDC_ATTR_ALARM_INACTIVATION_STATE|1.0.0.0.5|enabled|||||F\r";

// 2012-01-11 15:04:57 at -0600.
const vigil::core::TimePoint kTfAlarmTime = sys_days{year{2012} / 1 / 11} + 21h + 4min + 57s;

// The gateway of E.3.1 as vigil's sender, and its alarm as vigil's report.
const MessageHeader kTfGateway{.sending_application = "MINDRAY_EGATEWAY",
                               .sending_facility = "MINDRAY",
                               .receiving_application = "AM_PHILIPS_IEM",
                               .receiving_facility = "PHILIPS",
                               .equipment_eui64 = "00A037EB2175780F",
                               .control_id = "1",
                               .time = kTfAlarmTime};

const AlertReport kTfLowSpo2{.alert_id = "1",
                             .condition = "desaturation",
                             .text = "Low SpO2",
                             .origin = AlertOrigin::limit_rule,
                             .priority = AlertPriority::medium,
                             .mdc_code = 150456,
                             .value = 88,
                             .limit = 90,
                             .below = true,
                             .source = {},
                             .time = kTfAlarmTime};

std::size_t sub_id_depth(const std::string& sub_id) {
  return split_on(sub_id, '.').size();
}

}  // namespace

TEST_CASE("PCD-04 for the IHE example's low SpO2 alarm, field by field against the TF's E.3.1") {
  const auto ours = segments(encode_oru_r40(kTfGateway, {"1", "HO2009001"}, kTfLowSpo2));
  const auto ihe = segments(kTfLowSpo2Start);
  REQUIRE(ours.size() == 11);  // MSH PID PV1 OBR and facets .1 to .7
  REQUIRE(ihe.size() == 9);    // the example has facets .1 to .5

  // MSH: the same sender and its EUI-64, facility, message type, control id,
  // processing id, version, acknowledgement modes and character set.
  for (int f : {3, 4, 6, 9, 10, 11, 12, 15, 16, 18}) CHECK_MESSAGE(ours[0][f] == ihe[0][f], "MSH-" << f);
  // vigil names the receiver by its configured application alone.
  CHECK(ours[0][5] == component(ihe[0][5], 1));
  // The same instant; vigil writes every time in UTC.
  CHECK(ours[0][7] == "20120111210457.000+0000");
  // Deliberate: MSH-21's OID is the one TF-2's table of assigned OIDs (B.1)
  // gives PCD-04; this example (and E.3.2's start) has .6.4.4.1, E.3.2's end
  // and its advisory example .6.1.4.1, the table's.
  for (std::size_t c : {1u, 2u, 4u}) CHECK(component(ours[0][21], c) == component(ihe[0][21], c));
  CHECK(component(ours[0][21], 3) == "1.3.6.1.4.1.19376.1.6.1.4.1");
  CHECK(component(ihe[0][21], 3) == "1.3.6.1.4.1.19376.1.6.4.4.1");

  // PID-3: the same CX layout and id (vigil says MR, and sends no name,
  // birth date or sex); PV1: inpatient, the bed as PV1-3's third component.
  CHECK(component(ours[1][3], 1) == component(ihe[1][3], 1));
  CHECK(split_on(ours[1][3], '^').size() == split_on(ihe[1][3], '^').size());
  CHECK(ours[2][2] == ihe[2][2]);
  CHECK(component(ours[2][3], 3) == component(ihe[2][3], 3));

  // OBR: the start's OBR-3 is the alert's id, as is OBR-29.2, the whole
  // field here equal to the example's; OBR-4 the alarm; OBR-7 the message's
  // time in both. OBR-3's fourth component is "EUI64" in the example, a
  // slip (its OBR-29 and MSH say EUI-64). OBR-2 (optional) vigil leaves empty.
  for (std::size_t c : {1u, 2u, 3u}) CHECK(component(ours[3][3], c) == component(ihe[3][3], c));
  CHECK(component(ours[3][3], 4) == "EUI-64");
  for (int f : {1, 4, 29}) CHECK_MESSAGE(ours[3][f] == ihe[3][f], "OBR-" << f);
  CHECK(ours[3][7] == ours[0][7]);
  CHECK(ihe[3][7] == ihe[0][7]);
  CHECK(ours[3][2].empty());

  // Every facet: OBX-1, the depth of OBX-4 MDS.VMD.CHAN.METRIC.facet and its
  // facet number, and OBX-11 F (final) as in the example. The example
  // numbers its VMD 3 and its metric by the metric's code; vigil's SpO2 is
  // metric 1 of VMD 1. The example's facet .5 has its F one field early
  // (OBX-10), a slip: OBX-11 is the result status.
  for (std::size_t i = 4; i < 9; ++i) {
    CAPTURE(ihe[i][3]);
    CHECK(ours[i][1] == ihe[i][1]);
    CHECK(sub_id_depth(ours[i][4]) == sub_id_depth(ihe[i][4]));
    CHECK(split_on(ours[i][4], '.').back() == split_on(ihe[i][4], '.').back());
    CHECK(ours[i][11] == "F");
    CHECK((ihe[i][11] == "F" || (i == 8 && ihe[i][10] == "F")));
  }

  // .1: OBX-3 is the alarm's event code from partition 3 (events): the
  // example's MDC_EVT_LO (3::62), vigil's MDC_EVT_LO_LT_LIM (3::64) of TF-3's
  // table of alert semantics, which also says the limit was crossed. OBX-8
  // the same abnormality, priority and type; OBX-14 the same instant.
  const auto partition = [](const std::string& code) { return std::stoul(component(code, 1)) >> 16; };
  CHECK(partition(ihe[4][3]) == 3);
  CHECK(partition(ours[4][3]) == 3);
  CHECK(ours[4][3] == "196672^MDC_EVT_LO_LT_LIM^MDC");
  CHECK(ours[4][8] == ihe[4][8]);
  CHECK(ours[4][14] == ours[0][7]);
  // Deliberate: OBX-5 is coded (CWE) with the event code again and vigil's
  // condition and text, the example's text being the CWE's fifth component;
  // OBX-18 is vigil's EUI-64, which the TF's note asks of live systems.
  CHECK(ihe[4][2] == "ST");
  CHECK(ours[4][2] == "CWE");
  CHECK(component(ours[4][5], 5) == ihe[4][5]);
  CHECK(component(ours[4][18], 4) == "EUI-64");

  // .2: the measurement, its value and MDC unit as in the example (UCUM
  // follows as the alternate), the low limit that was crossed. vigil knows
  // the crossed limit only, so OBX-7 is "90-" where the example has 90-96.
  for (int f : {2, 3, 5, 14}) CHECK_MESSAGE(ours[5][f] == (f == 14 ? ours[0][7] : ihe[5][f]), "OBX-" << f);
  CHECK(ours[5][6] == ihe[5][6] + "^%^%^UCUM");
  CHECK(ours[5][7] == "90-");
  CHECK(ihe[5][7].starts_with(ours[5][7]));

  // .3 to .5: the same attribute codes and values.
  for (std::size_t i = 6; i < 9; ++i) {
    CHECK(ours[i][2] == ihe[i][2]);
    for (std::size_t c : {1u, 2u}) CHECK(component(ours[i][3], c) == component(ihe[i][3], c));
    CHECK(ours[i][5] == ihe[i][5]);
  }
  // .6 and .7: priority and type as OBX segments of their own, which TF-2
  // B.8.5 asks of new implementations (the example predates it and has them
  // in OBX-8 only; vigil sends both, as the TF allows).
  CHECK(ours[9][3] == "68484^MDC_ATTR_ALARM_PRIORITY^MDC");
  CHECK(ours[9][5] == "PM");
  CHECK(ours[10][3] == "68485^MDC_ATTR_ALERT_TYPE^MDC");
  CHECK(ours[10][5] == "SP");
}

TEST_CASE("a technical alarm's end, field by field against the TF's E.3.2 occlusion end") {
  const AlertReport a{.alert_id = "E0001_27",
                      .condition = "device_lost:pump",
                      .text = "pump lost",
                      .technical = true,
                      .origin = AlertOrigin::technical_check,
                      .phase = AlertPhase::end,
                      .state = AlertState::inactive,
                      .source = "pump",
                      .time = kTfAlarmTime};
  auto h = kTfGateway;
  h.sending_application = "PAT_DEVICE_BBRAUN";
  h.equipment_eui64 = "0012211839000001";
  h.control_id = "6346172846620706282";
  const auto ours = segments(encode_oru_r40(h, {"1", "HO2009003"}, a));
  const auto ihe = segments(kTfOcclusionEnd);
  REQUIRE(ours.size() == 11);
  REQUIRE(ihe.size() == 6);

  // OBR-29: the alert, the same field as the example's; OBR-3 names this
  // report, in the same EI layout (the example keeps its start's OBR-3 at
  // the end; vigil gives each later report its own, as TF-2 B.7 says).
  CHECK(ours[3][29] == ihe[0][29]);
  CHECK(ours[3][4] == ihe[0][4]);
  CHECK(ours[3][3] == "E0001_27:6346172846620706282^PAT_DEVICE_BBRAUN^0012211839000001^EUI-64");
  for (std::size_t c : {2u, 3u, 4u}) CHECK(component(ours[3][3], c) == component(ihe[0][3], c));

  // A technical alarm hangs below the MDS (1.0.0.0.facet), .1 is
  // MDC_EVT_ALARM with the event in OBX-5, .2 MDC_ATTR_ALERT_SOURCE; the end
  // is phase end, state inactive, inactivation enabled; every row final.
  for (std::size_t i = 1; i < 6; ++i) {
    CAPTURE(ihe[i][3]);
    CHECK(ours[3 + i][1] == ihe[i][1]);
    CHECK(ours[3 + i][4] == ihe[i][4]);
    CHECK(ours[3 + i][11] == "F");
    CHECK(component(ours[3 + i][3], 1) == component(ihe[i][3], 1));
  }
  CHECK(ours[4][2] == ihe[1][2]);
  CHECK(ours[4][3] == ihe[1][3]);
  for (std::size_t i = 3; i < 6; ++i) CHECK(ours[3 + i][5] == ihe[i][5]);
  // Deliberate: OBX-8 carries the priority with the type (PM~ST, TF-2 table
  // B.8.5-10); the event is in vigil's local coding system (no MDC code for
  // a lost device was confirmed), and the source is the device's configured
  // name (ST), where the example codes its pump's MDS: vigil does not know
  // the MDC object class of a device it lost.
  CHECK(ihe[1][8] == "ST");
  CHECK(ours[4][8] == "PM~ST");
  CHECK(ours[4][5] == "device_lost:pump^pump lost^99VIGIL");
  CHECK(ours[5][2] == "ST");
  CHECK(ours[5][5] == "pump");
}
