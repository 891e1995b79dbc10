#include "drivers/hl7/hl7_waveform.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <random>
#include <span>
#include <string>

#include "drivers/hl7/hl7_oru_r01.hpp"
#include "drivers/hl7/mllp_codec.hpp"
#include "tests/unit/drivers/calendar_time.hpp"

using namespace vigil;
using namespace vigil::drivers;
using vigil::test::utc;

namespace {

const std::string kWaveformHeader =
    "MSH|^~\\&|GW|CLINIC|||20150617120001+0000||ORU^R01^ORU_R01|W1|P|2.6|||AL|NE\r"
    "PID|||P1^^^^PI\r"
    "PV1||I|bed-1\r"
    "OBR|2||W1^GW|0^WAVEFORM|||20150617120000.000+0000|20150617120001.000+0000\r";

OruContent decode_waveform(const std::string& rows) {
  const auto parsed = parse_hl7(kWaveformHeader + rows);
  REQUIRE_MESSAGE(parsed.message.has_value(), parsed.error);
  return decode_oru_r01(*parsed.message);
}

std::string one_problem(const OruContent& c) {
  REQUIRE(c.problems.size() == 1);
  CHECK(c.waveforms.empty());
  return c.problems.front();
}

}  // namespace

TEST_CASE("a numeric array reads every ^-separated sample exactly") {
  auto v = parse_numeric_array("0.0^-0.53714565^1.04980469^+2^-.5^7");
  REQUIRE(v.ok());
  REQUIRE(v->size() == 6);
  CHECK((*v)[0] == 0.0);
  CHECK((*v)[1] == -0.53714565);
  CHECK((*v)[2] == 1.04980469);
  CHECK((*v)[3] == 2.0);
  CHECK((*v)[4] == -0.5);
  CHECK((*v)[5] == 7.0);
}

TEST_CASE("every sample reads as the very double std::from_chars gives, short or long, signed or not") {
  // The short samples take a fast path; it must agree with the library to
  // the last bit, -0 included.
  std::mt19937_64 random{17};
  for (int i = 0; i < 20000; ++i) {
    std::string text = (random() % 3 == 0) ? "-" : "";
    const auto whole = random() % 9, decimals = random() % 12;
    for (std::uint64_t d = 0; d < whole; ++d) text += static_cast<char>('0' + random() % 10);
    if (decimals > 0 || whole == 0) text += '.';
    for (std::uint64_t d = 0; d < decimals || (whole == 0 && d == 0); ++d)
      text += static_cast<char>('0' + random() % 10);
    double expected = 0;
    std::from_chars(text.data(), text.data() + text.size(), expected, std::chars_format::fixed);
    auto v = parse_numeric_array(text);
    CAPTURE(text);
    REQUIRE(v.ok());
    CHECK(std::bit_cast<std::uint64_t>(v->at(0)) == std::bit_cast<std::uint64_t>(expected));
  }
  auto v = parse_numeric_array("120^-0^ 42 ^5.^12345678901234567^0.1234567890123456789");
  REQUIRE(v.ok());
  CHECK((*v)[0] == 120.0);
  CHECK(std::signbit((*v)[1]));
  CHECK((*v)[2] == 42.0);
  CHECK((*v)[3] == 5.0);
  CHECK((*v)[4] == 12345678901234567.0);  // beyond 15 digits: the library's parse
  CHECK((*v)[5] == 0.1234567890123456789);
  CHECK(parse_numeric_array("1^-").error() == "sample 2 '-' is not a number");
  CHECK(parse_numeric_array("1^.").error() == "sample 2 '.' is not a number");
  CHECK(parse_numeric_array("1^--5").error() == "sample 2 '--5' is not a number");
  CHECK(parse_numeric_array("1^5-3").error() == "sample 2 '5-3' is not a number");
}

