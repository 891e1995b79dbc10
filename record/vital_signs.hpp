#pragma once
// The record's vital signs: the table at its cadence, the checkpoints, the
// time each vital had no data, and the series the plots draw.
#include <vector>

#include "record/infusion_record.hpp"
#include "record/journal_span.hpp"
#include "record/record_options.hpp"

namespace vigil::record {

// Needs the record's span, steps and alarms filled in.
std::vector<VitalsRow> vitals_table(const InfusionRecord& rec, const JournalSpan& j,
                                    const std::vector<BloodPressure>& cuffs, const RecordOptions& o);
std::vector<Checkpoint> checkpoints(const InfusionRecord& rec, const std::vector<BloodPressure>& cuffs,
                                    const RecordOptions& o);
std::vector<NoData> no_data(const InfusionRecord& rec, const JournalSpan& j);
std::vector<Series> plotted(const JournalSpan& j);

}  // namespace vigil::record
