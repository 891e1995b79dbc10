// The record follows the patient's identity as ADT changed it: an A08 that
// names the patient and an A40 merge of a temporary id into the hospital's
// id, made during the first visit, reach that visit's record (listed as
// changes) and the second visit's across-sessions view.
#include <doctest/doctest.h>

#include <sstream>

#include "journal/alarm_history.hpp"
#include "journal/journal.hpp"
#include "journal/patient_merges.hpp"
#include "record/record_builder.hpp"
#include "record/record_formats.hpp"
#include "record/record_text.hpp"
#include "record/record_view.hpp"
#include "record/signed_content.hpp"
#include "tests/unit/record/morning_journal.hpp"
#include "tools/ctl/export_journal.hpp"

using namespace vigil;
using namespace std::chrono_literals;
using test::at;
using test::kWeek;

namespace {

// Visit 1 (sessions 1, 2) admitted as TMP-77 without a name, named by an
// A08 at 08:45 and merged into PAT-5 by an A40 at 08:50; visit 2 (sessions
// 3, 4) a week later admitted as PAT-5.
struct MergedVisits {
  test::TempDir dir;
  std::string path = dir.file("journal.db");
  MergedVisits() {
    journal::JournalOptions o;
    o.path = path;
    o.flush_interval = 20ms;
    journal::Journal j{o, [](const journal::JournalWriterReport&) {}};
    REQUIRE(j.open("d", test::T0));
    test::Writer w{j};
    w.patient = "TMP-77";
    test::Morning::visit(w, {}, true, false, {220, 120});
    w.patient_updated(at(45), "", "Ana Diaz", "name");
    w.patient_updated(at(50), "PAT-5", "", "id TMP-77 -> PAT-5");
    test::Morning::visit(w, kWeek, true, false, {160, 95});
    j.close(at(91) + kWeek);
  }
  record::InfusionRecord build(std::int64_t session) const {
    auto r = record::build_record(path, session, record::RecordOptions{}, at(120) + kWeek);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error()));
    return r.value();
  }
};

}  // namespace

TEST_CASE("A40: the record of a session opened under the merged id shows the id the patient has now") {
  MergedVisits m;
  const auto r = m.build(2);
  CHECK(r.patient_id == "PAT-5");
  CHECK(r.admitted_as == "TMP-77");
  CHECK(record::summary_items(r)[0] ==
        std::pair<std::string, std::string>{"Patient", "PAT-5 (admitted as TMP-77)"});
  const auto json = record::record_json(r);
  CHECK(json.find("\"patient_id\": \"PAT-5\",\n  \"admitted_as\": \"TMP-77\"") != std::string::npos);
}

TEST_CASE("A40: the across-sessions view of the new id includes the sessions under the merged one") {
  MergedVisits m;
  const auto r = m.build(4);
  CHECK(r.patient_id == "PAT-5");
  CHECK(r.admitted_as.empty());
  REQUIRE(r.across_sessions.size() == 2);
  CHECK(r.across_sessions[0].session_id == 2);
  CHECK(r.across_sessions[0].systolic->rise() == 92);
  CHECK(r.across_sessions[1].this_session);
  // A record without a merge has no admitted_as: what was signed before it existed reads back the same.
  CHECK(record::record_json(r).find("admitted_as") == std::string::npos);
}

TEST_CASE("Merges are followed forward in time only, so a merge back ends where the last one left") {
  test::TempDir dir;
  journal::JournalOptions o;
  o.path = dir.file("journal.db");
  {
    journal::Journal j{o, [](const journal::JournalWriterReport&) {}};
    REQUIRE(j.open("d", test::T0));
    test::Writer w{j};
    w.patient = "A";
    w.context("admitted", at(0), "nurse Ana", "patient A admitted to bed-1");
    w.patient_updated(at(10), "B", "", "id A -> B");
    w.patient_updated(at(20), "A", "", "id B -> A");
    w.patient_updated(at(30), "C", "", "id A -> C");
    j.close(at(40));
  }
  journal::sqlite::Database db{o.path, journal::sqlite::Database::Mode::read_only};
  const auto merges = journal::PatientMerges::read(db);
  CHECK(merges.current("A", at(0)) == "C");
  CHECK(merges.current("B", at(15)) == "C");
  CHECK(merges.current("A", at(25)) == "C");
  CHECK(merges.current("A", at(35)) == "A");  // an id used again after its merge is another patient
  CHECK(merges.current("Z", at(0)) == "Z");
}