TEST_CASE("a numeric array with an empty, garbled or excess sample is an error naming the sample") {
  CHECK(parse_numeric_array("1^^2").error() == "sample 2 is empty");
  CHECK(parse_numeric_array("").error() == "sample 1 is empty");
  CHECK(parse_numeric_array("1^2^x3").error() == "sample 3 'x3' is not a number");
  CHECK(parse_numeric_array("1e3").error() == "sample 1 '1e3' is not a number");
  CHECK(parse_numeric_array("1.2.3").error() == "sample 1 '1.2.3' is not a number");
  CHECK(parse_numeric_array("nan").error() == "sample 1 'nan' is not a number");
  CHECK(parse_numeric_array("1^2^3^4", '^', 3).error() == "more than 3 samples");
}

TEST_CASE("the T5 gateway's lead I and II rows read as two ECG segments in mV at 150 /s from OBX-14") {
  // The rows of the example ORU^R01 in the T5 gateway's WaveformScannerProcessorTest.
  const auto c = decode_waveform(
      "OBX|1000||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0||x^x^x||F|||F|||||||ABC123\r"
      "OBX|1001|NA|131329^MDC_ECG_LEAD_I^MDC|1.1.1.1001|-0.53714565^-0.54203324^-0.53128055|"
      "266418^MDC_DIM_MILLI_VOLT^MDC|||||F|||20150617120000.000\r"
      "OBX|1002|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.1.1.1001.1|150.0|264608^MDC_DIM_PER_SEC|||||F\r"
      "OBX|1003|NR|0^MDC_ATTR_DATA_RANGE^MDC|1.1.1.1001.2|-5.0^10.0|266418^MDC_DIM_MILLI_VOLT^MDC|||||F\r"
      "OBX|1005|NA|131330^MDC_ECG_LEAD_II^MDC|1.1.1.1002|1.04980469^1.0546875^1.04003906|"
      "266418^MDC_DIM_MILLI_VOLT^MDC|||||F|||20150617120000.500\r"
      "OBX|1006|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.1.1.1002.1|150.0|264608^MDC_DIM_PER_SEC|||||F\r");
  CHECK(c.problems.empty());
  CHECK(c.readings.empty());
  REQUIRE(c.waveforms.size() == 2);
  const auto& i = c.waveforms[0];
  CHECK(i.mdc_code == 131329);
  CHECK(i.label == "ECG I");
  CHECK(i.channel == "1.1.1.1001");
  CHECK(i.sampling_hz == 150.0);
  REQUIRE(i.samples.size() == 3);
  CHECK(i.samples[0] == doctest::Approx(-0.53714565));
  CHECK(i.samples[2] == doctest::Approx(-0.53128055));
  // OBX-14 without an offset takes MSH-7's (+0000).
  CHECK(i.first_sample_time == utc(2015, 6, 17, 12, 0, 0));
  const auto& ii = c.waveforms[1];
  CHECK(ii.mdc_code == 131330);
  CHECK(ii.label == "ECG II");
  CHECK(ii.samples[1] == doctest::Approx(1.0546875));
  CHECK(ii.first_sample_time == utc(2015, 6, 17, 12, 0, 0) + std::chrono::milliseconds{500});
}

TEST_CASE(
    "counts scaled by MDC_ATTR_NU_MSMT_RES, as a Mindray gateway sends them, read as mV; time from OBR-7") {
  const auto c = decode_waveform(
      "OBX|1|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.7.6.131330|80^-88^0^1000|262656^MDC_DIM_DIMLESS^MDC\r"
      "OBX|2|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.7.6.131330.1|500|264640^MDC_DIM_HZ^MDC\r"
      "OBX|3|NM|2327^MDC_ATTR_NU_MSMT_RES^MDC|1.7.6.131330.2|0.001221|266418^MDC_DIM_MILLI_VOLT^MDC\r"
      "OBX|4|NM|147842^MDC_ECG_HEART_RATE^MDC|1.7.6.1|72|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R\r");
  CHECK(c.problems.empty());
  REQUIRE(c.waveforms.size() == 1);
  const auto& w = c.waveforms[0];
  CHECK(w.sampling_hz == 500.0);
  REQUIRE(w.samples.size() == 4);
  CHECK(w.samples[0] == doctest::Approx(80 * 0.001221));
  CHECK(w.samples[1] == doctest::Approx(-88 * 0.001221));
  CHECK(w.samples[3] == doctest::Approx(1.221));
  CHECK(w.first_sample_time == utc(2015, 6, 17, 12, 0, 0));
  // The numeric in the same message is still read.
  REQUIRE(c.readings.size() == 1);
  CHECK(c.readings[0].value == 72);
}

