#pragma once
#include <string>

namespace vigil::daemon {
// Logs to stderr, readable by people; under systemd (JOURNAL_STREAM set) each
// line carries its syslog priority so journald filters by level.
void setup_logging(const std::string& level);
}  // namespace vigil::daemon
