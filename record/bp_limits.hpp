#pragma once
// Whether the rise stayed inside the patient's limits (docs/record.md): each
// blood-pressure peak from the start to discharge against the limits vigild
// had in force at that moment, as it journalled them (`limits_in_force`,
// alerts/limits_in_force.hpp), judged by the rule engine's own functions
// (alerts::limit_of, past_limit, meets_floor), never by a second formula.
#include <optional>

#include "record/infusion_record.hpp"
#include "record/journal_span.hpp"

namespace vigil::record {

// Needs the record's steps, baseline and alarms filled in. Empty when the
// span holds no limits in force at all (a journal written before vigild
// journalled them).
std::optional<BpLimits> bp_limits(const InfusionRecord& rec, const JournalSpan& j);

}  // namespace vigil::record
