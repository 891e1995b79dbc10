#pragma once
// Whether the discharge met the profile's criteria: monitored long enough
// from the start, and the vital signs back near the baseline for the last
// stretch before it (record/record_options.hpp says which).
#include <optional>
#include <vector>

#include "record/infusion_record.hpp"
#include "record/journal_span.hpp"
#include "record/record_options.hpp"

namespace vigil::record {

// Needs the record's steps and baseline filled in; empty without a discharge.
std::optional<DischargeCheck> discharge_check(const InfusionRecord& rec, const JournalSpan& j,
                                              const std::vector<BloodPressure>& cuffs,
                                              const RecordOptions& o);

}  // namespace vigil::record
