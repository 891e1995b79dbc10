#pragma once
// What staff did or saw, entered for the record: a note, an intervention
// (oxygen, a medication given, a change of position...) or an adverse
// event. Each goes out as an attributed context change ("note",
// "intervention", "adverse_event") for the bus and the journal; it changes
// nothing of the bed. The journal carries it as `kind: text` (the kinds
// have no colon), or the text alone for a note.
#include <string>
#include <string_view>
#include <vector>

#include "alerts/bed_alarms.hpp"
#include "core/result.hpp"

namespace vigil::daemon {

enum class EntryType { note, intervention, adverse_event };

// The kinds staff choose from ("other" with a text when none fits).
const std::vector<std::string_view>& entry_kinds(EntryType t);

// Refuses, naming the field ("bed", "kind", "text"), an entry for a bed
// without a patient, an unknown kind, a missing text where one is needed,
// or a text that is too long or holds control characters.
core::Result<std::string> enter(EntryType type, const alerts::BedAlarms& bed, const std::string& kind,
                                const std::string& text, const alerts::Actor& actor,
                                std::vector<alerts::ContextChange>& out);

}  // namespace vigil::daemon
