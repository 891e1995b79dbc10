#pragma once
// Builds an infusion session's record from vigild's journal. The journal is
// opened read-only (WAL lets it be read while vigild writes), and read
// through the journal's own reader, plus the one query it lacks
// (record/command_log.hpp: the infusion as the nurse entered it).
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "journal/journal_reader.hpp"
#include "record/infusion_record.hpp"
#include "record/record_options.hpp"

namespace vigil::record {

// One line of `vigil-ctl sessions`: an infusion and the admission around it.
struct SessionSummary {
  journal::SessionRecord infusion;
  std::optional<journal::SessionRecord> admission;
};

// Errors say what is wrong: no such session, a session that is an
// admission, not an infusion (naming its infusions), a journal that cannot
// be opened or is not a vigil journal.
core::Result<InfusionRecord> build_record(const std::string& journal, std::int64_t session,
                                          const RecordOptions& options = {},
                                          core::TimePoint now = std::chrono::system_clock::now());
// With each profile's options and the clinic from vigild's config.
core::Result<InfusionRecord> build_record(const std::string& journal, std::int64_t session,
                                          const RecordConfig& config,
                                          core::TimePoint now = std::chrono::system_clock::now());
core::Result<std::vector<SessionSummary>> list_sessions(const std::string& journal,
                                                        const std::string& bed = "");
// The bed's most recent infusion session.
core::Result<std::int64_t> last_session(const std::string& journal, const std::string& bed);

// The same on an open journal (tests, and the functions above).
core::Result<InfusionRecord> build_record(journal::sqlite::Database& db, std::int64_t session,
                                          const RecordOptions& options, core::TimePoint now);
// A signed record whose content the journal no longer gives (its readings
// pruned, say) is drawn from the content as signed (from_signed_content).
core::Result<InfusionRecord> build_record(journal::sqlite::Database& db, std::int64_t session,
                                          const RecordConfig& config, core::TimePoint now);
std::vector<SessionSummary> list_sessions(journal::sqlite::Database& db, const std::string& bed = "");
// The record as the journal gives it now, never drawn from a signature:
// what vigild seals and what verification compares with the signed content.
core::Result<InfusionRecord> record_from_journal(journal::sqlite::Database& db, std::int64_t session,
                                                 const RecordConfig& config, core::TimePoint now);
// A record's row in the across-sessions view.
SessionResponse response_of(const InfusionRecord& r);
// The row of an earlier session: as signed, else built from the journal
// reading only what the row shows. Empty when the session gives none.
std::optional<SessionResponse> earlier_response(journal::sqlite::Database& db, std::int64_t session,
                                                core::TimePoint now);
std::optional<SessionResponse> earlier_response(journal::sqlite::Database& db, const SessionSummary& session,
                                                core::TimePoint now);
// The rows of the patient's sessions before `rec`, in one sweep of the
// journal's sessions (list_sessions), not one read of them per session.
std::vector<SessionResponse> earlier_responses(journal::sqlite::Database& db, const InfusionRecord& rec,
                                               core::TimePoint now);

}  // namespace vigil::record
