#include "tools/validate/wfdb_annotation.hpp"

#include <doctest/doctest.h>

#include <map>

#include "tests/unit/shared_data.hpp"
#include "tools/validate/file_input.hpp"

using namespace vigil::validate;
using vigil::test::shared_data;

namespace {

void word(std::vector<std::uint8_t>& b, int code, unsigned field) {
  const unsigned w = (static_cast<unsigned>(code) << 10) | (field & 0x3ffu);
  b.push_back(static_cast<std::uint8_t>(w & 0xff));
  b.push_back(static_cast<std::uint8_t>(w >> 8));
}

void raw16(std::vector<std::uint8_t>& b, unsigned value) {
  b.push_back(static_cast<std::uint8_t>(value & 0xff));
  b.push_back(static_cast<std::uint8_t>(value >> 8));
}

}  // namespace

TEST_CASE("MIT-BIH record 100 has 2273 reference beats: 2239 normal, 33 atrial premature, 1 ventricular") {
  const auto data = shared_data();
  if (!data) return;
  const auto anns = read_wfdb_annotations(*data + "/mitdb/100.atr");
  std::map<char, int> counts;
  int beats = 0;
  for (const auto& a : anns) {
    ++counts[annotation_mnemonic(a.code)];
    beats += is_beat_annotation(a.code) ? 1 : 0;
  }
  CHECK(anns.size() == 2274);
  CHECK(beats == 2273);
  CHECK(counts['N'] == 2239);
  CHECK(counts['A'] == 33);
  CHECK(counts['V'] == 1);
}

TEST_CASE("record 100 opens with the rhythm annotation (N at sample 18, then beats at 77, 370, 662") {
  const auto data = shared_data();
  if (!data) return;
  const auto anns = read_wfdb_annotations(*data + "/mitdb/100.atr");
  REQUIRE(anns.size() > 4);
  CHECK(anns[0].sample == 18);
  CHECK(anns[0].code == annotation_code::rhythm_change);
  CHECK(anns[0].aux == "(N");
  CHECK(anns[1].sample == 77);
  CHECK(anns[1].code == annotation_code::normal);
  CHECK(anns[2].sample == 370);
  CHECK(anns[3].sample == 662);
  CHECK(anns.back().sample == 649991);
}

TEST_CASE("MIT-BIH record 208 has 992 ventricular and 373 fusion beats and trigeminy episodes") {
  const auto data = shared_data();
  if (!data) return;
  const auto anns = read_wfdb_annotations(*data + "/mitdb/208.atr");
  std::map<char, int> counts;
  bool trigeminy = false;
  for (const auto& a : anns) {
    ++counts[annotation_mnemonic(a.code)];
    trigeminy = trigeminy || a.aux == "(T";
  }
  CHECK(counts['V'] == 992);
  CHECK(counts['F'] == 373);
  CHECK(trigeminy);
}

TEST_CASE(
    "SKIP, NUM, SUB, CHN and AUX words are decoded, and chan and num carry over to the next annotation") {
  std::vector<std::uint8_t> b;
  word(b, 28, 10);  // rhythm change at 10
  word(b, 63, 5);   // AUX of 5 bytes, padded to 6
  for (const char c : std::string("(AFIB")) b.push_back(static_cast<std::uint8_t>(c));
  b.push_back(0);
  word(b, 62, 1);     // CHN 1
  word(b, 60, 0xff);  // NUM -1 (signed byte)
  word(b, 59, 0);     // SKIP 70000 = 0x00011170 samples, high 16-bit word first
  raw16(b, 0x0001);
  raw16(b, 0x1170);
  word(b, 1, 6);      // N at 10 + 70000 + 6
  word(b, 61, 0xfe);  // SUB -2
  word(b, 5, 1023);   // V 1023 later
  word(b, 0, 0);      // end
  const auto anns = parse_wfdb_annotations(b);
  REQUIRE(anns.size() == 3);
  CHECK(anns[0].aux == "(AFIB");
  CHECK(anns[0].channel == 1);
  CHECK(anns[0].num == -1);
  CHECK(anns[1].sample == 10 + 70000 + 6);
  CHECK(anns[1].subtype == -2);
  CHECK(anns[1].channel == 1);  // carried over
  CHECK(anns[1].num == -1);     // carried over
  CHECK(anns[2].sample == 10 + 70000 + 6 + 1023);
  CHECK(anns[2].subtype == 0);  // not carried over
  CHECK(anns[2].aux.empty());
}

TEST_CASE("a file without the end word still yields its annotations") {
  std::vector<std::uint8_t> b;
  word(b, 1, 100);
  word(b, 1, 200);
  const auto anns = parse_wfdb_annotations(b);
  REQUIRE(anns.size() == 2);
  CHECK(anns[1].sample == 300);
}

TEST_CASE("truncated or inconsistent annotation files are refused with the byte offset") {
  std::vector<std::uint8_t> skip_cut;
  word(skip_cut, 59, 0);
  skip_cut.push_back(0);
  CHECK_THROWS_AS(parse_wfdb_annotations(skip_cut), FormatError);

  std::vector<std::uint8_t> aux_cut;
  word(aux_cut, 28, 1);
  word(aux_cut, 63, 20);
  aux_cut.push_back('(');
  CHECK_THROWS_WITH_AS(parse_wfdb_annotations(aux_cut), doctest::Contains("byte"), FormatError);

  std::vector<std::uint8_t> orphan;
  word(orphan, 63, 2);
  orphan.push_back('x');
  orphan.push_back('y');
  CHECK_THROWS_AS(parse_wfdb_annotations(orphan), FormatError);

  std::vector<std::uint8_t> odd;
  word(odd, 1, 5);
  odd.push_back(7);
  CHECK_THROWS_AS(parse_wfdb_annotations(odd), FormatError);

  std::vector<std::uint8_t> backwards;
  word(backwards, 59, 0);
  raw16(backwards, 0xffff);  // -256
  raw16(backwards, 0xff00);
  word(backwards, 1, 5);
  CHECK_THROWS_AS(parse_wfdb_annotations(backwards), FormatError);
}

TEST_CASE("beat codes are the ones ecgcodes.h marks as QRS; rhythm, noise and notes are not beats") {
  for (const int code : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30, 34, 35, 38, 41})
    CHECK(is_beat_annotation(code));
  for (const int code : {0, 14, 16, 22, 28, 39, 40}) CHECK_FALSE(is_beat_annotation(code));
  CHECK(annotation_mnemonic(1) == 'N');
  CHECK(annotation_mnemonic(5) == 'V');
  CHECK(annotation_mnemonic(8) == 'A');
  CHECK(annotation_mnemonic(28) == '+');
  CHECK(annotation_mnemonic(15) == '?');
  CHECK(annotation_mnemonic(99) == '?');
}
