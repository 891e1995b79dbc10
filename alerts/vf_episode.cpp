#include "alerts/vf_episode.hpp"

#include <string>

#include "alerts/limit_rules.hpp"
#include "alerts/ventricular_report.hpp"

namespace vigil::alerts {

void VfEpisode::on_coverage(core::TimePoint first, core::TimePoint end, bool vf_like, bool flat) {
  judged_ = true;
  last_end_ = end;
  if (vf_like) {
    organised_since_.reset();
    if (!run_start_ || (last_vf_end_ && first - *last_vf_end_ > kBreak)) run_start_ = first;
    last_vf_end_ = end;
    if (!episode_ && end - *run_start_ >= kOnset) episode_ = *run_start_;
    return;
  }
  if (flat) {
    // A flat trace is a lead off or asystole, not an organised rhythm: it
    // breaks a run before onset and never ends an episode.
    organised_since_.reset();
    run_start_.reset();
    return;
  }
  if (!organised_since_) organised_since_ = first;
  if (end - *organised_since_ >= kBreak) run_start_.reset();
  if (episode_ && end - *organised_since_ >= kClear) episode_.reset();
}

ConditionReport VfEpisode::report() const {
  ConditionReport r = ventricular_report("ventricular_fibrillation", episode_);
  if (r.present) {
    r.value = core::to_seconds(last_end_ - *episode_);
    r.message =
        "VF/VT suspected — check patient (the ECG shows a fibrillation-like swing, no organised beats)";
  } else {
    r.message =
        "VF/VT suspected — ended: organised ECG rhythm for " + format_number(core::to_seconds(kClear)) + " s";
  }
  return r;
}

}  // namespace vigil::alerts
