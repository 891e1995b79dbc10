#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "capture_replay.hpp"
#include "drivers/hl7/hl7_message.hpp"
#include "drivers/hl7/hl7_oru_r01.hpp"
#include "drivers/hl7/mllp_codec.hpp"
#include "tests/unit/drivers/calendar_time.hpp"

using namespace vigil;
using namespace vigil::drivers;
using core::Metric;
using vigil::test::utc;

namespace {

std::string oru(const std::string& control_id, const std::string& rows,
                const std::string& msh_tail = "|P|2.6") {
  return "MSH|^~\\&|GW|CLINIC|||20240305101500+0100||ORU^R01^ORU_R01|" + control_id + msh_tail +
         "\rPID|||P1^^^^PI\rOBR|1|||182777000^monitoring of patient^SCT|||20240305101400+0100\r" + rows;
}

const std::string kMllpHrRow =
    "OBX|1|NM|147842^MDC_ECG_HEART_RATE^MDC|1.5.1.1|80|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R\r";

DecodeOutput feed_mllp(DeviceSession& s, const std::string& bytes) {
  DecodeOutput out;
  s.on_bytes(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), out);
  return out;
}

// The ACKs in to_send, each unframed.
std::vector<AckInfo> acks(const DecodeOutput& out) {
  std::vector<AckInfo> found;
  std::string text(out.to_send.begin(), out.to_send.end());
  std::size_t at = 0;
  while ((at = text.find('\x0b', at)) != std::string::npos) {
    const auto end = text.find("\x1c\r", at);
    REQUIRE(end != std::string::npos);
    auto info = parse_ack(std::string_view(text).substr(at + 1, end - at - 1));
    REQUIRE(info.has_value());
    found.push_back(*info);
    at = end;
  }
  return found;
}

}  // namespace

TEST_CASE("MLLP frames a message with 0x0B before and 0x1C 0x0D after") {
  CHECK(mllp_frame("MSH|x\r") == std::string("\x0bMSH|x\r\x1c\r"));
}

TEST_CASE("a good ORU^R01 is read and answered with MSA|AA and its control id") {
  auto s = make_hl7_session();
  const auto out = feed_mllp(*s, mllp_frame(oru("C-17", kMllpHrRow)));
  REQUIRE(out.readings.size() == 1);
  CHECK(out.readings[0].metric == Metric::heart_rate);
  CHECK(out.readings[0].value == 80);
  CHECK(out.errors.empty());
  CHECK_FALSE(out.conditions.has_value());
  const auto a = acks(out);
  REQUIRE(a.size() == 1);
  CHECK(a[0].code == "AA");
  CHECK(a[0].control_id == "C-17");
  CHECK(s->stats().frames_ok == 1);
  CHECK(s->stats().frames_bad == 0);
}

TEST_CASE("the ACK is stamped with the time of the last tick") {
  auto s = make_hl7_session();
  DecodeOutput tick;
  s->on_tick(utc(2024, 3, 5, 9, 15, 1), tick);
  const auto out = feed_mllp(*s, mllp_frame(oru("C-1", kMllpHrRow)));
  const std::string ack(out.to_send.begin(), out.to_send.end());
  CHECK(ack.find("|20240305091501+0000||ACK^R01^ACK|1|P|2.6\r") != std::string::npos);
}

TEST_CASE("a message with an unusable row is answered AE with the reason; its good rows are still read") {
  auto s = make_hl7_session();
  const auto out = feed_mllp(
      *s, mllp_frame(
              oru("C-2", kMllpHrRow + "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.1|ninety|%|||||F\r")));
  REQUIRE(out.readings.size() == 1);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].find("C-2") != std::string::npos);
  CHECK(out.errors[0].find("ninety") != std::string::npos);
  const auto a = acks(out);
  REQUIRE(a.size() == 1);
  CHECK(a[0].code == "AE");
  CHECK(a[0].control_id == "C-2");
  CHECK(a[0].text.find("ninety") != std::string::npos);
  CHECK(a[0].error_code == hl7_error::data_type_error);
  CHECK(s->stats().frames_bad == 1);
}

