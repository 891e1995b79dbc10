#include "record/record_signing.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <memory>
#include <sstream>

#include "core/json_string.hpp"
#include "record/record_builder.hpp"
#include "record/record_formats.hpp"
#include "record/time_text.hpp"

namespace vigil::record {

std::string sha256_hex(std::string_view bytes) {
  // libsodium rather than OpenSSL: ZeroMQ maps it in vigild anyway, and
  // libcrypto stays out of a vigild that has no TLS to speak
  // (hl7out/tls_stream.hpp).
  static const bool ready = sodium_init() >= 0;
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  if (!ready || crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                                   bytes.size()) != 0)
    throw std::runtime_error{"libsodium could not compute a SHA-256"};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (std::size_t i = 0; i < digest.size(); ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

std::string amendment_content(const journal::RecordAmendment& a, const std::string& record_sha256) {
  using core::json_string;
  return "{\"amendment\": " + std::to_string(a.id) + ", \"session\": " + std::to_string(a.session) +
         ", \"record_sha256\": " + json_string(record_sha256) +
         ", \"time\": " + json_string(utc_iso(a.time)) + ", \"by\": " + json_string(a.author) +
         ", \"station\": " + json_string(a.station) + ", \"what\": " + json_string(a.what) +
         ", \"why\": " + json_string(a.why) + "}\n";
}

bool still_as_signed(const InfusionRecord& r) {
  for (const auto& s : r.signatures)
    if (s.amendment == 0) return sha256_hex(record_content(r)) == s.sha256;
  return false;
}

namespace {

core::Error refused(const std::string& field, const std::string& why,
                    core::ErrorCode code = core::ErrorCode::conflict) {
  return core::Error::at(field, why, code);
}

std::string signed_by(const journal::RecordSignature& s) {
  return s.signer + " (" + s.role + ") at " + local_time(s.time);
}

}  // namespace

core::Result<Seal> seal(journal::sqlite::Database& db, std::int64_t session, std::int64_t amendment,
                        const RecordConfig& config, core::TimePoint now) {
  auto rec = record_from_journal(db, session, config, now);
  if (!rec) return rec.failure();
  const auto signature = journal::record_signature(db, session);
  Seal seal{session, amendment, {}, {}, {rec->session_id}};
  if (rec->admission_id) seal.kept.push_back(rec->admission_id);
  if (amendment == 0) {
    if (rec->provisional)
      return refused("session", "session " + std::to_string(session) +
                                    " is still open (the infusion runs or the patient is not discharged); "
                                    "its record is provisional and is signed after the discharge");
    if (signature)
      return refused("session", "session " + std::to_string(session) + "'s record was signed by " +
                                    signed_by(*signature) + "; correct it with an amendment");
    seal.content = record_content(*rec);
  } else {
    if (!signature)
      return refused("amendment", "session " + std::to_string(session) +
                                      "'s record is not signed; it has no amendments to sign");
    const auto amendments = journal::amendments_of(db, session);
    const auto it =
        std::find_if(amendments.begin(), amendments.end(), [&](const auto& a) { return a.id == amendment; });
    if (it == amendments.end())
      return refused("amendment",
                     "no amendment " + std::to_string(amendment) + " of session " + std::to_string(session),
                     core::ErrorCode::not_found);
    for (const auto& s : journal::signatures_of(db, session))
      if (s.amendment == amendment)
        return refused("amendment",
                       "amendment " + std::to_string(amendment) + " was signed by " + signed_by(s));
    seal.content = amendment_content(*it, signature->sha256);
  }
  seal.sha256 = sha256_hex(seal.content);
  return seal;
}

namespace {

// The first line where two JSON texts differ, for a person to see why.
std::string first_difference(const std::string& was, const std::string& now) {
  std::istringstream a{was}, b{now};
  std::string x, y;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, x));
    const bool more_b = static_cast<bool>(std::getline(b, y));
    if (!more_a && !more_b) return "";
    if (!more_a || !more_b || x != y) {
      auto cut = [](const std::string& s) { return s.size() > 160 ? s.substr(0, 160) + "..." : s; };
      return "first difference at line " + std::to_string(line) + ": signed " +
             (more_a ? cut(x) : "(nothing)") + " / now " + (more_b ? cut(y) : "(nothing)");
    }
  }
}

}  // namespace

core::Result<Verification> verify(journal::sqlite::Database& db, std::int64_t session,
                                  const RecordConfig& config, core::TimePoint now) {
  Verification v;
  const auto signatures = journal::signatures_of(db, session);
  for (const auto& s : signatures) {
    const std::string what = s.amendment ? "amendment " + std::to_string(s.amendment) : "the record";
    const bool ok = sha256_hex(s.content) == s.sha256;
    v.intact = v.intact && ok;
    v.lines.push_back(what + ": signed by " + signed_by(s) + ", SHA-256 " + s.sha256 +
                      (ok ? ": the stored content matches its digest"
                          : ": the stored content NO LONGER MATCHES its digest (altered in the journal)"));
    if (s.amendment == 0) {
      v.is_signed = true;
      v.signed_content = s.content;
    }
  }
  if (!v.is_signed) {
    // Not signed: still say whether the session exists at all.
    if (auto rec = record_from_journal(db, session, config, now); !rec) return rec.failure();
    v.lines.push_back("session " + std::to_string(session) + "'s record is not signed");
    return v;
  }
  auto rec = record_from_journal(db, session, config, now);
  if (!rec) {
    v.lines.push_back("the record cannot be read from the journal now: " + rec.error());
    return v;
  }
  const auto content = record_content(*rec);
  v.matches = content == v.signed_content;
  v.lines.push_back(v.matches
                        ? "the journal still gives the record as signed (SHA-256 " + sha256_hex(content) + ")"
                        : "the journal NO LONGER gives the record as signed (now SHA-256 " +
                              sha256_hex(content) + "; " + first_difference(v.signed_content, content) +
                              "); the signed content is kept in the journal (vigil-ctl record verify -o)");
  return v;
}

core::Result<Verification> verify_record(const std::string& journal, std::int64_t session,
                                         const RecordConfig& config, core::TimePoint now) {
  try {
    journal::sqlite::Database db{journal, journal::sqlite::Database::Mode::read_only};
    db.exec("PRAGMA busy_timeout = 5000");
    return verify(db, session, config, now);
  } catch (const journal::sqlite::Error& e) {
    return core::Error{"journal " + journal + ": " + e.what(), "", core::ErrorCode::unavailable};
  }
}

}  // namespace vigil::record
