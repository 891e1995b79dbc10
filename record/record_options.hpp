#pragma once
// What a record is built with: the vitals table's cadence and the
// checkpoints (the issue wants them set in the profile; these are the
// defaults until then).
#include <string>
#include <vector>

#include "core/time.hpp"

namespace vigil::record {

// A checkpoint is a time relative to the start of the infusion or to the
// discharge, where a cuff reading within `tolerance` is looked for.
struct CheckpointRule {
  enum class From { start, discharge };
  std::string name;
  From from = From::start;
  core::Duration offset{};
};

struct RecordOptions {
  core::Duration during_cadence = std::chrono::minutes{5};  // vitals rows while the drug runs
  core::Duration after_cadence = std::chrono::minutes{15};  // before the start and after the stop
  core::Duration tolerance = std::chrono::minutes{5};       // of a checkpoint
  // The points the esketamine REMS monitoring form asks for.
  std::vector<CheckpointRule> checkpoints{
      {"BP before dosing", CheckpointRule::From::start, {}},
      {"BP 40 min after the start", CheckpointRule::From::start, std::chrono::minutes{40}},
      {"BP before discharge", CheckpointRule::From::discharge, {}}};
};

}  // namespace vigil::record
