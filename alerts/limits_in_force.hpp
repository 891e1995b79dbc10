#pragma once
// The limit rules a bed judged by, as the journal keeps them: vigild
// journals them whole (the `limits_in_force` context event) at admission,
// at each limit change and after a restart, so the infusion record can say
// which limit was in force at a time from the journal alone; the profile in
// vigild's config may have changed since.
//
// One rule a line, tab-separated: condition, priority, metric (vigil's short
// name), kind, threshold, floor metric ("-": the rule's own), floor, delay in
// ms, hysteresis, "on" or "off". Labels and the reasons a level is off are
// left out: the record shows the rule as describe_limit() words it.
#include <string>
#include <string_view>
#include <vector>

#include "alerts/limit_rules.hpp"
#include "core/result.hpp"

namespace vigil::alerts {

std::string limits_text(const std::vector<LimitRule>& rules);
// The text comes from a file anyone with access could have edited: a line
// that is not a rule makes the whole text an error naming the line, never a
// partial set of limits.
core::Result<std::vector<LimitRule>> parse_limits_text(std::string_view text);

}  // namespace vigil::alerts
