#include "alerts/ecg_heart_rate.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace vigil::alerts {

core::Reading EcgHeartRate::gone() {
  core::Reading r;
  r.metric = core::Metric::heart_rate;
  r.quality.set(core::QualityFlag::invalid);
  return r;
}

void EcgHeartRate::on_beat(const Beat& beat) {
  if (!beats_.empty() && beat.time <= beats_.back().time) return;
  beats_.push_back(beat);
  // Beats older than the window are never looked at again.
  const auto in_window = std::find_if(beats_.begin(), beats_.end() - 1,
                                      [&](const Beat& b) { return beat.time - b.time <= config_.window; });
  beats_.erase(beats_.begin(), in_window);
}

void EcgHeartRate::on_coverage(core::TimePoint end, double quality, bool flat, bool artefact) {
  if (!covered_until_ || end > *covered_until_) covered_until_ = end;
  quality_ = quality;
  flat_ = flat;
  artefact_ = artefact;
}

void EcgHeartRate::restart() {
  beats_.clear();
  covered_until_.reset();
  quality_ = 0;
  flat_ = false;
  artefact_ = false;
}

std::optional<core::Reading> EcgHeartRate::reading(core::TimePoint now) {
  if (last_sent_ && now - *last_sent_ < config_.period) return std::nullopt;
  const bool streaming = covered_until_ && now - *covered_until_ <= config_.stale;
  if (!streaming && gone_said_) return std::nullopt;
  last_sent_ = now;
  gone_said_ = !streaming;
  if (!streaming) return gone();
  return judge(now);
}

core::Reading EcgHeartRate::judge(core::TimePoint now) const {
  if (flat_) return gone();
  std::vector<double> rr;
  std::size_t poor = 0, counted = 0;
  bool too_short = false;
  const Beat* previous = nullptr;
  for (const auto& b : beats_) {
    if (now - b.time > config_.window) continue;
    ++counted;
    if (b.quality && *b.quality < config_.min_quality) ++poor;
    if (previous) {
      const auto gap = b.time - previous->time;
      too_short = too_short || gap < config_.min_interval;
      rr.push_back(core::to_seconds(gap));
    }
    previous = &b;
  }
  if (rr.size() < config_.min_intervals) return gone();
  if (rr.size() > config_.intervals) rr.erase(rr.begin(), rr.end() - static_cast<long>(config_.intervals));
  const auto mid = rr.begin() + static_cast<long>(rr.size() / 2);
  std::nth_element(rr.begin(), mid, rr.end());
  double median = *mid;
  if (rr.size() % 2 == 0) median = (median + *std::max_element(rr.begin(), mid)) / 2;
  core::Reading r;
  r.metric = core::Metric::heart_rate;
  r.value = std::round(60.0 / median);
  if (artefact_) {
    r.quality.set(core::QualityFlag::artifact);
  } else if (quality_ < config_.min_quality || 3 * poor >= counted || too_short) {
    r.quality.set(core::QualityFlag::questionable);
  }
  return r;
}

}  // namespace vigil::alerts
