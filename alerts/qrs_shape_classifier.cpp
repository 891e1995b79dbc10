#include "alerts/qrs_shape_classifier.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "alerts/sample_count.hpp"

namespace vigil::alerts {

namespace {

constexpr double kHalfSegmentSeconds = 0.100;
constexpr double kMaxShiftSeconds = 0.020;
constexpr double kRingSeconds = 3.0;
constexpr std::size_t kLearningBeats = 9;
constexpr std::size_t kMinSupport = 2;  // other beats of the same shape among the learning beats
constexpr double kSameShape = 0.9;      // correlation: the same shape (template learning and update)
constexpr double kNormalShape = 0.85;   // correlation: a normal beat (header: why not 0.8)
constexpr double kWiderRatio = 1.25;    // of the template's width
constexpr double kWiderMinMs = 20.0;
constexpr int kRelearnAfter = 12;  // beats in a row that match nothing
constexpr double kTemplateUpdate = 0.1;
constexpr std::size_t kRecentUnlike = 4;  // unlike-normal beats an unlike beat is compared with
constexpr double kPWaveFromSeconds = 0.250, kPWaveToSeconds = 0.090;  // before the R wave
constexpr double kPTemplateUpdate = 0.1;
// P waves are slow (most of their energy below 10 Hz); the P stretch is read
// through a further low-pass so that muscle noise does not hide a small one.
constexpr double kPWaveLowPassHz = 15.0;
constexpr int kPTemplateBeats = 8;  // normal beats averaged before P-wave matches are given
// After an ectopic beat the P stretch is read only when it starts this long
// after that beat's R wave: a ventricular beat's T wave ends within about
// 0.45 s (its QT), so a later stretch holds the sinus P wave again. In
// ventricular bigeminy every conducted beat follows an ectopic one, and
// without this its P waves would never be seen.
constexpr double kPClearOfEctopicSeconds = 0.45;

// Pearson correlation of `a` with `b` starting at offset `from`.
double correlation(const std::vector<double>& a, const std::vector<double>& b, std::size_t from) {
  const auto n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    ma += a[k];
    mb += b[from + k];
  }
  ma /= n;
  mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    const double da = a[k] - ma, db = b[from + k] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa <= 0 || sbb <= 0) return 0;
  return sab / std::sqrt(saa * sbb);
}

}  // namespace

bool wider_than_normal(double width_ms, double normal_width_ms) {
  return width_ms >= std::max(kWiderRatio * normal_width_ms, normal_width_ms + kWiderMinMs);
}

QrsShapeClassifier::QrsShapeClassifier(double sampling_hz)
    : fs_{sampling_hz},
      half_{samples_in(kHalfSegmentSeconds, sampling_hz)},
      max_shift_{samples_in(kMaxShiftSeconds, sampling_hz)},
      ring_size_{samples_in(kRingSeconds, sampling_hz)},
      p_from_{samples_in(kPWaveFromSeconds, sampling_hz)},
      p_to_{samples_in(kPWaveToSeconds, sampling_hz)},
      p_clear_{samples_in(kPClearOfEctopicSeconds, sampling_hz)},
      high_pass_{Biquad::high_pass(0.5, sampling_hz)},
      low_pass_{Biquad::low_pass(std::min(40.0, 0.4 * sampling_hz), sampling_hz)},
      p_low_pass_{Biquad::low_pass(std::min(kPWaveLowPassHz, 0.4 * sampling_hz), sampling_hz)},
      atrial_{sampling_hz} {
  ring_.assign(static_cast<std::size_t>(ring_size_), 0.0);
  p_ring_.assign(static_cast<std::size_t>(ring_size_), 0.0);
}

void QrsShapeClassifier::add(double x) {
  if (n_ == 0) high_pass_.settle(x);
  const double y = low_pass_.step(high_pass_.step(x));
  ring_[static_cast<std::size_t>(n_ % ring_size_)] = y;
  p_ring_[static_cast<std::size_t>(n_ % ring_size_)] = p_low_pass_.step(y);
  atrial_.add(y);
  ++n_;
}

// The samples from centre - half - shift to centre + half + shift.
bool QrsShapeClassifier::segment(std::int64_t centre, std::vector<double>& out) const {
  const std::int64_t from = centre - half_ - max_shift_, to = centre + half_ + max_shift_;
  if (from < 0 || to >= n_ || n_ - from > ring_size_) return false;
  out.clear();
  for (std::int64_t k = from; k <= to; ++k) out.push_back(ring_[static_cast<std::size_t>(k % ring_size_)]);
  return true;
}

double QrsShapeClassifier::width_ms(const std::vector<double>& wide) const {
  // Central part (no shift margin), slope energy.
  const auto from = static_cast<std::size_t>(max_shift_), to = wide.size() - from;
  std::vector<double> cumulative{0.0};
  for (std::size_t k = from + 1; k < to; ++k) {
    const double d = wide[k] - wide[k - 1];
    cumulative.push_back(cumulative.back() + d * d);
  }
  const double total = cumulative.back();
  if (total <= 0) return 0;
  const auto at = [&](double fraction) {
    return static_cast<double>(std::lower_bound(cumulative.begin(), cumulative.end(), fraction * total) -
                               cumulative.begin());
  };
  return 1000.0 * (at(0.9) - at(0.1)) / fs_;
}

