#include "hl7out/pcd01_encoder.hpp"

#include <doctest/doctest.h>

#include "hl7_fields.hpp"

using namespace vigil::hl7out;
using namespace std::chrono;
using vigil::test::segments;

namespace {
const vigil::core::TimePoint kT = sys_days{year{2026} / 12 / 5} + 15min + 250ms;

MessageHeader header() {
  MessageHeader h;
  h.sending_facility = "CLINIC";
  h.receiving_application = "MIRTH";
  h.receiving_facility = "HOSP";
  h.equipment_eui64 = "0123456789ABCDEF";
  h.control_id = "V7";
  h.time = kT;
  return h;
}
}  // namespace

TEST_CASE("PCD-01: an SpO2 and an NIBP reading, the whole message against its golden text") {
  const std::vector<ReportedValue> values{{150021, 212, kT - 30s}, {150456, 96, kT}, {150022, 118, kT - 30s}};
  const std::string expected =
      "MSH|^~\\&|VIGIL^0123456789ABCDEF^EUI-64|CLINIC|MIRTH|HOSP|20261205001500.250+0000||ORU^R01^ORU_R01|V7|"
      "P|2.6|||"
      "AL|NE||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
      "PID|||PAT-0042^^^CLINIC^MR\r"
      "PV1||I|^^bed-2\r"
      "OBR|1|V7^VIGIL^0123456789ABCDEF^EUI-64|V7^VIGIL^0123456789ABCDEF^EUI-64|182777000^monitoring of "
      "patient^SCT|||"
      "20261205001500.250+0000\r"
      "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||"
      "0123456789ABCDEF^^0123456789ABCDEF^EUI-64\r"
      "OBX|2||69642^MDC_DEV_ANALY_SAT_O2_VMD^MDC|1.1.0.0|||||||X\r"
      "OBX|3|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1|96|262688^MDC_DIM_PERCENT^MDC^%^%^UCUM|||||R|||"
      "20261205001500.250+0000|||AMEAS^auto-measurement^MDC|0123456789ABCDEF^^0123456789ABCDEF^EUI-64\r"
      "OBX|4||70686^MDC_DEV_PRESS_BLD_NONINV_VMD^MDC|1.3.0.0|||||||X\r"
      "OBX|5||70687^MDC_DEV_PRESS_BLD_NONINV_CHAN^MDC|1.3.1.0|||||||X\r"
      "OBX|6|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.3.1.1|212|266016^MDC_DIM_MMHG^MDC^mm[Hg]^mm[Hg]^UCUM|||"
      "||R|||"
      "20261205001430.250+0000|||AMEAS^auto-measurement^MDC|0123456789ABCDEF^^0123456789ABCDEF^EUI-64\r"
      "OBX|7|NM|150022^MDC_PRESS_BLD_NONINV_DIA^MDC|1.3.1.2|118|266016^MDC_DIM_MMHG^MDC^mm[Hg]^mm[Hg]^UCUM|||"
      "||R|||"
      "20261205001430.250+0000|||AMEAS^auto-measurement^MDC|0123456789ABCDEF^^0123456789ABCDEF^EUI-64\r";
  const std::string m = encode_oru_r01(header(), {"bed-2", "PAT-0042"}, values);
  CHECK(m == expected);

  // The same, field by position, as a receiver reads it.
  const auto s = segments(m);
  REQUIRE(s.size() == 11);
  CHECK(s[0][3] == "VIGIL^0123456789ABCDEF^EUI-64");
  CHECK(s[0][7] == "20261205001500.250+0000");
  CHECK(s[0][9] == "ORU^R01^ORU_R01");
  CHECK(s[0][10] == "V7");
  CHECK(s[0][11] == "P");
  CHECK(s[0][12] == "2.6");
  CHECK(s[0][15] == "AL");
  CHECK(s[0][16] == "NE");
  CHECK(s[0][21] == "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO");
  CHECK(s[1][3] == "PAT-0042^^^CLINIC^MR");
  CHECK(s[2][3] == "^^bed-2");
  CHECK(s[3][4] == "182777000^monitoring of patient^SCT");
  const auto& spo2 = s[6];
  CHECK(spo2[2] == "NM");
  CHECK(spo2[3] == "150456^MDC_PULS_OXIM_SAT_O2^MDC");
  CHECK(spo2[4] == "1.1.1.1");
  CHECK(spo2[5] == "96");
  CHECK(spo2[6] == "262688^MDC_DIM_PERCENT^MDC^%^%^UCUM");
  CHECK(spo2[11] == "R");
  CHECK(spo2[14] == "20261205001500.250+0000");
  CHECK(spo2[17] == "AMEAS^auto-measurement^MDC");
  CHECK(spo2[18] == "0123456789ABCDEF^^0123456789ABCDEF^EUI-64");
  CHECK(s[9][14] == "20261205001430.250+0000");  // NIBP: when the cuff measured
  CHECK(s[4][11] == "X");
  CHECK(s[8][4] == "1.3.1.0");
}

TEST_CASE("PCD-01: a drill to a test system is MSH-11 T; metrics without a confirmed code are not sent") {
  auto h = header();
  h.test = true;
  const auto m = encode_oru_r01(h, {"bed-2", "P1"}, {{150456, 97.5, kT}, {151562, 14, kT}});
  const auto s = segments(m);
  CHECK(s[0][11] == "T");
  CHECK(s.size() == 7);  // MSH PID PV1 OBR MDS VMD SpO2: the respiration rate has no placement
  CHECK(s[6][5] == "97.5");
  CHECK(encode_oru_r01(h, {"bed-2", "P1"}, {{151562, 14, kT}}).empty());
}

TEST_CASE("PCD-01: delimiters in ids are escaped") {
  const auto m = encode_oru_r01(header(), {"bed-2", "A|B^C"}, {{150456, 97, kT}});
  CHECK(segments(m)[1][3] == "A\\F\\B\\S\\C^^^CLINIC^MR");
}
