#pragma once
// The commands table of the journal, which the journal's reader does not
// query: the infusion as the nurse entered it (drug, regimen, an entered
// baseline) is in the StartInfusion request, not in the context event.
#include <optional>
#include <string>

#include "core/time.hpp"
#include "journal/sqlite_database.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::record {

struct LoggedCommand {
  core::TimePoint time{};
  std::string actor;  // "nurse Ana at station-1"
  vigil::v1::CommandRequest request;
};

// The successful command of that kind ("start_infusion") on the bed nearest
// to `near`, within `within`; empty when there is none or it does not parse.
std::optional<LoggedCommand> find_command(journal::sqlite::Database& db, const std::string& bed,
                                          const std::string& command, core::TimePoint near,
                                          core::Duration within);

}  // namespace vigil::record
