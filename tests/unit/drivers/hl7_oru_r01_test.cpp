#include "drivers/hl7/hl7_oru_r01.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/unit/drivers/calendar_time.hpp"

using namespace vigil;
using namespace vigil::drivers;
using core::Metric;
using core::QualityFlag;
using vigil::test::utc;

namespace {

// A PCD-01 header with a +0100 message time; rows are appended per test.
const std::string kHeader =
    "MSH|^~\\&|GW|CLINIC|||20240305101500+0100||ORU^R01^ORU_R01|C1|P|2.6|||AL|NE\r"
    "PID|||P1^^^^PI\r"
    "PV1||I|bed-1\r"
    "OBR|1|C1^GW|C1^GW|182777000^monitoring of patient^SCT|||20240305101400+0100\r";

OruContent decode(const std::string& rows, const std::string& header = kHeader) {
  const auto parsed = parse_hl7(header + rows);
  REQUIRE_MESSAGE(parsed.message.has_value(), parsed.error);
  return decode_oru_r01(*parsed.message);
}

}  // namespace

TEST_CASE("the GE B40 manual's heart-rate row reads as HR 80 and its invasive-pressure rows are skipped") {
  // GE B40 HL7 interface manual (2062665-001), PCD-01 description page.
  const auto c = decode(
      "OBX|4|NM|150033^MDC_PRESS_BLD_ART_SYS^MDC|1.13.1.1|112|266016^MDC_DIM_MMHG^MDC|||||R|||||||"
      "080019FFFE0B4020^B40_GE\r"
      "OBX|11|NM|147842^MDC_ECG_HEART_RATE^MDC|1.5.1.1|80|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||||||"
      "080019FFFE0B4020^B40_GE\r"
      "OBX|12|NM|148066^MDC_ECG_V_P_C_RATE^MDC|1.5.1.2|0|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||||||"
      "080019FFFE0B4020^B40_GE\r");
  REQUIRE(c.readings.size() == 1);
  CHECK(c.readings[0].metric == Metric::heart_rate);
  CHECK(c.readings[0].value == 80);
  CHECK(c.readings[0].quality.usable());
  CHECK_FALSE(c.readings[0].device_time.has_value());
  CHECK(c.skipped_unknown == 2);
  CHECK(c.problems.empty());
}

TEST_CASE("every metric vigil reads maps from its MDC code, and the NIBP and PI aliases too") {
  const auto c = decode(
      "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.150456|97|262688^MDC_DIM_PERCENT^MDC|||||R\r"
      "OBX|2|NM|149530^MDC_PULS_OXIM_PULS_RATE^MDC|1.3.1.149530|72|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R\r"
      "OBX|3|NM|150488^MDC_BLD_PERF_INDEX^MDC|1.3.1.150488|1.76|262688^MDC_DIM_PERCENT^MDC|||||R\r"
      "OBX|4|NM|151578^MDC_TTHOR_RESP_RATE^MDC|1.7.1.151578|17|264928^MDC_DIM_RESP_PER_MIN^MDC|||||R\r"
      "OBX|5|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.1.9.1|135|266016^MDC_DIM_MMHG^MDC|||||F\r"
      "OBX|6|NM|150302^MDC_PRESS_CUFF_DIA^MDC|1.1.9.2|85|mm[Hg]^mm[Hg]^UCUM|||||F\r"
      "OBX|7|NM|150023^MDC_PRESS_BLD_NONINV_MEAN^MDC|1.1.9.3|102|mmHg|||||F\r"
      "OBX|8|NM|147842^MDC_ECG_HEART_RATE^MDC|1.5.1.1|71|{beat}/min^{beat}/min^UCUM|||||R\r");
  REQUIRE(c.readings.size() == 8);
  const Metric expected[] = {Metric::spo2,      Metric::pulse_rate,    Metric::perfusion_index,
                             Metric::resp_rate, Metric::nibp_systolic, Metric::nibp_diastolic,
                             Metric::nibp_mean, Metric::heart_rate};
  const double values[] = {97, 72, 1.76, 17, 135, 85, 102, 71};
  for (std::size_t i = 0; i < 8; ++i) {
    CHECK(c.readings[i].metric == expected[i]);
    CHECK(c.readings[i].value == doctest::Approx(values[i]));
    CHECK(c.readings[i].quality.usable());
  }
  CHECK(c.problems.empty());
}

