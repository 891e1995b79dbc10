#pragma once
// What the record is built from: one bed's journalled readings (the usable
// ones, each at the time it was measured), alarm transitions and context
// events over a span, read through the journal's own reader.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chart/time_plot.hpp"
#include "core/metric.hpp"
#include "core/time.hpp"
#include "journal/journal_reader.hpp"
#include "record/infusion_record.hpp"
#include "vigil/v1/bus.pb.h"

namespace vigil::record {

// A streamed value older than this is no value for a table row, and a
// silence longer than this is time without data.
constexpr core::Duration kStale = std::chrono::seconds{30};
constexpr core::Duration kGap = chart::kStreamGap;

struct Reading {
  core::Metric metric;
  double value;
  core::TimePoint time;  // when measured (the cuff's own time for NIBP)
};

struct JournalSpan {
  std::vector<Reading> readings;  // usable ones, in time order
  std::vector<vigil::v1::AlarmEvent> alarms;
  std::vector<vigil::v1::ContextEvent> context;
  bool drill = false;  // anything in it carried the drill mark
};

// What of the span to read. The across-sessions view of an earlier session
// needs no alarms and only the readings its response is taken from.
struct SpanContent {
  std::set<core::Metric> metrics{};  // empty: every metric
  bool alarms = true;
};

JournalSpan read_span(journal::JournalReader& r, const std::string& bed, core::TimePoint from,
                      core::TimePoint to, const SpanContent& content = {});

// The last usable reading of the metric in (t - kStale, t].
std::optional<double> value_at(const std::vector<Reading>& readings, core::Metric m, core::TimePoint t);
// Systolic, diastolic and mean of one cuff measurement put together.
std::vector<BloodPressure> cuff_readings(const std::vector<Reading>& readings);

}  // namespace vigil::record
