#pragma once
// What a record is built with: the vitals table's cadence, the checkpoints
// and the discharge criteria (set per alarm profile in vigild's config,
// record/record_config.hpp; these are the defaults), and the clinic's name.
#include <map>
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

// Ready for discharge: over the last `stable` before it, every cuff reading
// within `bp_margin_percent` of the baseline, the heart rate (or pulse)
// within `heart_rate_margin_percent` of it, SpO₂ never below `spo2_min`.
// vigil's defaults, for a clinic's medical director to review.
struct DischargeCriteria {
  double bp_margin_percent = 20;
  double heart_rate_margin_percent = 20;
  double spo2_min = 92;
  core::Duration stable = std::chrono::minutes{15};
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
  // Monitored at least this long from the start (the esketamine programme
  // asks 2 h); zero: no minimum.
  core::Duration min_monitored{};
  DischargeCriteria discharge;
};

// The options of each profile as vigild's config sets them, and the clinic.
struct RecordConfig {
  std::string clinic;
  RecordOptions defaults;                         // a profile the config does not set
  std::map<std::string, RecordOptions> profiles;  // by profile name
  const RecordOptions& for_profile(const std::string& name) const {
    const auto it = profiles.find(name);
    return it == profiles.end() ? defaults : it->second;
  }
};

}  // namespace vigil::record
