#include "hl7out/ack_parser.hpp"

#include <doctest/doctest.h>

using namespace vigil::hl7out;

TEST_CASE("ACK: MSA-1 and MSA-2 are read; a reply without them is not an acknowledgement") {
  auto a = parse_ack("MSH|^~\\&|MIRTH|HOSP|VIGIL|CLINIC|20261205||ACK^R01^ACK|X1|P|2.6\rMSA|AA|V7\r");
  REQUIRE(a);
  CHECK(a->code == AckCode::AA);
  CHECK(a->control_id == "V7");
  a = parse_ack("MSH|^~\\&|A|B|C|D|2026||ACK|X|P|2.6\nMSA|AE|V8|bad PID\nERR|||207|E\n");
  REQUIRE(a);
  CHECK(a->code == AckCode::AE);
  CHECK(a->text == "bad PID");
  a = parse_ack("MSH#^~\\&#A#B\rMSA#CA#V9\r");  // another field separator
  REQUIRE(a);
  CHECK(a->code == AckCode::CA);
  CHECK(a->control_id == "V9");
  CHECK(!parse_ack(""));
  CHECK(!parse_ack("garbage"));
  CHECK(!parse_ack("MSH|^~\\&|A\r"));             // no MSA
  CHECK(!parse_ack("MSH|^~\\&|A\rMSA|ZZ|V1\r"));  // unknown code
  CHECK(!parse_ack("MSH|^~\\&|A\rMSA|AA|\r"));    // empty MSA-2
  CHECK(!parse_ack("MSH|^~\\&|A\rMSA|AA\r"));     // no MSA-2
  CHECK(!parse_ack("MSH||||\rMSA|AA|V1\r"));      // separators that make no sense
  CHECK(parse_ack("MSH|^~\\&|A\rMSA|AR|V1^x|why\r")->control_id == "V1");
}
