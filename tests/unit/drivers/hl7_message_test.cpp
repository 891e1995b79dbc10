#include "drivers/hl7/hl7_message.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "tests/unit/drivers/calendar_time.hpp"

using namespace vigil;
using namespace vigil::drivers;
using vigil::test::utc;

namespace {

// Philips Efficia CM data export guide, ORU^R01 alarm example (MSH-10 rejoined).
constexpr std::string_view kEfficia =
    "MSH|^~\\&|^EfficiaCM||||20140510124500||ORU^R01^ORU_R01|MONITORABC000000002D|P|2.4|||||||||"
    "2.16.840.1.113883.9.2.1\r"
    "PID|||MRN1234||JONES^MARY^A\r"
    "OBR||||ALARM|||20120513111801|||OPERATOR12\r"
    "OBX||TX|2^Yellow Alarm^MDIL-ALERT||SpO2 High, SpO2=98 %||||||F\r";

}  // namespace

TEST_CASE("MSH fields are numbered as HL7 numbers them: MSH-1 is the separator, MSH-9 the type") {
  const auto r = parse_hl7(kEfficia);
  REQUIRE_MESSAGE(r.message.has_value(), r.error);
  const auto& m = *r.message;
  const auto* msh = m.first("MSH");
  REQUIRE(msh != nullptr);
  CHECK(msh->field(1) == "|");
  CHECK(msh->field(2) == "^~\\&");
  CHECK(m.component(msh->field(3), 2) == "EfficiaCM");
  CHECK(msh->field(7) == "20140510124500");
  CHECK(m.component(msh->field(9), 1) == "ORU");
  CHECK(m.component(msh->field(9), 2) == "R01");
  CHECK(msh->field(10) == "MONITORABC000000002D");
  CHECK(msh->field(12) == "2.4");
  CHECK(msh->field(40).empty());
  const auto* obx = m.first("OBX");
  REQUIRE(obx != nullptr);
  CHECK(m.component(obx->field(3), 2) == "Yellow Alarm");
  CHECK(m.segments.size() == 4);
}

TEST_CASE("a message declaring other delimiters is split with its own delimiters") {
  const auto r =
      parse_hl7("MSH#*!@$#APP#FAC####ORU*R01#7#P#2.6\rOBX#1#NM#150456*MDC_PULS_OXIM_SAT_O2*MDC##9@7!8\r");
  REQUIRE_MESSAGE(r.message.has_value(), r.error);
  const auto& m = *r.message;
  CHECK(m.delimiters.field == '#');
  CHECK(m.delimiters.component == '*');
  CHECK(m.delimiters.repetition == '!');
  CHECK(m.delimiters.escape == '@');
  CHECK(m.delimiters.subcomponent == '$');
  const auto* obx = m.first("OBX");
  CHECK(m.component(obx->field(3), 2) == "MDC_PULS_OXIM_SAT_O2");
  CHECK(m.repetitions(obx->field(5)) == std::vector<std::string>{"9@7", "8"});
}

TEST_CASE("a session's parser reads each message as parse_hl7 does, whatever it read before") {
  // The parser keeps its lists from one message to the next, and they grow
  // while it reads its first messages: every segment must still view its own
  // fields, never a list that has moved or a longer message's leftovers.
  const std::string_view small = "MSH|^~\\&|A|B|||20240101000000||ORU^R01|1|P|2.6\rPID|||X\r";
  const std::string_view refused = "MSH|^~\\&|A\rPID|||X\r\x01\r";
  Hl7Parser parser;
  for (int round = 0; round < 2; ++round) {
    CAPTURE(round);
    for (const auto text : {kEfficia, small}) {
      const auto* m = parser.parse(text);
      const auto whole = parse_hl7(text);
      REQUIRE(m != nullptr);
      REQUIRE(whole.message.has_value());
      REQUIRE(m->segments.size() == whole.message->segments.size());
      for (std::size_t i = 0; i < m->segments.size(); ++i) {
        const auto& got = m->segments[i].fields;
        const auto& want = whole.message->segments[i].fields;
        CHECK(std::equal(got.begin(), got.end(), want.begin(), want.end()));
      }
    }
    CHECK(parser.parse(refused) == nullptr);
    CHECK(parser.error() == parse_hl7(refused).error);
    CHECK(parser.error() == "segment holds control byte 1");
  }
}