TEST_CASE("NIBP in kPa is converted to mmHg") {
  const auto c = decode(
      "OBX|1|NM|150301^MDC_PRESS_CUFF_SYS^MDC|1.1.9.1|24|265987^MDC_DIM_KILO_PASCAL^MDC|||||F\r"
      "OBX|2|NM|150302^MDC_PRESS_CUFF_DIA^MDC|1.1.9.2|10.5|kPa^kPa^UCUM|||||F\r");
  REQUIRE(c.readings.size() == 2);
  CHECK(c.readings[0].value == doctest::Approx(180.01).epsilon(0.0001));
  CHECK(c.readings[1].value == doctest::Approx(78.756).epsilon(0.0001));
}

TEST_CASE("a unit that cannot be converted drops the row with a problem line") {
  const auto c = decode(
      "OBX|1|NM|150301^MDC_PRESS_CUFF_SYS^MDC|1.1.9.1|24|cm[H2O]^cm[H2O]^UCUM|||||F\r"
      "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.1|97|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||F\r");
  CHECK(c.readings.empty());
  REQUIRE(c.problems.size() == 2);
  CHECK(c.problems[0].find("cm[H2O]") != std::string::npos);
  CHECK(c.problems[0].find("mm[Hg]") != std::string::npos);
}

TEST_CASE("an empty unit is read as the metric's own unit") {
  const auto c = decode("OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.1|96||||||F\r");
  REQUIRE(c.readings.size() == 1);
  CHECK(c.readings[0].value == 96);
}

TEST_CASE("a code whose number and name disagree is rejected rather than guessed") {
  // Seen in the wild: 150022 is NIBP diastolic, the name says heart rate.
  const auto c = decode("OBX|1|NM|150022^MDC_ECG_HEART_RATE^MDC||88|||||F\r");
  CHECK(c.readings.empty());
  REQUIRE(c.problems.size() == 1);
  CHECK(c.problems[0].find("nibp_dia") != std::string::npos);
}

TEST_CASE("an unknown number with a known MDC name is read by the name") {
  const auto c =
      decode("OBX|1|NM|150031^MDC_PRESS_CUFF_SYS^MDC|1.1.9.150301|142|266016^MDC_DIM_MMHG^MDC|||||F\r");
  REQUIRE(c.readings.size() == 1);
  CHECK(c.readings[0].metric == Metric::nibp_systolic);
}

TEST_CASE("unknown codes and vendor codings are skipped and counted, not errors") {
  const auto c = decode(
      "OBX|1|NM|150344^MDC_TEMP^MDC|1.2.1.150344|36.6|268192^MDC_DIM_DEGC^MDC|||||F\r"
      "OBX|2|NM|0002-4bb8^SpO2^MDIL||98|0004-0220^%^MDIL|||||F\r"
      "OBX|3||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X\r");
  CHECK(c.readings.empty());
  CHECK(c.problems.empty());
  CHECK(c.skipped_unknown == 3);
}

TEST_CASE("a second row of the same metric (a second probe) is skipped: the first one wins") {
  const auto c = decode(
      "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.150456|97|%|||||F\r"
      "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.2.150456|91|%|||||F\r");
  REQUIRE(c.readings.size() == 1);
  CHECK(c.readings[0].value == 97);
  CHECK(c.skipped_duplicate == 1);
}

TEST_CASE("no value, status X, null flavours and implausible numbers give invalid readings, not numbers") {
  const auto c = decode(
      "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1||262688^MDC_DIM_PERCENT^MDC|||||X\r"
      "OBX|2|NM|149530^MDC_PULS_OXIM_PULS_RATE^MDC|2|-999|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||F\r"
      "OBX|3|NM|147842^MDC_ECG_HEART_RATE^MDC|3|60|264864^MDC_DIM_BEAT_PER_MIN^MDC||NAV|||R\r"
      "OBX|4|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|4|120|266016^MDC_DIM_MMHG^MDC||INV|||F\r"
      "OBX|5|NM|151562^MDC_RESP_RATE^MDC|5|12|264928^MDC_DIM_RESP_PER_MIN^MDC|||||W\r"
      "OBX|6|NM|150448^MDC_PULS_OXIM_PERF_REL^MDC|6|3|262688^MDC_DIM_PERCENT^MDC||N~DEMO|||R\r");
  REQUIRE(c.readings.size() == 6);
  for (const auto& r : c.readings) {
    INFO(core::name(r.metric));
    CHECK(r.quality.has(QualityFlag::invalid));
    CHECK_FALSE(r.value);
  }
  CHECK(c.demo_or_test == 1);
  CHECK(c.problems.empty());
  CHECK(c.observations.empty());
}

