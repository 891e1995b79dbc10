#pragma once
// What a page asks a bed's daemon to do (acknowledge, pause audio, enter a
// note, an intervention or an adverse event, or start, pause, resume, stop
// or re-rate the infusion), as the command the station forwards, under the operator's
// name. The station checks only what it must to address and attribute the
// command; vigild judges the rest (the kinds it accepts, the text, the dose)
// and its refusal goes back to the page word for word.
#include <string>

#include "core/result.hpp"
#include "vigil/v1/command.pb.h"
#include "vigil/v1/station.pb.h"

namespace vigil::station {

struct PageCommand {
  v1::CommandRequest command;  // actor and action; the caller adds the station's name
  std::string bed;
  std::string what;  // for the station's log: "acknowledge all alarms", "intervention oxygen"
};

// The name a page's operator gave, without the white space around it: the
// name a command or a journal query is recorded under.
std::string operator_name(const v1::station::PageRequest& r);

// Refuses a request without an operator name (or one over 64 bytes), without
// an acting action, or without a bed.
core::Result<PageCommand> page_command(const v1::station::PageRequest& r);

}  // namespace vigil::station
