// A cuff measurement that reaches vigild as an HL7 ORU^R01 whose systolic,
// diastolic and mean OBX rows have other rows between them is judged whole,
// as vigild splits a device read (daemon/bed_monitor.cpp): a condition with
// rules on several of its values never clears on the new systolic held
// against the old diastolic only to rise again on the new diastolic.
#include <doctest/doctest.h>

#include <string>

#include "drivers/hl7/hl7_oru_r01.hpp"
#include "tests/unit/alerts/ketamine_bed.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

// A monitor's PCD-01 message: NIBP with the ECG heart rate and SpO₂ between its rows.
std::string oru(int sys, int dia, int mean, const std::string& measured) {
  const auto nibp = [&](const char* code, int row, int value) {
    return "OBX|" + std::to_string(row) + "|NM|" + code + "|1.3.1." + std::string{code}.substr(0, 6) + "|" +
           std::to_string(value) + "|266016^MDC_DIM_MMHG^MDC|||||R|||" + measured + "\r";
  };
  return "MSH|^~\\&|MONITOR|WARD3|||" + measured + "||ORU^R01^ORU_R01|C1|P|2.6|||AL|NE\r" +
         "PID|||P7^^^^MR\rPV1||I|^^bed-1\r" +
         "OBR|1|C1^MONITOR|C1^MONITOR|182777000^monitoring of patient^SCT|||" + measured + "\r" +
         nibp("150021^MDC_PRESS_BLD_NONINV_SYS^MDC", 1, sys) +
         "OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|1.2.1.147842|88|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R\r" +
         nibp("150022^MDC_PRESS_BLD_NONINV_DIA^MDC", 3, dia) +
         "OBX|4|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.150456|96|262688^MDC_DIM_PERCENT^MDC|||||R\r" +
         nibp("150023^MDC_PRESS_BLD_NONINV_MEAN^MDC", 5, mean);
}

// The clock at the messages' measured time (2024-12-05 12:00 UTC).
struct Bed : alerts::test::MeasurementBed {
  Bed() { clock.set(core::TimePoint{std::chrono::seconds{1'733'400'000}}); }

  // One message, split into measurements the way vigild splits a device read.
  void receive(const std::string& text) {
    const auto parsed = drivers::parse_hl7(text);
    REQUIRE_MESSAGE(parsed.message.has_value(), parsed.error);
    const auto content = drivers::decode_oru_r01(*parsed.message);
    REQUIRE(content.problems.empty());
    read(content.readings);
  }
};

}  // namespace

TEST_CASE(
    "HL7 NIBP 185/95 then 150/112, each with HR and SpO2 rows between its parts, is one continuing "
    "hypertension alarm") {
  Bed b;
  b.receive(oru(185, 95, 125, "20241205120000+0000"));
  REQUIRE(b.count("hypertension", alerts::Transition::raised) == 1);
  REQUIRE(b.hypertension());
  const std::string id = b.hypertension()->alarm_id;
  b.clock.advance(5min);
  b.out.clear();
  // Judged part by part, the systolic 150 against the old diastolic 95 would clear it, and the diastolic 112
  // raise it again.
  b.receive(oru(150, 112, 125, "20241205120500+0000"));
  CHECK(b.count("hypertension", alerts::Transition::cleared) == 0);
  CHECK(b.count("hypertension", alerts::Transition::raised) == 0);
  REQUIRE(b.hypertension());
  CHECK(b.hypertension()->alarm_id == id);
}