TEST_CASE("a questionable or calibrating measurement keeps its value but is not usable") {
  const auto c = decode(
      "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1|93|%||QUES|||R\r"
      "OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|2|70|/min||calibration-ongoing|||R\r");
  REQUIRE(c.readings.size() == 2);
  for (const auto& r : c.readings) {
    CHECK(r.quality.has(QualityFlag::questionable));
    CHECK_FALSE(r.quality.has(QualityFlag::invalid));
    CHECK_FALSE(r.quality.usable());
  }
  CHECK(c.readings[0].value == 93);
}

TEST_CASE("values that are not numbers, or not NM, are problems") {
  const auto c = decode(
      "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1|9x7|%|||||F\r"
      "OBX|2|ST|147842^MDC_ECG_HEART_RATE^MDC|2|high|/min|||||F\r"
      "OBX|3|NM|149530^MDC_PULS_OXIM_PULS_RATE^MDC|3|1e2|/min|||||F\r");
  CHECK(c.readings.empty());
  CHECK(c.problems.size() == 3);
}

TEST_CASE("a cuff reading carries its measurement time, in UTC, from OBX-14") {
  const auto c = decode(
      "OBX|1|NM|150301^MDC_PRESS_CUFF_SYS^MDC|1.1.9.1|182|266016^MDC_DIM_MMHG^MDC|||||F|||20240305101412+"
      "0100\r"
      "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.1|97|%|||||F|||20240305101412+0100\r");
  REQUIRE(c.readings.size() == 2);
  CHECK(c.readings[0].device_time == utc(2024, 3, 5, 9, 14, 12));
  CHECK_FALSE(c.readings[1].device_time.has_value());  // continuous values age from arrival
  REQUIRE(c.observations.size() == 2);
  CHECK(c.observations[1].time == utc(2024, 3, 5, 9, 14, 12));
}

TEST_CASE("without OBX-14 a cuff reading takes OBR-7, and a time without offset takes MSH-7's offset") {
  auto c = decode("OBX|1|NM|150301^MDC_PRESS_CUFF_SYS^MDC|1.1.9.1|150|266016^MDC_DIM_MMHG^MDC|||||F\r");
  REQUIRE(c.readings.size() == 1);
  CHECK(c.readings[0].device_time == utc(2024, 3, 5, 9, 14, 0));
  c = decode(
      "OBX|1|NM|150301^MDC_PRESS_CUFF_SYS^MDC|1.1.9.1|150|266016^MDC_DIM_MMHG^MDC|||||F|||20240305101300\r");
  CHECK(c.readings[0].device_time == utc(2024, 3, 5, 9, 13, 0));
}

TEST_CASE("a cuff time with no offset anywhere is no instant, so the reading ages from its arrival") {
  const std::string header =
      "MSH|^~\\&|GW|CLINIC|||20240305101500||ORU^R01^ORU_R01|C1|P|2.6\r"
      "OBR|1|||182777000^monitoring of patient^SCT|||20240305101400\r";
  const auto c =
      decode("OBX|1|NM|150301^MDC_PRESS_CUFF_SYS^MDC|1|150|266016^MDC_DIM_MMHG^MDC|||||F\r", header);
  REQUIRE(c.readings.size() == 1);
  CHECK_FALSE(c.readings[0].device_time.has_value());
  CHECK(c.problems.empty());
}

TEST_CASE("a malformed observation time is a problem but the cuff value is still read") {
  const auto c =
      decode("OBX|1|NM|150301^MDC_PRESS_CUFF_SYS^MDC|1|201|266016^MDC_DIM_MMHG^MDC|||||F|||yesterday\r");
  REQUIRE(c.readings.size() == 1);
  CHECK(c.readings[0].value == 201);
  CHECK_FALSE(c.readings[0].device_time.has_value());
  REQUIRE(c.problems.size() == 1);
  CHECK(c.problems[0].find("yesterday") != std::string::npos);
}

