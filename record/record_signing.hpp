#pragma once
// Signing off an infusion record (docs/record.md, "Signing"). What is
// signed is the record's content as JSON (record_content: no time of
// writing, no signatures), read from the journal when the clinician signs;
// its SHA-256 (OpenSSL's libcrypto) is journalled with the content itself,
// the signer and the time. An amendment is signed as its own small JSON
// that names the digest of the record it corrects. Verifying recomputes the
// digest of the stored content and of the record as the journal gives it now.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "journal/signed_records.hpp"
#include "record/infusion_record.hpp"
#include "record/record_options.hpp"

namespace vigil::record {

std::string sha256_hex(std::string_view bytes);  // lower-case hex

std::string amendment_content(const journal::RecordAmendment& a, const std::string& record_sha256);

// Whether the record as built now is what its signature covers.
bool still_as_signed(const InfusionRecord& r);

// What vigild is about to sign: the content, its digest, and the session
// rows the signature keeps (the infusion and its admission).
struct Seal {
  std::int64_t session = 0;
  std::int64_t amendment = 0;
  std::string content;
  std::string sha256;
  std::vector<std::int64_t> kept;
};

// Refused, naming the field: an unknown or open session (a provisional
// record is not final), a record signed already (correct it with an
// amendment), an amendment of another session, of an unsigned record, or
// signed already.
core::Result<Seal> seal(journal::sqlite::Database& db, std::int64_t session, std::int64_t amendment,
                        const RecordConfig& config, core::TimePoint now);

// `vigil-ctl record verify`: each signature's stored content against its
// digest, and the record as the journal gives it now against the signed one.
struct Verification {
  bool is_signed = false;
  bool intact = true;              // every stored content still hashes to its digest
  bool matches = false;            // the journal still gives the record that was signed
  std::vector<std::string> lines;  // for people, one per check
  std::string signed_content;      // the record's content as signed
};
core::Result<Verification> verify(journal::sqlite::Database& db, std::int64_t session,
                                  const RecordConfig& config, core::TimePoint now);
// The same on the journal file, opened read-only.
core::Result<Verification> verify_record(const std::string& journal, std::int64_t session,
                                         const RecordConfig& config,
                                         core::TimePoint now = std::chrono::system_clock::now());

}  // namespace vigil::record
