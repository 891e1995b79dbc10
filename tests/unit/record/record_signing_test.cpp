// Signing off an infusion record: the content sealed with its SHA-256,
// refused while the session is open or once signed, amendments appended
// beside the original, verification against the journal, and the signed
// record kept past the journal's retention until its own ends.
#include "record/record_signing.hpp"

#include <doctest/doctest.h>

#include "record/record_builder.hpp"
#include "record/record_formats.hpp"
#include "record/record_text.hpp"
#include "tests/unit/record/morning_journal.hpp"
#include "tests/unit/record/signing_journal.hpp"

using namespace vigil;
using namespace std::chrono_literals;
using test::at;
using test::count;
using test::kTenYears;
using test::Morning;
using test::Signing;
using test::T0;
using test::wait_for;

TEST_CASE("SHA-256 is the standard one (FIPS 180-2 test vector)") {
  CHECK(record::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE(
    "A closed session's record is sealed with the digest of its content, the same whenever it is read") {
  Morning m;
  journal::sqlite::Database db{m.path, journal::sqlite::Database::Mode::read_only};
  auto first = record::seal(db, 2, 0, {}, at(120));
  auto later = record::seal(db, 2, 0, {}, at(60 * 24 * 3));
  REQUIRE_MESSAGE(first.ok(), (first.ok() ? "" : first.error()));
  REQUIRE(later.ok());
  CHECK(first->sha256 == later->sha256);
  CHECK(first->sha256 == record::sha256_hex(first->content));
  CHECK(first->content.find("\"generated\"") == std::string::npos);  // when it was written is not content
  CHECK(first->content.find("\"patient_id\": \"PAT-5\"") != std::string::npos);
  CHECK(first->kept == std::vector<std::int64_t>{2, 1});  // the infusion and its admission
}

TEST_CASE("An open session is not signed: its record is provisional") {
  Morning m{false};
  journal::sqlite::Database db{m.path, journal::sqlite::Database::Mode::read_only};
  auto sealed = record::seal(db, 2, 0, {}, at(120));
  REQUIRE_FALSE(sealed.ok());
  CHECK(sealed.failure().field == "session");
  CHECK(sealed.error().find("provisional") != std::string::npos);
  auto unknown = record::seal(db, 99, 0, {}, at(120));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.failure().code == core::ErrorCode::not_found);
}

TEST_CASE("A signed record is final: signed once, corrected by amendments that leave the original visible") {
  Morning m{true, true};
  Signing s{m.path};
  auto signature = s.sign(m.path, 2, 0, "Dr A. Lee", at(100));
  REQUIRE_MESSAGE(signature.ok(), (signature.ok() ? "" : signature.error()));

  auto again = s.sign(m.path, 2, 0, "Dr B. Kim", at(101));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().find("signed by Dr A. Lee (nurse)") != std::string::npos);
  CHECK(again.error().find("amendment") != std::string::npos);

  journal::RecordAmendment a{0,
                             2,
                             at(102),
                             "Dr A. Lee",
                             "station-1",
                             "the pause was at 08:33, not 08:31",
                             "the pump's log, read after signing",
                             signature->keep_until};
  auto id = s.journal.write_amendment(a);
  REQUIRE(id.ok());
  auto unsigned_amendment = record::build_record(m.path, 2, record::RecordOptions{}, at(103));
  REQUIRE(unsigned_amendment.ok());
  CHECK(record::amendment_table(*unsigned_amendment).rows.at(0).at(5) == "not signed");

  auto amendment_signature = s.sign(m.path, 2, id.value(), "Dr A. Lee", at(104));
  REQUIRE_MESSAGE(amendment_signature.ok(), (amendment_signature.ok() ? "" : amendment_signature.error()));
  CHECK(amendment_signature->content.find(signature->sha256) != std::string::npos);  // names what it corrects
  CHECK_FALSE(s.sign(m.path, 2, id.value(), "Dr A. Lee", at(105)).ok());
  CHECK_FALSE(s.sign(m.path, 2, 77, "Dr A. Lee", at(105)).ok());

  auto r = record::build_record(m.path, 2, record::RecordOptions{}, at(110));
  REQUIRE(r.ok());
  CHECK(r->content_matches_signature);
  REQUIRE(r->signatures.size() == 2);
  REQUIRE(r->amendments.size() == 1);
  // The original as it was recorded, the correction beside it.
  CHECK(r->changes.at(0).time == at(31));
  const auto html = record::record_html(*r);
  CHECK(html.find("Signed by Dr A. Lee (nurse) at ") != std::string::npos);
  CHECK(html.find("SHA-256 " + signature->sha256) != std::string::npos);
  CHECK(html.find("the pause was at 08:33, not 08:31") != std::string::npos);
  const auto json = record::record_json(*r);
  CHECK(json.find("\"signature_matches\": true") != std::string::npos);
  CHECK(record::record_content(*r) == signature->content);
}

