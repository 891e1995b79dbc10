#pragma once
// A bed's trend for a review at the station: its readings over a time range
// from the journal, decimated server-side so that hours of 1 Hz readings
// reach the page as a few hundred points per metric. A streamed metric is
// cut into equal buckets of time, each keeping its lowest and highest usable
// reading with their times: a 40-second desaturation in an 8-hour window is
// still drawn at its depth, where an average would flatten it. A cuff
// measurement (NIBP) is kept as taken. Works on any connection; vigild runs
// it on its history thread's read-only one, as alarm_history.
//
// Beside the readings, what was done and noted at the bed in the range
// (staff entries, the infusion's course, admission and discharge), so a
// review reads a dip next to the oxygen given for it. A drill's readings and
// entries are marked as such: a drill journal must never pass for a patient's.
#include <chrono>
#include <cstddef>

#include "core/result.hpp"
#include "journal/sqlite_database.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::journal {

inline constexpr std::size_t kTrendPointsDefault = 360;
inline constexpr std::size_t kTrendPointsMax = 1000;
// One page's range at most: a day at 1 Hz is about 86 400 readings a
// metric, read in well under a second on the reader thread.
inline constexpr std::chrono::hours kTrendRangeMax{24};
// Cuff measurements kept per metric in one page; a cuff cycling every
// minute for a day takes 1440.
inline constexpr std::size_t kTrendSamplesMax = 1500;
// Events in one page; a busy shift's entries and infusion changes are a few
// dozen.
inline constexpr std::size_t kTrendEventsMax = 500;

// Refuses what it cannot serve (no bed, no or reversed range, a range over a
// day, too many points, an unknown metric) with the field at fault, relative
// to the query.
core::Result<vigil::v1::TrendPage> trend(sqlite::Database& db, const vigil::v1::TrendQuery& q);

}  // namespace vigil::journal