TEST_CASE("messages vigil cannot use are rejected AR: not ORU^R01, training data, not HL7 at all") {
  struct Case {
    std::string frame;
    int error_code;
    std::string control_id;
  };
  const Case cases[] = {
      {mllp_frame("MSH|^~\\&|ADT|C|||20240101||ADT^A01^ADT_A01|A-1|P|2.6\rPID|||X\r"),
       hl7_error::unsupported_message_type, "A-1"},
      {mllp_frame("MSH|^~\\&|GW|C|||20240101||ORU^R40^ORU_R40|A-2|P|2.6\r"),
       hl7_error::unsupported_message_type, "A-2"},
      {mllp_frame(oru("A-3", kMllpHrRow, "|T|2.6")), hl7_error::unsupported_processing_id, "A-3"},
      {mllp_frame("hello, this is not HL7"), hl7_error::data_type_error, ""},
  };
  for (const auto& c : cases) {
    auto s = make_hl7_session();
    const auto out = feed_mllp(*s, c.frame);
    CHECK(out.readings.empty());
    CHECK(out.errors.size() == 1);
    const auto a = acks(out);
    REQUIRE(a.size() == 1);
    CHECK(a[0].code == "AR");
    CHECK(a[0].error_code == c.error_code);
    CHECK(a[0].control_id == c.control_id);
    CHECK(s->stats().frames_bad == 1);
  }
}

TEST_CASE("no ACK is sent when the sender asks for none (MSH-15 and MSH-16 both NE)") {
  auto s = make_hl7_session();
  const auto out = feed_mllp(*s, mllp_frame(oru("C-3", kMllpHrRow, "|P|2.6|||NE|NE")));
  CHECK(out.readings.size() == 1);
  CHECK(out.to_send.empty());
  CHECK(s->stats().frames_ok == 1);
}

TEST_CASE("garbage before, between and after frames is skipped, counted and reported once per run") {
  auto s = make_hl7_session();
  const auto frame = mllp_frame(oru("C-4", kMllpHrRow));
  const auto out = feed_mllp(*s, "noise" + frame + "\r\n" + frame + "more noise\x1c\r");
  CHECK(out.readings.size() == 2);
  CHECK(acks(out).size() == 2);
  CHECK(s->stats().resyncs == 5 + 2 + 12);
  REQUIRE(out.errors.size() == 1);  // the trailing run is reported when the next frame starts
  CHECK(out.errors[0].find("skipped 5 bytes") != std::string::npos);
  const auto later = feed_mllp(*s, frame);
  REQUIRE(later.errors.size() == 1);
  CHECK(later.errors[0].find("skipped 12 bytes") != std::string::npos);
}

TEST_CASE(
    "noise is reported as every codec reports it: every 512 bytes while it lasts, then at the next frame") {
  auto s = make_hl7_session();
  const auto frame = mllp_frame(oru("C-10", kMllpHrRow));
  const auto out = feed_mllp(*s, std::string(2000, 'x') + frame + "\r\n\r\n" + frame);
  CHECK(out.readings.size() == 2);
  REQUIRE(out.errors.size() == 4);  // line endings alone between frames are no noise
  for (int i = 0; i < 3; ++i) CHECK(out.errors[i] == "mllp: skipped 512 bytes without finding a frame");
  CHECK(out.errors[3] == "mllp: skipped 464 bytes before the next frame");
  CHECK(s->stats().resyncs == 2000 + 4);
  // A run that starts with line endings and goes on with noise is reported whole.
  const auto later = feed_mllp(*s, "\r\nnot hl7" + frame);
  REQUIRE(later.errors.size() == 1);
  CHECK(later.errors[0] == "mllp: skipped 9 bytes before the next frame");
}

TEST_CASE("a frame cut short by a new start byte is rejected and the next frame is read") {
  auto s = make_hl7_session();
  const auto frame = mllp_frame(oru("C-5", kMllpHrRow));
  const auto out = feed_mllp(*s, frame.substr(0, 50) + frame);
  CHECK(out.readings.size() == 1);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].find("cut short") != std::string::npos);
  CHECK(s->stats().frames_bad == 1);
  CHECK(s->stats().frames_ok == 1);
}

TEST_CASE("a partial frame left when the link drops is discarded on reopen") {
  auto s = make_hl7_session();
  const auto frame = mllp_frame(oru("C-6", kMllpHrRow));
  feed_mllp(*s, frame.substr(0, 80));
  DecodeOutput reopened;
  s->on_open(reopened);
  REQUIRE(reopened.errors.size() == 1);
  const auto out = feed_mllp(*s, frame.substr(80) + frame);
  CHECK(out.readings.size() == 1);  // the tail of the old frame is noise now
  CHECK(s->stats().frames_bad == 1);
}