TEST_CASE("micro-volt samples are converted to mV") {
  const auto c = decode_waveform(
      "OBX|1|NA|131329^MDC_ECG_ELEC_POTL_I^MDC|1.1.1.1|1500^-250|266419^MDC_DIM_MICRO_VOLT^MDC\r"
      "OBX|2|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.1.1.1.1|250|264608^MDC_DIM_PER_SEC^MDC\r");
  REQUIRE(c.waveforms.size() == 1);
  CHECK(c.waveforms[0].samples[0] == doctest::Approx(1.5));
  CHECK(c.waveforms[0].samples[1] == doctest::Approx(-0.25));
}

TEST_CASE("a garbled ECG row is rejected whole with the reason; the other rows are still read") {
  const auto c = decode_waveform(
      "OBX|1|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.1.1.1|0.1^0.2^garbage^0.3|266418^MDC_DIM_MILLI_VOLT^MDC\r"
      "OBX|2|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.1.1.1.1|250|264608^MDC_DIM_PER_SEC^MDC\r"
      "OBX|3|NA|131329^MDC_ECG_ELEC_POTL_I^MDC|1.1.1.2|0.1^0.2|266418^MDC_DIM_MILLI_VOLT^MDC\r"
      "OBX|4|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.1.1.2.1|250|264608^MDC_DIM_PER_SEC^MDC\r");
  REQUIRE(c.problems.size() == 1);
  CHECK(c.problems[0] == "OBX 1 (131330^MDC_ECG_ELEC_POTL_II^MDC): sample 3 'garbage' is not a number");
  REQUIRE(c.waveforms.size() == 1);
  CHECK(c.waveforms[0].mdc_code == 131329);
}

TEST_CASE("ECG rows that cannot be trusted are errors: no rate, an absurd rate, a wrong unit, out of range") {
  const std::string rate = "OBX|2|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.1.1.1.1|250|264608^MDC_DIM_PER_SEC^MDC\r";
  CHECK(one_problem(
            decode_waveform(
                "OBX|1|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.1.1.1|0.1^0.2|266418^MDC_DIM_MILLI_VOLT^MDC\r"))
            .ends_with("no MDC_ATTR_SAMP_RATE row gives its sampling rate"));
  CHECK(one_problem(decode_waveform(
                        "OBX|1|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.1.1.1|0.1|266418^MDC_DIM_MILLI_VOLT^MDC\r"
                        "OBX|2|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.1.1.1.1|5|264608^MDC_DIM_PER_SEC^MDC\r"))
            .ends_with("sampling rate 5 /s is outside 50-5000"));
  CHECK(one_problem(
            decode_waveform("OBX|1|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.1.1.1|0.1|266016^MDC_DIM_MMHG^MDC\r" +
                            rate))
            .ends_with("is not mV or uV"));
  CHECK(one_problem(decode_waveform("OBX|1|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.1.1.1|0.1|\r" + rate))
            .ends_with("is not mV or uV"));
  CHECK(one_problem(
            decode_waveform(
                "OBX|1|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.1.1.1|0.1^1200|266418^MDC_DIM_MILLI_VOLT^MDC\r" +
                rate))
            .ends_with("sample 2 is 1200 mV, beyond ±50 mV: a scale or unit error"));
  CHECK(
      one_problem(
          decode_waveform(
              "OBX|1|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.1.1.1|0.1^0.2~0.3|266418^MDC_DIM_MILLI_VOLT^MDC\r" +
              rate))
          .ends_with("samples in more than one row; one lead has one row"));
  CHECK(one_problem(
            decode_waveform(
                "OBX|1|NA|131330^MDC_ECG_ELEC_POTL_I^MDC|1.1.1.1|0.1|266418^MDC_DIM_MILLI_VOLT^MDC\r" + rate))
            .ends_with("OBX-3 code 131330 is lead II but its name says MDC_ECG_ELEC_POTL_I"));
  CHECK(one_problem(decode_waveform(
                        "OBX|1|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.1.1.1|0.1|266418^MDC_DIM_MILLI_VOLT^MDC\r"
                        "OBX|2|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.1.1.1.1|fast|264608^MDC_DIM_PER_SEC^MDC\r"))
            .ends_with("sampling rate 'fast' in '264608^MDC_DIM_PER_SEC^MDC' is not samples per second"));
}

