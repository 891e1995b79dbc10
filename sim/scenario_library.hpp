#pragma once
// Finding a scenario or ward by what a person types: the name of one shipped
// in sim/scenarios/ (built into the binaries), or a file path.
#include <string>

#include "core/result.hpp"
#include "sim/scenario.hpp"

namespace vigil::sim {

// A bare word ("desaturation") is a built-in name; anything with a '/' or a
// '.' is a file, relative to base_dir when not absolute.
bool names_a_file(const std::string& ref);
std::string resolve_path(const std::string& ref, const std::string& base_dir);

core::Result<Scenario> find_scenario(const std::string& ref, const std::string& base_dir = "");
// Built-in ward text by name, or the file's text; `file` is set to what
// error messages should call it, `base_dir` to where its scenarios are found.
core::Result<std::string> find_ward_text(const std::string& ref, std::string& file, std::string& base_dir);

std::string builtin_scenario_names();

}  // namespace vigil::sim
