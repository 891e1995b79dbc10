#pragma once
// The response to the drug: the rise of blood pressure and heart rate over
// the baseline, how long until it peaked and until it was back, and how low
// SpO₂ went; from the start of the infusion to discharge (or now).
#include <vector>

#include "record/infusion_record.hpp"
#include "record/journal_span.hpp"

namespace vigil::record {

// Needs the record's steps and baseline filled in.
Response response_to_drug(const InfusionRecord& rec, const JournalSpan& j,
                          const std::vector<BloodPressure>& cuffs);

}  // namespace vigil::record
