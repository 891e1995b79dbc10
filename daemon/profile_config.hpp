#pragma once
// Alarm profiles from the config: the built-in ones, then the config's own
// (each optionally based on another), as pure alerts::AlarmProfile values.
#include <map>
#include <string>

#include "alerts/alarm_profile.hpp"
#include "core/result.hpp"
#include "vigil/v1/config.pb.h"

namespace vigil::daemon {

using ProfileSet = std::map<std::string, alerts::AlarmProfile>;

// Errors name the profile and rule at fault; the loader adds file:line:column.
core::Result<ProfileSet> build_profiles(const vigil::v1::config::DaemonConfig& c);

// Only the defined priorities: an unknown enum value (proto3 keeps it) is an
// error, never a silent MEDIUM.
std::optional<alerts::Priority> priority_of(vigil::v1::Priority p);
std::string priority_problem(vigil::v1::Priority p);
// An override's metric, by vigil's short name: what is wrong with it (empty
// names every rule of the level), for the config and the command alike.
std::optional<std::string> metric_problem(const std::string& metric);
core::Result<alerts::RuleOverride> from_proto(const vigil::v1::config::RuleOverride& o);
// A bed's override from the config, checked like every other change.
core::Result<std::string> apply_config_override(alerts::AlarmProfile& profile,
                                                const vigil::v1::config::RuleOverride& o);
std::string default_profile_name(const vigil::v1::config::DaemonConfig& c);

}  // namespace vigil::daemon
