// `vigil-ctl sessions` and the station's session list: each infusion with the
// admission around it, found in one pass over the journal's sessions.
#include <doctest/doctest.h>

#include "record/record_builder.hpp"
#include "record/record_view.hpp"
#include "tests/unit/record/ward_sessions.hpp"

using namespace vigil;
using test::at;

namespace {

// The admission around an infusion as the session list has always defined
// it: the last patient session of its bed (oldest first) that began by the
// infusion's start and had not ended before it.
std::optional<journal::SessionRecord> admission_by_definition(const std::vector<journal::SessionRecord>& all,
                                                              const journal::SessionRecord& s) {
  std::optional<journal::SessionRecord> found;
  for (const auto& p : all)
    if (p.bed == s.bed && p.kind == "patient" && p.started <= s.started &&
        (!p.ended || *p.ended >= s.started))
      found = p;
  return found;
}

struct Ward {
  test::TempDir dir;
  std::string path = dir.file("journal.db");
  Ward(int beds, int visits) {
    journal::JournalOptions o;
    o.path = path;
    journal::Journal j{o, [](const journal::JournalWriterReport&) {}};
    REQUIRE(j.open("d", test::T0));
    test::WardSessions{j}.visits(beds, visits);
    j.close(test::T0 + std::chrono::hours{3 * visits + 1});
  }
};

}  // namespace

TEST_CASE(
    "every infusion of 3 beds over 40 visits, merges and re-admissions among them, gets the admission "
    "around it") {
  Ward ward{3, 40};
  journal::sqlite::Database db{ward.path, journal::sqlite::Database::Mode::read_only};
  const auto all = journal::JournalReader{db}.sessions();
  for (const std::string bed : {"", "bed-0", "bed-2"}) {
    CAPTURE(bed);
    const auto listed = record::list_sessions(db, bed);
    std::size_t infusions = 0, without_admission = 0;
    for (const auto& s : all) {
      if (s.kind != "infusion" || (!bed.empty() && s.bed != bed)) continue;
      REQUIRE(infusions < listed.size());
      const auto& row = listed[infusions++];
      CHECK(row.infusion.id == s.id);
      CHECK(row.infusion.patient_now == s.patient_now);
      const auto expected = admission_by_definition(all, s);
      REQUIRE(row.admission.has_value() == expected.has_value());
      if (expected) CHECK(row.admission->id == expected->id);
      if (!expected) ++without_admission;
    }
    CHECK(listed.size() == infusions);
    CHECK(infusions == (bed.empty() ? 121u : bed == "bed-0" ? 41u : 40u));
    CHECK(without_admission == (bed == "bed-2" ? 0u : 1u));
  }
}

TEST_CASE(
    "the session list by patient follows a merge, and an infusion with no admission around it stays "
    "open") {
  Ward ward{3, 40};
  journal::sqlite::Database db{ward.path, journal::sqlite::Database::Mode::read_only};
  v1::SessionListQuery q;
  q.set_patient_id("MRG-63");  // visit 21 on bed-0, merged at 20 min
  auto list = record::session_list(db, q);
  REQUIRE(list.ok());
  REQUIRE(list->sessions_size() == 1);
  CHECK(list->sessions(0).patient_id() == "PAT-63");
  CHECK(list->sessions(0).patient_id_now() == "MRG-63");
  CHECK(list->sessions(0).bed() == "bed-0");
  // Never discharged, but the bed's next admission ended it.
  CHECK_FALSE(list->sessions(0).open());
  q.set_patient_id("PAT-X");
  list = record::session_list(db, q);
  REQUIRE(list.ok());
  REQUIRE(list->sessions_size() == 1);
  CHECK(list->sessions(0).open());
}