TEST_CASE("an ORU^R01 written by the simulator reads back to the same observations") {
  OruR01 msg;
  msg.sending_application = "VIGIL-SIM";
  msg.sending_facility = "drill|room";
  msg.control_id = "42";
  msg.patient_id = "P^7";
  msg.location = "bed-4";
  msg.message_time = utc(2024, 3, 5, 9, 15, 0);
  msg.observations = {
      {Metric::heart_rate, 118, std::nullopt},
      {Metric::spo2, 93, std::nullopt},
      {Metric::pulse_rate, 117, std::nullopt},
      {Metric::perfusion_index, 2.35, std::nullopt},
      {Metric::resp_rate, 14, std::nullopt},
      {Metric::nibp_systolic, 204, utc(2024, 3, 5, 9, 14, 12)},
      {Metric::nibp_diastolic, 121, utc(2024, 3, 5, 9, 14, 12)},
      {Metric::nibp_mean, 149, utc(2024, 3, 5, 9, 14, 12)},
      {Metric::rr_interval, 508.5, std::nullopt},
  };
  const auto text = encode_oru_r01(msg);
  const auto parsed = parse_hl7(text);
  REQUIRE_MESSAGE(parsed.message.has_value(), parsed.error);
  const auto& m = *parsed.message;
  const auto* msh = m.first("MSH");
  CHECK(m.component(msh->field(4), 1) == "drill|room");
  CHECK(m.component(msh->field(9), 2) == "R01");
  CHECK(m.component(m.first("PID")->field(3), 1) == "P^7");
  CHECK(m.component(m.first("PV1")->field(3), 1) == "bed-4");
  const auto c = decode_oru_r01(m);
  CHECK(c.problems.empty());
  REQUIRE(c.observations.size() == msg.observations.size());
  for (std::size_t i = 0; i < msg.observations.size(); ++i) {
    const auto& want = msg.observations[i];
    CHECK(c.observations[i].metric == want.metric);
    CHECK(c.observations[i].value == doctest::Approx(want.value));
    CHECK(c.observations[i].time == want.time.value_or(msg.message_time));
    CHECK(c.readings[i].device_time.has_value() == core::info(want.metric).episodic);
  }
}

namespace {
// An NIBP measurement's rows (channel 1.3.<chan>) and two rows that may stand between them.
std::string nibp_row(int row, const char* code, const std::string& chan, int value, const std::string& time) {
  return "OBX|" + std::to_string(row) + "|NM|" + code + "|1.3." + chan + "." +
         std::string{code}.substr(0, 6) + "|" + std::to_string(value) + "|266016^MDC_DIM_MMHG^MDC|||||R|||" +
         time + "\r";
}
constexpr const char* kSys = "150021^MDC_PRESS_BLD_NONINV_SYS^MDC";
constexpr const char* kDia = "150022^MDC_PRESS_BLD_NONINV_DIA^MDC";
constexpr const char* kMean = "150023^MDC_PRESS_BLD_NONINV_MEAN^MDC";
const std::string kHrRow =
    "OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|1.2.1.147842|88|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R\r";
const std::string kSpo2Row =
    "OBX|4|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.150456|96|262688^MDC_DIM_PERCENT^MDC|||||R\r";
const std::string kOtherObr = "OBR|2|C1^GW|C1^GW|182777000^monitoring of patient^SCT|||20240305101400+0100\r";
const std::string kT = "20240305101412+0100";
}  // namespace

TEST_CASE(
    "NIBP systolic, diastolic and mean with other rows between them come out together, so the cuff "
    "measurement is judged whole") {
  const auto c = decode(nibp_row(1, kSys, "1", 192, kT) + kHrRow + nibp_row(3, kDia, "1", 104, kT) +
                        kSpo2Row + nibp_row(5, kMean, "1", 133, kT));
  REQUIRE(c.readings.size() == 5);
  // alerts::measurement_end takes the cuff parts that follow each other: here all three.
  CHECK(c.readings[0].metric == Metric::nibp_systolic);
  CHECK(c.readings[1].metric == Metric::nibp_diastolic);
  CHECK(c.readings[2].metric == Metric::nibp_mean);
  CHECK(c.readings[1].value == 104);
  CHECK(c.readings[2].device_time == c.readings[0].device_time);
  CHECK(c.readings[3].metric == Metric::heart_rate);
  CHECK(c.readings[4].metric == Metric::spo2);
  CHECK(c.problems.empty());
}

TEST_CASE("NIBP parts of another channel, another OBR or another measured time are not joined") {
  const auto c = decode(nibp_row(1, kSys, "1", 192, kT) + kHrRow + nibp_row(3, kDia, "2", 104, kT) +
                        nibp_row(4, kMean, "1", 133, "20240305100912+0100") + kOtherObr + kSpo2Row);
  REQUIRE(c.readings.size() == 5);
  CHECK(c.readings[0].metric == Metric::nibp_systolic);
  CHECK(c.readings[1].metric == Metric::heart_rate);
  CHECK(c.readings[2].metric == Metric::nibp_diastolic);  // channel 2
  CHECK(c.readings[3].metric == Metric::nibp_mean);       // five minutes earlier
  // Without OBX-14 both OBRs give the same time (OBR-7): only the OBR differs.
  const auto other_obr =
      decode(nibp_row(1, kSys, "1", 192, "") + kHrRow + kOtherObr + nibp_row(1, kDia, "1", 104, ""));
  REQUIRE(other_obr.readings.size() == 3);
  CHECK(other_obr.readings[1].metric == Metric::heart_rate);
}
