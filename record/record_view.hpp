#pragma once
// What the nurse station's record view asks of vigild's journal: a
// session's record as the HTML page `vigil-ctl record` writes (one home for
// what a record shows: record_html), and the infusion sessions of a bed or
// a patient to pick from. vigild answers both on its history reader's
// read-only connection, never on the core thread, as the trend.
#include "core/result.hpp"
#include "journal/sqlite_database.hpp"
#include "record/record_options.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::record {

// Refused with the field at fault, relative to the query: no session asked,
// a session not in the journal, an admission rather than an infusion, a
// file that is not a vigil journal.
core::Result<vigil::v1::RecordPage> record_page(journal::sqlite::Database& db,
                                                const vigil::v1::RecordQuery& q, const RecordConfig& config,
                                                core::TimePoint now);

// Newest first; an empty list is an answer, not a refusal.
core::Result<vigil::v1::SessionList> session_list(journal::sqlite::Database& db,
                                                  const vigil::v1::SessionListQuery& q);

}  // namespace vigil::record
