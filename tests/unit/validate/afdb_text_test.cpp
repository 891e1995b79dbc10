#include "tools/validate/afdb_text.hpp"

#include <doctest/doctest.h>

#include "tests/unit/shared_data.hpp"
#include "tools/validate/annotated_record.hpp"
#include "tools/validate/file_input.hpp"

using namespace vigil::validate;
using vigil::test::shared_data;

TEST_CASE("elapsed times of rdann dumps read as seconds") {
  CHECK(parse_elapsed_time("0:00.120") == doctest::Approx(0.12));
  CHECK(parse_elapsed_time("6:50.336") == doctest::Approx(410.336));
  CHECK(parse_elapsed_time("1:13:04.980") == doctest::Approx(4384.98));
  CHECK_THROWS_AS(parse_elapsed_time("1::2"), FormatError);
  CHECK_THROWS_AS(parse_elapsed_time("x"), FormatError);
}

TEST_CASE("AF database record 04015: 15 rhythm changes from (N at sample 30, AF paroxysms, 250 Hz derived") {
  const auto data = shared_data();
  if (!data) return;
  const RhythmDump d = read_rhythm_dump(*data + "/afdb-rr/04015.rhythm.txt");
  REQUIRE(d.changes.size() == 15);
  CHECK(d.sampling_frequency == 250);
  CHECK(d.changes[0].sample == 30);
  CHECK(d.changes[0].label == "(N");
  CHECK(d.changes[1].sample == 102584);
  CHECK(d.changes[1].label == "(AFIB");
  CHECK(d.changes.back().sample == 1460416);
}

TEST_CASE("AF database record 04015's .qrs dump: 44006 beats from sample 0 to 8999941") {
  const auto data = shared_data();
  if (!data) return;
  const auto beats = read_rr_dump(*data + "/afdb-rr/04015.rr.txt");
  REQUIRE(beats.size() == 44006);
  CHECK(beats[0] == 0);
  CHECK(beats[1] == 61);
  CHECK(beats[2] == 200);
  CHECK(beats.back() == 8999941);
}

TEST_CASE("record 07162 is AF throughout: one rhythm annotation") {
  const auto data = shared_data();
  if (!data) return;
  const AnnotatedRecord r = load_annotated_record(*data + "/afdb-rr/07162");
  CHECK(r.beat_source == "rr.txt");
  REQUIRE(r.rhythm.size() == 1);
  CHECK(r.rhythm[0].label == "(AFIB");
  CHECK(r.rhythm[0].sample == 174);
  CHECK(r.beats.size() == 39299);
}

TEST_CASE("a WFDB record loads its beats and rhythm from the .atr when there is no .qrs") {
  const auto data = shared_data();
  if (!data) return;
  const AnnotatedRecord r = load_annotated_record(*data + "/mitdb/208", WfdbBeats::reference);
  CHECK(r.beat_source == "atr");
  CHECK(r.path == "reference-beats");
  CHECK(r.sampling_frequency == 360);
  CHECK(r.beats.size() == 2955);
  CHECK(r.rhythm.front().label == "(N");
}

TEST_CASE("the rhythm in force at a beat is the last change at or before it") {
  const std::vector<RhythmChange> changes{{100, "(N"}, {500, "(AFIB"}, {900, "(AFL"}};
  RhythmLookup lookup{changes};
  CHECK(lookup.at(50) == nullptr);
  CHECK(*lookup.at(100) == "(N");
  CHECK(*lookup.at(499) == "(N");
  CHECK(*lookup.at(500) == "(AFIB");
  CHECK(*lookup.at(10000) == "(AFL");
}

TEST_CASE("malformed dumps and missing records are refused with a message naming the place") {
  CHECK_THROWS_WITH_AS(parse_rr_dump("0 0.5 125\n125 x 250\n"), doctest::Contains("line 2"), FormatError);
  CHECK_THROWS_AS(parse_rr_dump("100 0.5 50\n"), FormatError);
  CHECK_THROWS_AS(parse_rhythm_dump("title\n 0:01.000 250 + 0 0 0 (N\n 0:00.500 125 + 0 0 0 (AFIB\n"),
                  FormatError);
  CHECK_THROWS_WITH_AS(load_annotated_record(vigil::test::shared_data_dir() + "/afdb-rr/99999"),
                       doctest::Contains("99999"), FormatError);
}