TEST_CASE("A40: every list of sessions shows the id the patient has now beside the id it was opened under") {
  MergedVisits m;
  // vigil-ctl sessions (the infusions, each with its admission).
  auto infusions = record::list_sessions(m.path, "");
  REQUIRE(infusions.ok());
  REQUIRE(infusions->size() == 2);
  CHECK(infusions->at(0).infusion.patient_id == "TMP-77");
  CHECK(infusions->at(0).infusion.patient_now == "PAT-5");
  CHECK(infusions->at(0).admission->patient_now == "PAT-5");
  CHECK(infusions->at(1).infusion.patient_id == "PAT-5");
  CHECK(infusions->at(1).infusion.patient_now == "PAT-5");
  CHECK(journal::patient_text("TMP-77", "PAT-5") == "PAT-5 (admitted as TMP-77)");
  CHECK(journal::patient_text("PAT-5", "PAT-5") == "PAT-5");

  // vigil-ctl export --sessions, and a session's export as JSON: both ids side by side.
  const auto all = tools::journal_sessions(m.path, "");
  REQUIRE(all.ok());
  const auto listed = tools::format_sessions(all.value());
  CHECK(listed.find("1  bed-1  patient  PAT-5 (admitted as TMP-77)  ") != std::string::npos);
  CHECK(listed.find("2  bed-1  infusion  PAT-5 (admitted as TMP-77)  ") != std::string::npos);
  CHECK(listed.find("3  bed-1  patient  PAT-5  ") != std::string::npos);
  tools::ExportRequest req;
  req.journal = m.path;
  req.session = 2;
  req.format = tools::ExportFormat::json;
  std::ostringstream exported;
  REQUIRE(tools::export_journal(req, exported).ok());
  CHECK(exported.str().find("\"patient_id\": \"TMP-77\", \"patient_id_now\": \"PAT-5\"") !=
        std::string::npos);

  // The station's session list: asked for PAT-5 it finds the visit opened as TMP-77 too.
  journal::sqlite::Database db{m.path, journal::sqlite::Database::Mode::read_only};
  v1::SessionListQuery q;
  q.set_patient_id("PAT-5");
  auto sessions = record::session_list(db, q);
  REQUIRE(sessions.ok());
  REQUIRE(sessions->sessions_size() == 2);
  CHECK(sessions->sessions(1).session() == 2);
  CHECK(sessions->sessions(1).patient_id() == "TMP-77");
  CHECK(sessions->sessions(1).patient_id_now() == "PAT-5");
  CHECK(sessions->sessions(0).patient_id_now() == "PAT-5");
  q.set_patient_id("TMP-77");
  sessions = record::session_list(db, q);
  REQUIRE(sessions.ok());
  CHECK(sessions->sessions_size() == 1);

  // The alarm history: the 08:30 alarm, raised before the merge at 08:50.
  auto history = journal::alarm_history(db, v1::AlarmHistoryQuery{});
  REQUIRE(history.ok());
  REQUIRE(history->alarms_size() == 1);
  CHECK(history->alarms(0).patient_id() == "TMP-77");
  CHECK(history->alarms(0).patient_id_now() == "PAT-5");
}

TEST_CASE(
    "A08 and A40: the record shows the name as ADT last gave it and lists each change, when and from whom") {
  MergedVisits m;
  const auto r = m.build(2);
  CHECK(r.patient_name == "Ana Diaz");
  REQUIRE(r.identity_changes.size() == 2);
  CHECK(r.identity_changes[0].time == at(45));
  CHECK(r.identity_changes[0].by == "ADT at HL7 ADT^A08 from EPIC^HOSP (MSH-10 M5)");
  CHECK(
      r.identity_changes[1].message ==
      "patient TMP-77 on bed-1 updated by ADT at HL7 ADT^A40 from EPIC^HOSP (MSH-10 M7): id TMP-77 -> PAT-5");
  std::string shown;
  for (const auto& [name, value] : record::summary_items(r))
    if (name == "Identity changed") shown = value;
  CHECK(shown.find(
            ": patient TMP-77 on bed-1 updated by ADT at HL7 ADT^A08 from EPIC^HOSP (MSH-10 M5): name; ") !=
        std::string::npos);
  CHECK(shown.find("(MSH-10 M7): id TMP-77 -> PAT-5") != std::string::npos);
  const auto json = record::record_json(r);
  CHECK(json.find("\"patient_name\": \"Ana Diaz\"") != std::string::npos);
  CHECK(json.find("\"identity_changes\": [{\"time\": ") != std::string::npos);
  CHECK(json.find("\"by\": \"ADT at HL7 ADT^A40 from EPIC^HOSP (MSH-10 M7)\"") != std::string::npos);
  // The second visit had no change of identity: nothing listed, no field added to what is signed.
  const auto later = m.build(4);
  CHECK(later.identity_changes.empty());
  CHECK(record::record_json(later).find("identity_changes") == std::string::npos);
}

TEST_CASE("A record whose identity ADT changed reads back from its signed content exactly as signed") {
  MergedVisits m;
  const auto r = m.build(2);
  const auto content = record::record_content(r);
  auto back = record::record_from_content(content);
  REQUIRE_MESSAGE(back.ok(), (back.ok() ? "" : back.error()));
  CHECK(back->admitted_as == "TMP-77");
  CHECK(back->identity_changes.size() == 2);
  CHECK(record::record_content(*back) == content);
}
