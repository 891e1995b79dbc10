#pragma once
// Times and durations as the record shows them. Every time shown carries its
// time zone: the machine's local zone (TZ), by its abbreviation, e.g.
// "2026-11-23 14:05:00 CET"; JSON and CSV carry UTC in ISO 8601 ("...Z").
#include <string>

#include "core/time.hpp"

namespace vigil::record {

std::string local_time(core::TimePoint t);        // "2026-11-23 14:05:00 CET"
std::string local_clock(core::TimePoint t);       // "14:05:00 CET"
std::string utc_iso(core::TimePoint t);           // "2026-11-23T13:05:00Z"
std::string duration_text(core::Duration d);      // "1 h 05 min", "4 min 30 s", "12 s"
std::string number_text(double v, int decimals);  // "128", "12.5"

}  // namespace vigil::record