TEST_CASE("other waveforms and rows marked not valid are skipped without a problem, facets and all") {
  const auto c = decode_waveform(
      "OBX|1|NA|150452^MDC_PULS_OXIM_PLETH^MDC|1.2.1.1|1^2^3|262656^MDC_DIM_DIMLESS^MDC\r"
      "OBX|2|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.2.1.1.1|125|264608^MDC_DIM_PER_SEC^MDC\r"
      "OBX|3|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.1.1.1|0^0|266418^MDC_DIM_MILLI_VOLT^MDC|||||X\r"
      "OBX|4|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.1.1.1.1|250|264608^MDC_DIM_PER_SEC^MDC\r");
  CHECK(c.problems.empty());
  CHECK(c.waveforms.empty());
  CHECK(c.readings.empty());
  CHECK(c.skipped_unknown == 2);
}

TEST_CASE("an encoded ORU^R01 with an ECG segment decodes back to the same samples, rate and time") {
  OruR01 msg;
  msg.control_id = "E1";
  msg.message_time = utc(2024, 3, 5, 9, 15, 1);
  WaveformSegment w;
  w.mdc_code = 131330;
  w.sampling_hz = 360;
  // to the millisecond: at 250 /s or more, a second is far too coarse
  w.first_sample_time = utc(2024, 3, 5, 9, 15, 0) + std::chrono::milliseconds{604};
  for (int k = 0; k < 360; ++k) w.samples.push_back(static_cast<float>(k % 7) * 0.125f - 0.4f);
  msg.waveforms.push_back(w);
  msg.observations.push_back({core::Metric::heart_rate, 75, std::nullopt});
  const auto parsed = parse_hl7(encode_oru_r01(msg));
  REQUIRE(parsed.message.has_value());
  const auto c = decode_oru_r01(*parsed.message);
  CHECK(c.problems.empty());
  REQUIRE(c.readings.size() == 1);
  REQUIRE(c.waveforms.size() == 1);
  const auto& back = c.waveforms[0];
  CHECK(back.mdc_code == 131330);
  CHECK(back.sampling_hz == 360);
  CHECK(back.first_sample_time == w.first_sample_time);
  REQUIRE(back.samples.size() == w.samples.size());
  for (std::size_t k = 0; k < w.samples.size(); ++k)
    CHECK(back.samples[k] == doctest::Approx(w.samples[k]).epsilon(1e-3));
}

TEST_CASE("the HL7 session puts ECG segments into its output and acknowledges the message AA") {
  OruR01 msg;
  msg.control_id = "S1";
  msg.message_time = utc(2024, 3, 5, 9, 15, 1);
  WaveformSegment w;
  w.mdc_code = 131329;
  w.sampling_hz = 250;
  w.samples.assign(250, 0.25f);
  msg.waveforms.push_back(w);
  const auto framed = mllp_frame(encode_oru_r01(msg));
  auto s = make_hl7_session();
  DecodeOutput out;
  s->on_bytes(std::span(reinterpret_cast<const std::uint8_t*>(framed.data()), framed.size()), out);
  CHECK(out.errors.empty());
  REQUIRE(out.waveforms.size() == 1);
  CHECK(out.waveforms[0].samples.size() == 250);
  // No time in the rows: OBR-7 (the message time) stands for the first sample.
  CHECK(out.waveforms[0].first_sample_time == msg.message_time);
  const std::string ack(out.to_send.begin(), out.to_send.end());
  CHECK(ack.find("MSA|AA|S1") != std::string::npos);
  out.clear();
  CHECK(out.waveforms.empty());
}
