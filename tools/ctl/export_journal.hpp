#pragma once
// vigil-ctl export: a bed's or a session's readings, alarm transitions and
// context events (admission, limits, infusion, baseline) for a time range,
// read from vigild's journal (read-only, also while vigild runs), written as
// CSV (one row per message, in stream order) or as one JSON document.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "journal/journal_reader.hpp"

namespace vigil::tools {

enum class ExportFormat { csv, json };

struct ExportRequest {
  std::string journal = "/var/lib/vigil/journal.db";
  std::string bed;                      // a bed, or
  std::optional<std::int64_t> session;  // a patient or infusion session (its bed and time span)
  std::optional<core::TimePoint> from;  // inclusive; default: the session's start, or the beginning
  std::optional<core::TimePoint> to;    // exclusive; default: the session's end, or now
  ExportFormat format = ExportFormat::csv;
};

struct ExportSummary {
  std::size_t readings = 0;
  std::size_t alarms = 0;
  std::size_t context = 0;
};

// Errors say what is wrong with the request or the journal.
core::Result<ExportSummary> export_journal(const ExportRequest& request, std::ostream& out);
// The nurse stations' login events that vigild journalled (station_login):
// logins, failed logins, logouts, sessions ended or expired, users_file read
// again; each once (a repeat sent after a lost answer has the same
// event_id), by the station's time within `from` and `to`. CSV columns:
// time,station,event,operator,address,detail,dropped_before,journalled.
core::Result<std::size_t> export_logins(const ExportRequest& request, std::ostream& out);
core::Result<std::vector<journal::SessionRecord>> journal_sessions(const std::string& journal,
                                                                   const std::string& bed);
std::string format_sessions(const std::vector<journal::SessionRecord>& sessions);

// "2026-11-23T14:05:00Z", "...+01:00", or local time "2026-11-23 14:05[:00]", "2026-11-23".
core::Result<core::TimePoint> parse_time(std::string_view text);
// UTC, milliseconds: "2026-11-23T14:05:00.250Z".
std::string iso_time(core::TimePoint t);

}  // namespace vigil::tools
