#pragma once
// Signed infusion records and their amendments in the journal (schema
// version 3, docs/record.md "Signing"). A signature freezes what was signed
// (the record's canonical JSON, or an amendment's) with its SHA-256; rows are
// only ever added, and pruned only when the record's own retention ends.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "journal/sqlite_database.hpp"

namespace vigil::journal {

struct RecordSignature {
  std::int64_t id = 0;
  std::int64_t session = 0;    // the infusion session
  std::int64_t amendment = 0;  // 0: the record itself
  core::TimePoint time{};
  std::string signer, role, station;
  std::string content;  // exactly as signed
  std::string sha256;   // of content, lower-case hex
  core::TimePoint keep_until{};
};

struct RecordAmendment {
  std::int64_t id = 0;
  std::int64_t session = 0;
  core::TimePoint time{};
  std::string author, station;
  std::string what, why;
  core::TimePoint keep_until{};
};

// False on a journal older than schema version 3 (read-only readers cannot migrate it).
bool has_signed_records(sqlite::Database& db);

// Adds the signature and keeps the session rows `kept` (the infusion and
// the admission around it) until its keep_until. Throws sqlite::Error; a
// second signature of the same record or amendment is a constraint error.
void insert_signature(sqlite::Database& db, const RecordSignature& s, const std::vector<std::int64_t>& kept);
std::int64_t insert_amendment(sqlite::Database& db, const RecordAmendment& a);

// Oldest first; empty on a journal without the tables.
std::vector<RecordSignature> signatures_of(sqlite::Database& db, std::int64_t session);
std::vector<RecordAmendment> amendments_of(sqlite::Database& db, std::int64_t session);
std::optional<RecordSignature> record_signature(sqlite::Database& db, std::int64_t session);

}  // namespace vigil::journal
