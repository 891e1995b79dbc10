// vigil-validate vt on the records that hold VT: MIT-BIH 203's runs of
// annotated V beats are read from its .atr (19 of 3-5 beats, 2 of 6-10 at
// 100/min or more, 21 (VT episodes), its 7-beat run at 1605 s is found
// through the live path, and a record of sinus rhythm with no V run gets no
// call at all.
#include "tools/validate/vt_scoring.hpp"

#include <doctest/doctest.h>

#include <sstream>

#include "tests/unit/shared_data.hpp"

using namespace vigil::validate;
using vigil::test::shared_data;

TEST_CASE("MIT-BIH 203: its V runs and (VT episodes are read, and a 6+ beat run is found within 2 s") {
  const auto data = shared_data();
  if (!data) return;
  const VtRecordResult r = validate_vt(*data + "/mitdb/203");
  CHECK(r.runs[0] == 19);
  CHECK(r.runs[1] == 2);
  CHECK(r.runs[2] == 0);
  CHECK(r.vt_episodes == 21);
  CHECK(r.found[1] >= 1);
  REQUIRE_FALSE(r.delays_s.empty());
  CHECK(r.delays_s.front() < 2.5);
  std::ostringstream table;
  print_vt_table(table, {r});
  CHECK(table.str().find("203") != std::string::npos);
}

TEST_CASE("MIT-BIH 100 (sinus rhythm, no V run): no VT call") {
  const auto data = shared_data();
  if (!data) return;
  const VtRecordResult r = validate_vt(*data + "/mitdb/100");
  CHECK(r.calls == 0);
  CHECK(r.runs[0] + r.runs[1] + r.runs[2] == 0);
  std::ostringstream json;
  print_vt_json(json, {r});
  CHECK(json.str().starts_with("{\"command\":\"vt\""));
}