TEST_CASE("segments separated by LF or CR LF parse like CR-separated ones") {
  const auto lf = parse_hl7("MSH|^~\\&|A|B|||20240101000000||ORU^R01|1|P|2.6\nPID|||X\n");
  const auto crlf = parse_hl7("MSH|^~\\&|A|B|||20240101000000||ORU^R01|1|P|2.6\r\nPID|||X\r\n");
  REQUIRE(lf.message.has_value());
  REQUIRE(crlf.message.has_value());
  CHECK(lf.message->segments.size() == 2);
  CHECK(crlf.message->segments.size() == 2);
}

TEST_CASE("text that is not an HL7 message is refused with a reason") {
  const std::string_view bad[] = {
      "",
      "PID|||X\r",
      "MSH",
      "MSH|^^\\&|A\r",               // the same delimiter twice
      "MSH|^~\\&|A\rMSH|^~\\&|B\r",  // MSH twice
      "MSH|^~\\&|A\rP!D|1\r",        // bad segment name
      std::string_view("MSH|^~\\&|A\x01|B\r", 13),
  };
  for (auto text : bad) {
    const auto r = parse_hl7(text);
    CHECK_FALSE(r.message.has_value());
    CHECK_FALSE(r.error.empty());
  }
}

TEST_CASE("escaping and unescaping give back the original text") {
  const std::string text = "a|b^c~d\\e&f";
  const auto escaped = hl7_escape(text);
  CHECK(escaped == "a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f");
  CHECK(hl7_unescape(escaped) == text);
  CHECK(hl7_unescape("\\X0D\\ kept") == "\\X0D\\ kept");  // escapes vigil does not decode stay as they are
  CHECK(hl7_escape("line\rbreak") == "line break");
}

TEST_CASE("HL7 times with and without a UTC offset") {
  const auto with_offset = parse_hl7_time("20240305101412+0100");
  REQUIRE(with_offset.has_value());
  CHECK(with_offset->instant() == utc(2024, 3, 5, 9, 14, 12));
  const auto negative = parse_hl7_time("20141023133254-0600");
  REQUIRE(negative.has_value());
  CHECK(negative->instant() == utc(2014, 10, 23, 19, 32, 54));
  const auto fraction = parse_hl7_time("20260727124424.0000+0000");
  REQUIRE(fraction.has_value());
  CHECK(fraction->instant() == utc(2026, 7, 27, 12, 44, 24));
  const auto millis = parse_hl7_time("20240101000000.25");
  REQUIRE(millis.has_value());
  CHECK(millis->wall - utc(2024, 1, 1, 0, 0, 0) == std::chrono::milliseconds{250});
  const auto naive = parse_hl7_time("20130122134100");
  REQUIRE(naive.has_value());
  CHECK(naive->wall == utc(2013, 1, 22, 13, 41, 0));
  CHECK_FALSE(naive->instant().has_value());
  CHECK(parse_hl7_time("201301221341")->wall == utc(2013, 1, 22, 13, 41, 0));
  for (auto bad : {"2013012213", "20130230134100", "20130122246100", "20130122134100+2500", "20130122134100Z",
                   "2013012213410", "x"}) {
    INFO(bad);
    CHECK_FALSE(parse_hl7_time(bad).has_value());
  }
  CHECK(format_hl7_time(utc(2024, 3, 5, 9, 14, 12)) == "20240305091412+0000");
}

TEST_CASE("an accepting ACK swaps sender and receiver and names the acknowledged control id") {
  const auto orig = parse_hl7(kEfficia);
  AckRequest req;
  req.original = &*orig.message;
  req.control_id = "7";
  req.time = utc(2024, 3, 5, 9, 14, 12);
  const auto ack = encode_ack(req);
  CHECK(ack ==
        "MSH|^~\\&|VIGIL||^EfficiaCM||20240305091412+0000||ACK^R01^ACK|7|P|2.4\r"
        "MSA|AA|MONITORABC000000002D\r");
  const auto info = parse_ack(ack);
  REQUIRE(info.has_value());
  CHECK(info->code == "AA");
  CHECK(info->control_id == "MONITORABC000000002D");
  CHECK(info->error_code == 0);
}

