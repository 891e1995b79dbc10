#pragma once
// Reads vigild's protobuf text-format config and validates it. Every error,
// syntax or meaning, is reported as "file:line:column: message" so a typo is
// never a silent default.
#include <string>
#include <vector>

#include "core/result.hpp"
#include "vigil/v1/config.pb.h"

namespace vigil::daemon {

struct LoadedConfig {
  vigil::v1::config::DaemonConfig config;
  std::string path;
};

// Either the validated config, or every error found, one per line.
core::Result<LoadedConfig> load_config(const std::string& path);
core::Result<LoadedConfig> parse_config(const std::string& text, const std::string& path_for_messages);

// Defaults filled in for what the file leaves out.
void apply_defaults(vigil::v1::config::DaemonConfig& c);

}  // namespace vigil::daemon