void QrsShapeClassifier::learn(const std::vector<double>& wide, double width) {
  learning_.push_back(wide);
  learning_widths_.push_back(width);
  if (learning_.size() < kLearningBeats) return;
  const auto centre = [&](const std::vector<double>& w) {
    return std::vector<double>(w.begin() + max_shift_, w.end() - max_shift_);
  };
  std::size_t chosen = learning_.size();
  for (std::size_t i = 0; i < learning_.size(); ++i) {
    const std::vector<double> a = centre(learning_[i]);
    std::size_t support = 0;
    for (std::size_t j = 0; j < learning_.size(); ++j) {
      if (j == i) continue;
      double best = -1;
      for (std::int64_t s = 0; s <= 2 * max_shift_; ++s)
        best = std::max(best, correlation(a, learning_[j], static_cast<std::size_t>(s)));
      if (best >= kSameShape) ++support;
    }
    if (support >= kMinSupport &&
        (chosen == learning_.size() || learning_widths_[i] < learning_widths_[chosen]))
      chosen = i;
  }
  if (chosen == learning_.size()) {  // no repeating shape yet: slide on
    learning_.erase(learning_.begin());
    learning_widths_.erase(learning_widths_.begin());
    return;
  }
  template_ = centre(learning_[chosen]);
  template_width_ms_ = learning_widths_[chosen];
  learning_.clear();
  learning_widths_.clear();
  unmatched_run_ = 0;
}

std::optional<double> QrsShapeClassifier::match_recent_unlike(const std::vector<double>& wide) {
  std::optional<double> best;
  const std::vector<double> centre(wide.begin() + max_shift_, wide.end() - max_shift_);
  for (const auto& other : recent_unlike_) {
    // `other` is a centre: shift this beat's wide segment against it.
    for (std::int64_t s = 0; s <= 2 * max_shift_; ++s)
      best = std::max(best.value_or(-1), correlation(other, wide, static_cast<std::size_t>(s)));
  }
  recent_unlike_.push_back(centre);
  if (recent_unlike_.size() > kRecentUnlike) recent_unlike_.erase(recent_unlike_.begin());
  return best;
}

std::optional<double> QrsShapeClassifier::p_wave_match(std::int64_t r_sample) {
  const std::int64_t from = r_sample - p_from_, to = r_sample - p_to_;
  if (from < 0 || n_ - from > ring_size_) return std::nullopt;
  std::vector<double> seg;
  for (std::int64_t k = from; k <= to; ++k) seg.push_back(p_ring_[static_cast<std::size_t>(k % ring_size_)]);
  std::optional<double> match;
  if (p_template_.empty()) {
    p_template_ = seg;
  } else {
    if (p_beats_ >= kPTemplateBeats) match = correlation(p_template_, seg, 0);
    for (std::size_t k = 0; k < seg.size(); ++k)
      p_template_[k] += kPTemplateUpdate * (seg[k] - p_template_[k]);
  }
  ++p_beats_;
  return match;
}

QrsShape QrsShapeClassifier::classify(std::int64_t r_sample) {
  std::vector<double> wide;
  if (!segment(r_sample, wide)) return {};
  QrsShape out;
  out.width_ms = width_ms(wide);
  if (template_.empty()) {
    learn(wide, out.width_ms);
    return out;
  }
  std::size_t best_shift = 0;
  double best = -1;
  for (std::int64_t s = 0; s <= 2 * max_shift_; ++s) {
    const double c = correlation(template_, wide, static_cast<std::size_t>(s));
    if (c > best) {
      best = c;
      best_shift = static_cast<std::size_t>(s);
    }
  }
  out.correlation = best;
  const bool wider = wider_than_normal(out.width_ms, template_width_ms_);
  if (best >= kNormalShape) {
    out.shape = BeatShape::normal;
    // After an ectopic beat the stretch may hold that beat's T wave.
    if (previous_normal_ || (previous_r_ && r_sample - p_from_ - *previous_r_ >= p_clear_))
      out.p_wave = p_wave_match(r_sample);
    if (previous_r_) out.atrial = atrial_.beat(*previous_r_, !previous_normal_, r_sample);
  } else {
    out.shape = wider ? BeatShape::ventricular : BeatShape::unlike_normal;
    out.unlike_match = match_recent_unlike(wide);
  }
  previous_normal_ = out.shape == BeatShape::normal;
  previous_r_ = r_sample;
  if (best >= kSameShape) {
    for (std::size_t k = 0; k < template_.size(); ++k)
      template_[k] += kTemplateUpdate * (wide[best_shift + k] - template_[k]);
    template_width_ms_ += kTemplateUpdate * (out.width_ms - template_width_ms_);
    unmatched_run_ = 0;
  } else if (best < kNormalShape && ++unmatched_run_ >= kRelearnAfter) {
    template_.clear();
    p_template_.clear();
    p_beats_ = 0;
    unmatched_run_ = 0;
  }
  return out;
}

}  // namespace vigil::alerts
