#include "alerts/vt_episode.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "alerts/limit_rules.hpp"
#include "alerts/qrs_shape_classifier.hpp"
#include "alerts/ventricular_report.hpp"

namespace vigil::alerts {

namespace {
constexpr double kNormalWidthUpdate = 0.1;  // as the classifier's template follows its beats
}

bool VtEpisode::ventricular(const Beat& beat) const {
  return beat.shape == BeatShape::ventricular || wide_like_before(beat) ||
         (!wide_conducted_ && wide_complex(beat));
}

bool VtEpisode::wide_like_before(const Beat& beat) const {
  return normal_width_ms_ > 0 && beat.qrs_width_ms && wider_than_normal(*beat.qrs_width_ms, normal_width_ms_);
}

double VtEpisode::run_rate(int beats) const {
  const auto n = std::min<std::size_t>(static_cast<std::size_t>(beats), recent_.size());
  if (n < 2) return 0;
  const double span = core::to_seconds(recent_.back() - recent_[recent_.size() - n]);
  return span > 0 ? 60.0 * static_cast<double>(n - 1) / span : 0;
}

void VtEpisode::on_beat(const Beat& beat, bool in_vf) {
  if (beat.source != BeatSource::ecg || !beat.qrs_width_ms) return;
  judged_ = true;
  recent_.push_back(beat.time);
  if (recent_.size() > static_cast<std::size_t>(kRunBeats)) recent_.erase(recent_.begin());
  if (beat.shape == BeatShape::normal && !episode_) {
    normal_width_ms_ = normal_width_ms_ > 0
                           ? normal_width_ms_ + kNormalWidthUpdate * (*beat.qrs_width_ms - normal_width_ms_)
                           : *beat.qrs_width_ms;
  }
  // A run: beats unlike normal in a row, each repeating the shape of the
  // ones before it (a beat of another shape starts a run of its own).
  if (!outside_normal_conduction(beat.shape)) {
    run_ = 0;
  } else if (run_ > 0 && beat.repeat_match && *beat.repeat_match < kSameFocus) {
    run_ = 1;
  } else {
    ++run_;
  }
  const double rate = run_rate(kRunBeats);
  wide_run_ = !in_vf && beat.shape == BeatShape::normal && wide_complex(beat) ? wide_run_ + 1 : 0;
  if (wide_run_ >= kRunBeats && rate < kRateBpm) wide_conducted_ = true;
  if (normal_width_ms_ > 0 && normal_width_ms_ < kWideComplexMs) wide_conducted_ = false;
  if (!episode_) {
    const bool wide_tachycardia = wide_run_ >= kRunBeats && !wide_conducted_;
    if ((run_ >= kRunBeats || wide_tachycardia) && rate >= kRateBpm) {
      episode_ = recent_.front();
      rate_bpm_ = rate;
      wide_tachycardia_ = run_ < kRunBeats;
    }
    return;
  }
  if (ventricular(beat) && rate >= kRateBpm) {
    rate_bpm_ = rate;
    other_since_.reset();
    return;
  }
  if (!other_since_) other_since_ = beat.time;
  if (beat.time - *other_since_ >= kClear) {
    episode_.reset();
    other_since_.reset();
    run_ = 0;
  }
}

ConditionReport VtEpisode::report() const {
  ConditionReport r = ventricular_report("ventricular_tachycardia", episode_);
  r.metric = core::Metric::heart_rate;
  r.limit = kRateBpm;
  r.value = std::round(rate_bpm_);
  if (r.present) {
    r.message = wide_tachycardia_ ? "VT — check patient: wide-complex tachycardia at " +
                                        format_number(r.value) + "/min, no narrow beats seen"
                                  : "VT — check patient: wide ventricular beats in a row at " +
                                        format_number(r.value) + "/min";
  } else {
    r.message = "VT — ended: no run of ventricular beats at " + format_number(kRateBpm) +
                "/min or more for " + format_number(core::to_seconds(kClear)) + " s";
  }
  return r;
}

}  // namespace vigil::alerts
