#include "journal/signed_records.hpp"

#include "journal/journal_reader.hpp"

namespace vigil::journal {

bool has_signed_records(sqlite::Database& db) {
  auto s = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'record_signatures'");
  return s.step();
}

void insert_signature(sqlite::Database& db, const RecordSignature& s, const std::vector<std::int64_t>& kept) {
  sqlite::Transaction t{db};
  db.prepare(
        "INSERT INTO record_signatures (session, amendment, signed_us, signer, role, station, content, "
        "sha256, keep_until_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
      .bind(1, s.session)
      .bind(2, s.amendment)
      .bind(3, to_micros(s.time))
      .bind(4, s.signer)
      .bind(5, s.role)
      .bind(6, s.station)
      .bind(7, s.content)
      .bind(8, s.sha256)
      .bind(9, to_micros(s.keep_until))
      .run();
  // Never shortens a retention set by an earlier signature.
  for (const auto id : kept)
    db.prepare("UPDATE sessions SET keep_until_us = MAX(COALESCE(keep_until_us, 0), ?2) WHERE id = ?1")
        .bind(1, id)
        .bind(2, to_micros(s.keep_until))
        .run();
  t.commit();
}

std::int64_t insert_amendment(sqlite::Database& db, const RecordAmendment& a) {
  db.prepare(
        "INSERT INTO record_amendments (session, time_us, author, station, what, why, keep_until_us) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind(1, a.session)
      .bind(2, to_micros(a.time))
      .bind(3, a.author)
      .bind(4, a.station)
      .bind(5, a.what)
      .bind(6, a.why)
      .bind(7, to_micros(a.keep_until))
      .run();
  return db.scalar("SELECT last_insert_rowid()");
}

namespace {

RecordSignature signature_row(const sqlite::Statement& q) {
  return {q.integer(0), q.integer(1), q.integer(2), from_micros(q.integer(3)), q.text(4), q.text(5),
          q.text(6),    q.text(7),    q.text(8),    from_micros(q.integer(9))};
}

// Rows of one session's signed records, ?1 being the session; nothing on a
// journal older than the tables (a read-only reader cannot migrate it).
std::optional<sqlite::Statement> session_rows(sqlite::Database& db, const std::string& sql,
                                              std::int64_t session) {
  if (!has_signed_records(db)) return std::nullopt;
  auto q = db.prepare(sql);
  q.bind(1, session);
  return q;
}

constexpr const char* kSignatureColumns =
    "SELECT id, session, amendment, signed_us, signer, role, station, content, sha256, keep_until_us "
    "FROM record_signatures ";

}  // namespace

std::vector<RecordSignature> signatures_of(sqlite::Database& db, std::int64_t session) {
  std::vector<RecordSignature> out;
  auto q = session_rows(db, std::string{kSignatureColumns} + "WHERE session = ?1 ORDER BY id", session);
  while (q && q->step()) out.push_back(signature_row(*q));
  return out;
}

std::optional<RecordSignature> record_signature(sqlite::Database& db, std::int64_t session) {
  auto q = session_rows(db, std::string{kSignatureColumns} + "WHERE session = ?1 AND amendment = 0", session);
  if (!q || !q->step()) return std::nullopt;
  return signature_row(*q);
}

std::vector<RecordAmendment> amendments_of(sqlite::Database& db, std::int64_t session) {
  std::vector<RecordAmendment> out;
  auto q = session_rows(db,
                        "SELECT id, session, time_us, author, station, what, why, keep_until_us FROM "
                        "record_amendments WHERE session = ?1 ORDER BY id",
                        session);
  while (q && q->step())
    out.push_back({q->integer(0), q->integer(1), from_micros(q->integer(2)), q->text(3), q->text(4),
                   q->text(5), q->text(6), from_micros(q->integer(7))});
  return out;
}

}  // namespace vigil::journal