TEST_CASE("Verify recomputes the digest: an altered reading or an altered stored content is found") {
  Morning m;
  Signing s{m.path};
  REQUIRE(s.sign(m.path, 2, 0, "Dr A. Lee", at(100)).ok());
  auto v = record::verify_record(m.path, 2, {}, at(120));
  REQUIRE(v.ok());
  CHECK(v->is_signed);
  CHECK(v->intact);
  CHECK(v->matches);

  {
    journal::sqlite::Database db{m.path, journal::sqlite::Database::Mode::read_write_create};
    db.exec("UPDATE observations SET value = 230 WHERE mdc_code = " +
            std::to_string(core::code(core::Metric::nibp_systolic)) + " AND value = 220");
  }
  v = record::verify_record(m.path, 2, {}, at(120));
  REQUIRE(v.ok());
  CHECK(v->intact);
  CHECK_FALSE(v->matches);
  CHECK(v->lines.back().find("NO LONGER") != std::string::npos);
  CHECK(v->lines.back().find("230") != std::string::npos);  // where it differs

  {
    journal::sqlite::Database db{m.path, journal::sqlite::Database::Mode::read_write_create};
    db.exec("UPDATE record_signatures SET content = replace(content, 'PAT-5', 'PAT-6')");
  }
  v = record::verify_record(m.path, 2, {}, at(120));
  REQUIRE(v.ok());
  CHECK_FALSE(v->intact);

  auto unsigned_session = record::verify_record(m.path, 99, {}, at(120));
  CHECK_FALSE(unsigned_session.ok());
}

TEST_CASE("Pruning keeps a signed record, its amendments and its sessions until its own retention ends") {
  Morning m{true, false, true};  // sessions 1-2 the first visit, 3-4 a week later
  Signing s{m.path};
  auto signature = s.sign(m.path, 2, 0, "Dr A. Lee", at(100));
  REQUIRE(signature.ok());
  REQUIRE(
      s.journal
          .write_amendment({0, 2, at(101), "Dr A. Lee", "station-1", "what", "why", signature->keep_until})
          .ok());

  // 40 days on, past the journal's 30: the readings and the unsigned visit go.
  s.journal.prune(T0 + std::chrono::hours{24 * 40});
  REQUIRE(wait_for(m.path, "SELECT COUNT(*) FROM observations", 0));
  CHECK(count(m.path, "SELECT COUNT(*) FROM sessions") == 2);
  CHECK(count(m.path, "SELECT MAX(id) FROM sessions") == 2);
  CHECK(count(m.path, "SELECT COUNT(*) FROM record_signatures") == 1);
  CHECK(count(m.path, "SELECT COUNT(*) FROM record_amendments") == 1);
  auto v = record::verify_record(m.path, 2, {}, T0 + std::chrono::hours{24 * 40});
  REQUIRE(v.ok());
  CHECK(v->intact);
  CHECK_FALSE(v->matches);  // the readings are gone; what was signed is not
  CHECK(v->signed_content == signature->content);

  // Ten years and a day after signing, its retention has ended too.
  s.journal.prune(at(100) + kTenYears + std::chrono::hours{24});
  REQUIRE(wait_for(m.path, "SELECT COUNT(*) FROM record_signatures", 0));
  CHECK(count(m.path, "SELECT COUNT(*) FROM record_amendments") == 0);
  CHECK(count(m.path, "SELECT COUNT(*) FROM sessions") == 0);
}
