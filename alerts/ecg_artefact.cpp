#include "alerts/ecg_artefact.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "alerts/sample_count.hpp"

namespace vigil::alerts {

namespace {

constexpr double kMuscleBandHz = 40.0;
constexpr double kAmplitudeUpdate = 0.1;

}  // namespace

EcgArtefact::EcgArtefact(double sampling_hz)
    : refractory_{samples_in(kRefractorySeconds, sampling_hz)},
      window_{samples_in(kWindowSeconds, sampling_hz)},
      hold_{samples_in(kHoldSeconds, sampling_hz)},
      stretch_{samples_in(1.0, sampling_hz)} {
  if (sampling_hz >= kMinNoiseHz) high_pass_ = Biquad::high_pass(kMuscleBandHz, sampling_hz);
  stretch_magnitudes_.reserve(static_cast<std::size_t>(stretch_));
}

void EcgArtefact::add(double x) {
  if (high_pass_) {
    if (n_ == 0) high_pass_->settle(x);
    // A NaN (a filter overflowed by absurd samples) would break the
    // ordering nth_element relies on; count it as the largest noise.
    const double magnitude = std::abs(high_pass_->step(x));
    stretch_magnitudes_.push_back(std::isnan(magnitude) ? std::numeric_limits<double>::infinity()
                                                        : magnitude);
  }
  ++n_;
  if (n_ % stretch_ == 0) end_stretch();
}

void EcgArtefact::end_stretch() {
  if (stretch_magnitudes_.empty()) return;
  const auto mid = stretch_magnitudes_.begin() + static_cast<long>(stretch_magnitudes_.size() / 2);
  std::nth_element(stretch_magnitudes_.begin(), mid, stretch_magnitudes_.end());
  const double noise = *mid;
  stretch_magnitudes_.clear();
  if (qrs_amplitude_ > 0 && noise >= kNoiseOfQrs * qrs_amplitude_) {
    noisy_until_ = n_ + hold_;
    reason_ = ArtefactReason::muscle_noise;
  }
}

bool EcgArtefact::on_beat(std::int64_t sample, const QrsShape& shape, double amplitude_mv) {
  bool suspect = false;
  if (previous_beat_ && sample - *previous_beat_ < refractory_) {
    suspect = true;
    reason_ = ArtefactReason::beats_too_close;
  } else if (outside_normal_conduction(shape.shape) && shape.unlike_match.value_or(0) < kSameFocus) {
    suspect = true;
    reason_ = ArtefactReason::shapes_differ;
  }
  previous_beat_ = sample;
  if (shape.shape == BeatShape::normal && !suspect)
    qrs_amplitude_ = qrs_amplitude_ > 0 ? qrs_amplitude_ + kAmplitudeUpdate * (amplitude_mv - qrs_amplitude_)
                                        : amplitude_mv;
  if (suspect) suspects_.push_back(sample);
  while (!suspects_.empty() && suspects_.front() < n_ - window_) suspects_.pop_front();
  return artefact();
}

bool EcgArtefact::artefact() const {
  const auto recent =
      std::count_if(suspects_.begin(), suspects_.end(), [&](std::int64_t s) { return s >= n_ - window_; });
  return static_cast<std::size_t>(recent) >= kSuspectBeats || (noisy_until_ && n_ < *noisy_until_);
}

}  // namespace vigil::alerts
