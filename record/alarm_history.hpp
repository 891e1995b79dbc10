#pragma once
// Each alarm of the record's span told from its journalled transitions:
// raised, acknowledged (by whom), cleared, and what happened in between.
#include <vector>

#include "record/infusion_record.hpp"
#include "record/journal_span.hpp"

namespace vigil::record {

std::vector<AlarmStory> alarm_stories(const JournalSpan& j);

}  // namespace vigil::record
