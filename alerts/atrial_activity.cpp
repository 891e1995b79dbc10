#include "alerts/atrial_activity.hpp"

#include <algorithm>
#include <cmath>

#include "alerts/sample_count.hpp"

namespace vigil::alerts {

namespace {

constexpr double kShortestCycle = 0.12, kLongestCycle = 0.30;  // searched (500-200/min)
constexpr double kMinOverlapSeconds = 0.10;
constexpr double kBeforeQrsSeconds = 0.08;  // the QRS starts about 50 ms before its R wave
constexpr double kQtPerSqrtRr = 0.40;       // Bazett: QT = 0.40 s x sqrt(RR in s)
constexpr double kShortestQt = 0.22, kLongestQt = 0.45;
constexpr double kAfterEctopicSeconds = 0.45;  // a ventricular beat's T wave (as for the P wave)
constexpr double kLongestStretch = 1.0;        // the last second before the QRS
constexpr double kNewStretchWeight = 1.0 / 8;
constexpr int kMinStretches = 6;
constexpr double kMinCoverage = 0.25;  // share (weighted) of recent stretches long enough for a lag

// Takes the least-squares line out of the stretch: what is left of the
// T wave's tail and the baseline's drift, not a wave that repeats. Done on
// the stretch alone: a causal high-pass over the whole ECG would ring after
// every QRS and T wave into the very stretch it is meant to clean.
void remove_trend(std::vector<double>& s) {
  const auto n = static_cast<double>(s.size());
  const double mid = (n - 1) / 2;
  double mean = 0, slope_num = 0, slope_den = 0;
  for (const double v : s) mean += v;
  mean /= n;
  for (std::size_t k = 0; k < s.size(); ++k) {
    const double d = static_cast<double>(k) - mid;
    slope_num += d * (s[k] - mean);
    slope_den += d * d;
  }
  const double slope = slope_den > 0 ? slope_num / slope_den : 0;
  for (std::size_t k = 0; k < s.size(); ++k) s[k] -= mean + slope * (static_cast<double>(k) - mid);
}

}  // namespace

AtrialActivity::AtrialActivity(double sampling_hz)
    : fs_{sampling_hz},
      min_lag_{samples_in(kShortestCycle, sampling_hz)},
      max_lag_{samples_in(kLongestCycle, sampling_hz)},
      min_overlap_{samples_in(kMinOverlapSeconds, sampling_hz)},
      before_qrs_{samples_in(kBeforeQrsSeconds, sampling_hz)},
      longest_{samples_in(kLongestStretch, sampling_hz)} {
  ring_.assign(static_cast<std::size_t>(samples_in(3.0, sampling_hz)), 0.0);
  const auto lags = static_cast<std::size_t>(max_lag_ - min_lag_ + 1);
  products_.assign(lags, 0.0);
  energy_early_.assign(lags, 0.0);
  energy_late_.assign(lags, 0.0);
  coverage_.assign(lags, 0.0);
}

void AtrialActivity::add(double x) {
  const auto size = static_cast<std::int64_t>(ring_.size());
  ring_[static_cast<std::size_t>(n_ % size)] = x;
  ++n_;
}

std::optional<AtrialWaves> AtrialActivity::beat(std::int64_t previous_r, bool previous_ectopic,
                                                std::int64_t r) {
  const auto size = static_cast<std::int64_t>(ring_.size());
  const double rr = static_cast<double>(r - previous_r) / fs_;
  const double qt = previous_ectopic
                        ? kAfterEctopicSeconds
                        : std::clamp(kQtPerSqrtRr * std::sqrt(std::max(rr, 0.0)), kShortestQt, kLongestQt);
  const std::int64_t to = r - before_qrs_;
  const std::int64_t from = std::max(previous_r + samples_in(qt, fs_), to - longest_);
  if (from < 0 || to > n_ || n_ - from > size) return std::nullopt;
  const std::int64_t length = to - from;
  if (length >= min_lag_ + min_overlap_) {
    std::vector<double> s;
    s.reserve(static_cast<std::size_t>(length));
    for (std::int64_t k = from; k < to; ++k) s.push_back(ring_[static_cast<std::size_t>(k % size)]);
    remove_trend(s);
    for (std::int64_t lag = min_lag_; lag <= max_lag_; ++lag) {
      const auto i = static_cast<std::size_t>(lag - min_lag_);
      double p = 0, e1 = 0, e2 = 0;
      if (length - lag >= std::max(min_overlap_, lag * 3 / 4)) {
        for (std::int64_t k = 0; k + lag < length; ++k) {
          const double a = s[static_cast<std::size_t>(k)], b = s[static_cast<std::size_t>(k + lag)];
          p += a * b;
          e1 += a * a;
          e2 += b * b;
        }
      }
      // Lags this stretch cannot judge keep their pooled value, but lose
      // weight: a cycle must show in a share of the recent stretches, not in
      // one long stretch after a pause.
      const bool judged = e1 > 0 && e2 > 0;
      coverage_[i] += kNewStretchWeight * ((judged ? 1.0 : 0.0) - coverage_[i]);
      if (!judged) continue;
      products_[i] += kNewStretchWeight * (p - products_[i]);
      energy_early_[i] += kNewStretchWeight * (e1 - energy_early_[i]);
      energy_late_[i] += kNewStretchWeight * (e2 - energy_late_[i]);
    }
    ++stretches_;
  }
  if (stretches_ < kMinStretches) return std::nullopt;
  std::vector<double> rho(products_.size(), 0.0);
  for (std::size_t i = 0; i < rho.size(); ++i) {
    const double e = energy_early_[i] * energy_late_[i];
    if (e > 0 && coverage_[i] >= kMinCoverage) rho[i] = products_[i] / std::sqrt(e);
  }
  std::optional<AtrialWaves> best;
  for (std::size_t i = 1; i + 1 < rho.size(); ++i) {
    if (rho[i] < rho[i - 1] || rho[i] < rho[i + 1]) continue;  // a peak, not the slope into one
    if (!best || rho[i] > best->regularity)
      best = AtrialWaves{static_cast<double>(static_cast<std::int64_t>(i) + min_lag_) / fs_, rho[i]};
  }
  return best;
}

}  // namespace vigil::alerts