TEST_CASE("a stream fed one byte at a time decodes exactly as when fed whole, errors in the same order") {
  // Found by the fuzzer: message errors must not be listed after framing
  // errors that happened later in the stream.
  const auto bad_row = "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.1|9x|%|||||F\r";
  const auto cut = mllp_frame(oru("C-9", kMllpHrRow)).substr(0, 40);
  const auto stream = mllp_frame(oru("C-7", kMllpHrRow + bad_row)) + "noise" + cut +
                      mllp_frame(oru("C-8", kMllpHrRow, "|T|2.6"));
  auto whole = make_hl7_session();
  const auto once = feed_mllp(*whole, stream);
  auto split = make_hl7_session();
  DecodeOutput all;
  for (char c : stream) {
    const auto out = feed_mllp(*split, std::string(1, c));
    all.readings.insert(all.readings.end(), out.readings.begin(), out.readings.end());
    all.errors.insert(all.errors.end(), out.errors.begin(), out.errors.end());
    all.to_send.insert(all.to_send.end(), out.to_send.begin(), out.to_send.end());
  }
  CHECK(test::describe_flat(all) == test::describe_flat(once));
  CHECK(test::describe_stats(split->stats()) == test::describe_stats(whole->stats()));
  CHECK(once.readings.size() == 1);
  REQUIRE(once.errors.size() == 4);
  CHECK(once.errors[0].find("C-7") != std::string::npos);
  CHECK(once.errors[1].find("skipped 5 bytes") != std::string::npos);
  CHECK(once.errors[2].find("cut short") != std::string::npos);
  CHECK(once.errors[3].find("C-8") != std::string::npos);
  CHECK(acks(once).size() == 2);
}

TEST_CASE("an overlong frame is dropped without holding more than the cap in memory") {
  auto s = make_hl7_session();
  std::string huge = "\x0b" + oru("C-9", "");
  huge += std::string(MllpDeframer::kMaxFrame + 10, 'Z');
  auto out = feed_mllp(*s, huge);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].find("longer than") != std::string::npos);
  out = feed_mllp(*s, std::string(1000, 'Z') + "\x1c\r" + mllp_frame(oru("C-10", kMllpHrRow)));
  CHECK(out.readings.size() == 1);
  CHECK(out.errors.empty());  // the rest of the dropped frame is not reported again
  CHECK(s->stats().frames_bad == 1);
}

TEST_CASE("a frame ended by 0x1C alone is still read") {
  auto s = make_hl7_session();
  const auto out =
      feed_mllp(*s, "\x0b" + oru("C-11", kMllpHrRow) + "\x1c" + mllp_frame(oru("C-12", kMllpHrRow)));
  CHECK(out.readings.size() == 2);
  CHECK(out.errors.empty());
}

TEST_CASE("the simulator's ORU^R01 goes through the session and its ACK reads back as AA") {
  OruR01 msg;
  msg.control_id = "SIM-1";
  msg.location = "bed-2";
  msg.message_time = utc(2024, 3, 5, 9, 15, 0);
  msg.observations = {{Metric::spo2, 88, std::nullopt},
                      {Metric::nibp_systolic, 205, utc(2024, 3, 5, 9, 14, 0)}};
  auto s = make_hl7_session();
  const auto out = feed_mllp(*s, mllp_frame(encode_oru_r01(msg)));
  REQUIRE(out.readings.size() == 2);
  CHECK(out.readings[1].device_time == utc(2024, 3, 5, 9, 14, 0));
  const auto a = acks(out);
  REQUIRE(a.size() == 1);
  CHECK(a[0].code == "AA");
  CHECK(a[0].control_id == "SIM-1");
}

TEST_CASE("the protocol table offers hl7-mllp over TCP with a 5 s expected interval") {
  const auto* p = find_protocol("hl7-mllp");
  REQUIRE(p != nullptr);
  CHECK(p->default_baud == 0);
  CHECK(p->expected_interval == std::chrono::seconds{5});
  CHECK_FALSE(p->needs_request);
  CHECK(find_protocol("hl7") == nullptr);
}
