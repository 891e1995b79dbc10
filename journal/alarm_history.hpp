#pragma once
// The alarm history a nurse station shows: every alarm first journalled in a
// time range, newest first, each with all its transitions (who acknowledged
// and when, escalations, audio pauses, the end), filtered by bed, priority,
// kind and acknowledgement, one page at a time. Works on any connection;
// vigild runs it on its history thread's own read-only one.
#include <cstddef>

#include "core/result.hpp"
#include "journal/sqlite_database.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::journal {

inline constexpr std::size_t kHistoryPageDefault = 50;
inline constexpr std::size_t kHistoryPageMax = 500;
// Alarms looked at for one page at most: a filter that matches little ends a
// page early (with next_page set) rather than reading the whole journal.
inline constexpr std::size_t kHistoryScanMax = 5000;

// Refuses what it cannot serve (max over the limit, a page token it did not
// write) with the field at fault, relative to the query.
core::Result<vigil::v1::AlarmHistoryPage> alarm_history(sqlite::Database& db,
                                                        const vigil::v1::AlarmHistoryQuery& q);

}  // namespace vigil::journal
