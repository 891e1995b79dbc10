// PCD-01 beside the IHE PCD Technical Framework's own example of a
// non-invasive blood pressure (120/80, mean 100) from a device "AcmeInc"
// with EUI-64 ACDE48234567ABCD. The example's values are taken as openehealth
// IPF's PCD-01 tests reproduce the TF-2 example (TransactedRouteTest,
// AbstractPCD01ValidatorTest); the TF text itself could not be read here.
// vigil encodes the same situation; every field is compared by position,
// and each place where vigil differs on purpose says why (docs/hl7.md).
#include <doctest/doctest.h>

#include "hl7_fields.hpp"
#include "hl7out/pcd01_encoder.hpp"

using namespace vigil::hl7out;
using namespace std::chrono;
using vigil::test::component;
using vigil::test::segments;
using vigil::test::split_on;

namespace {

// The example, field by field (only the fields it fills).
const std::string kIheExample =
    "MSH|^~\\&|AcmeInc^ACDE48234567ABCD^EUI-64||||20090813095715+0000||ORU^R01^ORU_R01|MSGID1234|P|2.6|||NE|"
    "AL|||"
    "||IHE PCD ORU-R01 2006^HL7^2.16.840.1.113883.9.n.m^HL7\r"
    "PID|||789567^^^Imaginary Hospital^PI||Doe^John^Joseph^^^^L^A|||M\r"
    "OBR|1|AB12345^AcmeAHDInc^ACDE48234567ABCD^EUI-64|CD12345^AcmeAHDInc^ACDE48234567ABCD^EUI-64|"
    "528391^MDC_DEV_SPEC_PROFILE_BP^MDC|||20090813095715+0000\r"
    "OBX|1||528391^MDC_DEV_SPEC_PROFILE_BP^MDC|1|||||||R|||||||0123456789ABCDEF^EUI-64\r"
    "OBX|2||150020^MDC_PRESS_BLD_NONINV^MDC|1.0.1|||||||R|||20090813095715+0000\r"
    "OBX|3|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.0.1.1|120|266016^MDC_DIM_MMHG^MDC|||||R\r"
    "OBX|4|NM|150022^MDC_PRESS_BLD_NONINV_DIA^MDC|1.0.1.2|80|266016^MDC_DIM_MMHG^MDC|||||R\r"
    "OBX|5|NM|150023^MDC_PRESS_BLD_NONINV_MEAN^MDC|1.0.1.3|100|266016^MDC_DIM_MMHG^MDC|||||R\r";

const vigil::core::TimePoint kMeasured = sys_days{year{2009} / 8 / 13} + 9h + 57min + 15s;

}  // namespace

TEST_CASE("PCD-01 for the IHE example's blood pressure, field by field against the example") {
  MessageHeader h;
  h.sending_application = "AcmeInc";
  h.equipment_eui64 = "ACDE48234567ABCD";
  h.control_id = "MSGID1234";
  h.time = kMeasured;
  const auto ours = segments(encode_oru_r01(
      h, {"bed-1", "789567"}, {{150021, 120, kMeasured}, {150022, 80, kMeasured}, {150023, 100, kMeasured}}));
  const auto ihe = segments(kIheExample);
  REQUIRE(ours.size() == 10);  // MSH PID PV1 OBR, MDS, VMD, channel, three metrics

  // MSH: the same sending application and equipment id, message type,
  // processing id and version.
  for (int f : {3, 9, 10, 11, 12}) CHECK_MESSAGE(ours[0][f] == ihe[0][f], "MSH-" << f);
  CHECK(ours[0][7].starts_with("20090813095715"));  // the example's time, to the second
  // Deliberate: the current TF's acknowledgement modes (accept AL, application
  // NE: the receiver's commit ACK is all vigil waits for) and profile id; the
  // example predates both (NE/AL and the 2006 id with a placeholder OID).
  CHECK(ihe[0][15] + "/" + ihe[0][16] == "NE/AL");
  CHECK(ours[0][15] + "/" + ours[0][16] == "AL/NE");
  CHECK(ours[0][21] == "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO");

  // PID-3: the same CX layout (ID^^^assigning authority^type); vigil says MR
  // (the hospital's record number it was admitted under), and sends no name.
  CHECK(component(ours[1][3], 1) == component(ihe[1][3], 1));
  CHECK(split_on(ours[1][3], '^').size() == split_on(ihe[1][3], '^').size());
  CHECK(ours[1][5].empty());

  // OBR-2/3: entity id^namespace^EUI-64^EUI-64 as in the example.
  for (int f : {2, 3}) {
    CHECK(component(ours[3][f], 3) == component(ihe[2][f], 3));
    CHECK(component(ours[3][f], 4) == component(ihe[2][f], 4));
  }
  CHECK(ours[3][7].starts_with(ihe[2][7].substr(0, 14)));
  // Deliberate: OBR-4 says what the report is (the TF's SNOMED CT "monitoring
  // of patient", coded SCT per HL7 table 0396), where the example names a
  // personal-health device profile vigil is not.
  CHECK(ours[3][4] == "182777000^monitoring of patient^SCT");

  // The three pressures: code, type, value, MDC unit and status as in the
  // example, in the same order.
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& o = ours[7 + i];
    const auto& e = ihe[5 + i];
    for (int f : {2, 3, 5, 11}) CHECK_MESSAGE(o[f] == e[f], "OBX-" << f << " of " << e[3]);
    // Deliberate: UCUM follows as the alternate unit (IHE's rule since).
    CHECK(o[6] == e[6] + "^mm[Hg]^mm[Hg]^UCUM");
    // The same depth of containment, MDS.VMD.CHAN.METRIC, and the same
    // metric number; vigil numbers its NIBP VMD 3 and always has an MDS row.
    CHECK(split_on(o[4], '.').size() == split_on(e[4], '.').size());
    CHECK(split_on(o[4], '.').back() == split_on(e[4], '.').back());
    // Deliberate: each value carries its measurement time, how it was made
    // and the equipment (the example gives them once, on its device rows).
    CHECK(o[14].starts_with("20090813095715"));
    CHECK(o[17] == "AMEAS^auto-measurement^MDC");
    CHECK(component(o[18], 1) == "ACDE48234567ABCD");
  }
  // Deliberate: the device rows are a patient monitor's (MDS, NIBP VMD and
  // channel, result status X), not the example's personal-health profile
  // and compound NIBP row.
  CHECK(ours[4][3] == "69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC");
  CHECK(ours[6][3] == "70687^MDC_DEV_PRESS_BLD_NONINV_CHAN^MDC");
  CHECK(ihe[4][3] == "150020^MDC_PRESS_BLD_NONINV^MDC");
}
