#pragma once
// The infusion's course and what staff entered, read back from the
// journal's context events: pauses, resumes and rate changes between the
// start and the stop, and the notes, interventions and adverse events
// (daemon/infusion_course.hpp and daemon/staff_entry.hpp say how vigild
// journals them). The cumulative dose follows the course.
#include <optional>
#include <vector>

#include "core/infusion_dose.hpp"
#include "record/infusion_record.hpp"
#include "record/journal_span.hpp"

namespace vigil::record {

std::vector<InfusionChange> infusion_changes(const JournalSpan& j, core::TimePoint started,
                                             core::TimePoint end);
std::vector<StaffEntry> staff_entries(const JournalSpan& j, core::TimePoint from, core::TimePoint to);

// What ran from `started` to `end`: the dose's even rate until a change
// sets another, none while paused, never more than the dose's total (the
// bag holds no more). A pump's own record is the authority.
double cumulative_mg(const core::InfusionDose& dose, core::TimePoint started, core::TimePoint end,
                     const std::vector<InfusionChange>& changes);

// "2.5 mg/min" back to 2.5; empty for any other text (core::parse_infusion_rate).
std::optional<double> parse_rate(const std::string& text);

}  // namespace vigil::record