TEST_CASE("an error ACK carries the reason in MSA-3 and an ERR segment with the HL7 error code") {
  const auto orig = parse_hl7(kEfficia);
  AckRequest req;
  req.original = &*orig.message;
  req.code = AckCode::error;
  req.error_code = hl7_error::data_type_error;
  req.text = "OBX 1: value 'x^y' is not a number";
  req.control_id = "8";
  const auto ack = encode_ack(req);
  CHECK(ack.find("MSA|AE|MONITORABC000000002D|OBX 1: value 'x\\S\\y' is not a number\r") !=
        std::string::npos);
  CHECK(ack.find("ERR|||102^^HL70357|E||||") != std::string::npos);
  CHECK(ack.find("|20140510124500|") != std::string::npos);  // no clock yet: the original's MSH-7
  const auto info = parse_ack(ack);
  REQUIRE(info.has_value());
  CHECK(info->code == "AE");
  CHECK(info->text == "OBX 1: value 'x^y' is not a number");
  CHECK(info->error_code == 102);
}

TEST_CASE("a reject for a message that could not be parsed still answers, with an empty control id") {
  AckRequest req;
  req.code = AckCode::reject;
  req.error_code = hl7_error::data_type_error;
  req.text = "message does not start with an MSH segment";
  req.control_id = "9";
  const auto info = parse_ack(encode_ack(req));
  REQUIRE(info.has_value());
  CHECK(info->code == "AR");
  CHECK(info->control_id.empty());
}

TEST_CASE("parse_ack refuses messages that are not acknowledgements") {
  CHECK_FALSE(parse_ack(kEfficia).has_value());
  CHECK_FALSE(parse_ack("MSH|^~\\&|A||||20240101||ACK|1|P|2.6\r").has_value());  // no MSA
  CHECK_FALSE(parse_ack("garbage").has_value());
}

TEST_CASE("an HL7 time beyond what the clock can hold is no time, not an overflow (found by fuzzing)") {
  CHECK_FALSE(vigil::drivers::parse_hl7_time("40480610203000+0100").has_value());
  CHECK_FALSE(vigil::drivers::parse_hl7_time("18991231235959").has_value());
  CHECK(vigil::drivers::parse_hl7_time("20261123101500+0000").has_value());
}

TEST_CASE(
    "a session's ACK writer answers each message with append_ack's bytes as the sender, time and "
    "delimiters change") {
  // Two senders in turn, one with its own delimiters and an escape in MSH-3,
  // answered with and without a clock, accepted, in error and rejected.
  const auto efficia = parse_hl7(kEfficia);
  const auto other = parse_hl7("MSH#*$!@#A!E$B#FAC##20240101120000+0100##ORU*R01#C-1#P#2.6\rOBX#1\r");
  const auto same_text_later =
      parse_hl7("MSH|^~\\&|^EfficiaCM||||20140510124505||ORU^R01^ORU_R01|MONITORABC000000002E|P|2.4\r");
  REQUIRE(efficia.message);
  REQUIRE(other.message);
  REQUIRE(same_text_later.message);
  const Hl7Message* originals[] = {&*efficia.message, &*other.message,           nullptr,
                                   &*efficia.message, &*same_text_later.message, &*efficia.message};
  Hl7AckWriter writer;
  int n = 0;
  for (const auto* original : originals) {
    for (const auto code : {AckCode::accept, AckCode::error, AckCode::reject}) {
      for (const bool clock : {false, true, true}) {
        AckRequest req;
        req.original = original;
        req.code = code;
        req.error_code = hl7_error::data_type_error;
        req.text = "row 2|3 unusable";
        req.control_id = std::to_string(++n);
        if (clock) req.time = utc(2024, 3, 5, 9, 14, 12) + std::chrono::milliseconds{n * 400};
        std::string written = "kept";
        writer.append(req, written);
        CHECK(written == "kept" + encode_ack(req));
      }
    }
  }
}
