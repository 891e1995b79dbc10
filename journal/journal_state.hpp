#pragma once
// A bed's state as the journal stores it (vigil.v1.journal.BedState) and
// back. Converting back cannot fail on a state this vigild wrote; a metric
// code it does not know is skipped, not guessed.
#include <string>

#include "alerts/bed_alarms.hpp"
#include "vigil/v1/journal.pb.h"

namespace vigil::journal {

vigil::v1::journal::BedState to_journal(const std::string& bed, const alerts::BedState& s, bool drill);
alerts::BedState from_journal(const vigil::v1::journal::BedState& s);

vigil::v1::LimitOverride to_proto(const alerts::RuleOverride& o);
alerts::RuleOverride from_proto_override(const vigil::v1::LimitOverride& o);

}  // namespace vigil::journal
