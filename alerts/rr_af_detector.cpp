#include "alerts/rr_af_detector.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numeric>

namespace vigil::alerts {

namespace {

constexpr double kShortestRr = 0.2;  // s; 300 /min, faster is not a ventricular rhythm
constexpr double kLongestRr = 3.0;   // s; longer is a pause, reported apart from AF
constexpr std::size_t kMinDifferences = 8;
constexpr std::size_t kMinResidualPairs = 4;
// When ectopy leaves fewer than kMinResidualPairs regular pairs, nothing of a
// dominant rhythm is left: score it as AF-like irregularity.
constexpr double kResidualWhenNoneLeft = 0.3;
constexpr double kLogFloor = 1e-3;
// Lake & Moorman's 30 ms at a median RR of 0.75 s (80 /min), made relative
// to the median so it does not depend on rate (as features 1 and 2).
constexpr double kEntropyTolerance = 0.04;
// A prior for windows with too few alike pairs: of the order of the chance
// that alike intervals are followed by alike ones in AF (the AF database's AF
// windows average a sample entropy of 2.1, a chance of 0.12).
constexpr double kEntropyPrior = 0.2;
// With jittered beat times (pulse onsets) every interval difference carries
// noise of ~2-2.5 jitter standard deviations; this much of a jitter sd is
// taken off each difference (and added to the transition tolerance). Half a
// sd keeps sensitivity on the AF database with 20 ms of simulated jitter
// (docs/rhythm.md); a full sd or more removed too much of AF's irregularity.
constexpr double kNoiseWidth = 0.5;

std::size_t quantile_rank(std::size_t size, double q) {
  return std::min(size - 1, static_cast<std::size_t>(q * static_cast<double>(size)));
}

double quantile(std::vector<double>& v, double q) {
  const auto i = quantile_rank(v.size(), q);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

double sorted_quantile(const std::vector<double>& sorted, double q) {
  return sorted[quantile_rank(sorted.size(), q)];
}

void insert_sorted(std::vector<double>& sorted, double x) {
  sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), x), x);
}

// x is a value inserted before, computed by the same expression, so it is
// found exactly.
void erase_sorted(std::vector<double>& sorted, double x) {
  const auto at = std::lower_bound(sorted.begin(), sorted.end(), x);
  if (at != sorted.end() && *at == x) sorted.erase(at);
}

double excess_difference(double newer, double older, double noise) {
  return std::max(0.0, std::abs(newer - older) - noise);
}

// Buffers the features reuse, one set per thread: they run on every beat,
// and allocating them anew each time cost more than the arithmetic.
struct Scratch {
  std::vector<double> lengths;
  std::vector<double> diffs;
  std::vector<unsigned char> usable;  // bytes, not std::vector<bool>'s bits: read in the O(n^2) loops
  std::vector<unsigned char> drop;
  std::vector<double> rr;  // assess()'s window, oldest first
  // sample_entropy's bit sets, `words` 64-bit words each (see there)
  std::vector<std::size_t> order;
  std::vector<std::size_t> by_length;  // assess(): the window's positions in length order
  std::vector<std::uint64_t> shortest;
  std::vector<std::uint64_t> alike;
  std::vector<std::uint64_t> starts;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

struct Window {
  const std::vector<double>& rr;
  const std::vector<unsigned char>& usable;
  double median;
  double noise;  // s
  // The intervals' positions in length order, when the caller keeps them
  // (the detector does); sample_entropy sorts them itself otherwise.
  const std::vector<std::size_t>* by_length = nullptr;
  double excess(std::size_t newer, std::size_t older) const {
    return excess_difference(rr[newer], rr[older], noise);
  }
};

double noise_allowance(const AfDetectorConfig& c) {
  return kNoiseWidth * core::to_seconds(c.timing_noise);
}

double pattern_irregularity(const Window& w, const AfDetectorConfig& c) {
  double best = 1.0;
  auto& diffs = scratch().diffs;
  for (std::size_t lag = 1; lag <= c.max_pattern_lag; ++lag) {
    diffs.clear();
    for (std::size_t j = lag; j < w.rr.size(); ++j) {
      if (w.usable[j] && w.usable[j - lag]) diffs.push_back(w.excess(j, j - lag));
    }
    if (diffs.size() >= kMinDifferences)
      best = std::min(best, quantile(diffs, c.pattern_quantile) / w.median);
  }
  return best;
}

double residual_irregularity(const Window& w, const AfDetectorConfig& c) {
  const std::size_t n = w.rr.size();
  auto& drop = scratch().drop;
  drop.assign(n, 0);
  for (std::size_t j = 0; j < n; ++j) {
    if (!w.usable[j]) {
      drop[j] = 1;
    } else if (w.rr[j] < c.premature_ratio * w.median) {
      drop[j] = 1;
      if (j + 1 < n) drop[j + 1] = 1;  // the compensatory or reset interval
    } else if (w.rr[j] > c.missed_beat_ratio * w.median) {
      drop[j] = 1;
    }
  }
  auto& diffs = scratch().diffs;
  diffs.clear();
  for (std::size_t j = 1; j < n; ++j) {
    if (!drop[j] && !drop[j - 1]) diffs.push_back(w.excess(j, j - 1));
  }
  if (diffs.size() < kMinResidualPairs) return kResidualWhenNoneLeft;
  return quantile(diffs, 0.5) / w.median;
}

double unexplained_transitions(const Window& w, const AfDetectorConfig& c) {
  const double tolerance = c.transition_tolerance + w.noise / w.median;
  enum Class { short_rr, normal_rr, long_rr };
  auto classify = [&](double rr) {
    if (rr < (1 - tolerance) * w.median) return short_rr;
    if (rr > (1 + tolerance) * w.median) return long_rr;
    return normal_rr;
  };
  std::size_t pairs = 0, unexplained = 0;
  for (std::size_t j = 1; j < w.rr.size(); ++j) {
    if (!w.usable[j] || !w.usable[j - 1]) continue;
    const Class a = classify(w.rr[j - 1]), b = classify(w.rr[j]);
    ++pairs;
    if ((a == long_rr && b != normal_rr) || (a == short_rr && b == short_rr) ||
        (a == normal_rr && b == long_rr))
      ++unexplained;
  }
  return pairs == 0 ? 0.0 : static_cast<double>(unexplained) / static_cast<double>(pairs);
}

// Sample entropy (m = 1; Richman & Moorman 2000, as used for AF by Lake &
// Moorman 2011) of the window: -ln of the chance that two intervals alike
// (within kEntropyTolerance of the median, plus the timing noise) are
// followed by two intervals alike too. Any rhythm with structure (regular,
// bigeminal, trigeminal, a sinus swing) makes like follow like; AF's
// intervals do not remember their predecessors. Counted over all pairs of
// the window. The chance is estimated as (a + kEntropyPrior) / (b + 1), so
// that a window where no two intervals are alike (b = 0: as irregular as it
// gets) scores like AF instead of an undefined 0/0.
//
// b counts the pairs i < j, each starting two usable intervals, with
// intervals i and j alike; a those of them whose next intervals, i + 1 and
// j + 1, are alike too. This runs on every beat, and comparing the ~500
// pairs one by one was most of the rhythm's cost. Instead each interval's
// alike ones are found as a set of bits: in length order they are one run
// (|x - y| <= r is monotone in y, rounding included), so the set is the
// intervals up to the run's end less those before its start, two prefix
// sets XORed; the runs' ends move only forward. The counts are then a
// population count per word, and the same, pair for pair, as comparing.
double sample_entropy(const Window& w) {
  const double r = kEntropyTolerance * w.median + w.noise;
  const std::size_t n = w.rr.size();
  if (n < 2) return -std::log(kEntropyPrior);
  const std::size_t words = (n + 63) / 64;
  auto bit = [](std::size_t j) { return std::uint64_t{1} << (j % 64); };
  auto& s = scratch();
  if (!w.by_length) {
    s.order.resize(n);
    std::iota(s.order.begin(), s.order.end(), std::size_t{0});
    std::sort(s.order.begin(), s.order.end(),
              [&](std::size_t x, std::size_t y) { return w.rr[x] < w.rr[y]; });
  }
  const std::vector<std::size_t>& order = w.by_length ? *w.by_length : s.order;
  // shortest[k]: the k shortest intervals.
  s.shortest.assign((n + 1) * words, 0);
  for (std::size_t k = 0; k < n; ++k) {
    std::copy_n(&s.shortest[k * words], words, &s.shortest[(k + 1) * words]);
    s.shortest[(k + 1) * words + order[k] / 64] |= bit(order[k]);
  }
  // alike[i]: the intervals alike interval i, itself included.
  s.alike.resize(n * words);
  std::size_t first = 0, last = 0;  // the run alike the current interval, in length order
  for (std::size_t p = 0; p < n; ++p) {
    const double x = w.rr[order[p]];
    while (std::abs(x - w.rr[order[first]]) > r) ++first;
    last = std::max(last, p);
    while (last + 1 < n && std::abs(x - w.rr[order[last + 1]]) <= r) ++last;
    for (std::size_t k = 0; k < words; ++k)
      s.alike[order[p] * words + k] = s.shortest[(last + 1) * words + k] ^ s.shortest[first * words + k];
  }
  s.starts.assign(words, 0);
  for (std::size_t j = 0; j + 1 < n; ++j)
    if (w.usable[j] && w.usable[j + 1]) s.starts[j / 64] |= bit(j);
  std::uint64_t a = 0, b = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (!(s.starts[i / 64] & bit(i))) continue;
    const std::uint64_t* row = &s.alike[i * words];
    const std::uint64_t* next = &s.alike[(i + 1) * words];
    for (std::size_t k = i / 64; k < words; ++k) {
      const std::uint64_t later = k == i / 64 ? ~std::uint64_t{0} << (i % 64) << 1 : ~std::uint64_t{0};
      // Bit j of `following`: intervals i + 1 and j + 1 alike.
      const std::uint64_t following = (next[k] >> 1) | (k + 1 < words ? next[k + 1] << 63 : 0);
      const std::uint64_t both = row[k] & s.starts[k] & later;
      b += static_cast<std::uint64_t>(std::popcount(both));
      a += static_cast<std::uint64_t>(std::popcount(both & following));
    }
  }
  return -std::log((static_cast<double>(a) + kEntropyPrior) / (static_cast<double>(b) + 1));
}

// R^2 of the least-squares prediction x[i] ~ a1 x[i-1] + a2 x[i-2] over the
// usable triples (x: intervals less their mean).
double predictability(const Window& w) {
  double mean = 0, count = 0;
  for (std::size_t j = 0; j < w.rr.size(); ++j) {
    if (w.usable[j]) {
      mean += w.rr[j];
      ++count;
    }
  }
  if (count < 1) return 0;
  mean /= count;
  double s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0, syy = 0;
  std::size_t rows = 0;
  for (std::size_t j = 2; j < w.rr.size(); ++j) {
    if (!w.usable[j] || !w.usable[j - 1] || !w.usable[j - 2]) continue;
    const double y = w.rr[j] - mean, x1 = w.rr[j - 1] - mean, x2 = w.rr[j - 2] - mean;
    s11 += x1 * x1;
    s12 += x1 * x2;
    s22 += x2 * x2;
    s1y += x1 * y;
    s2y += x2 * y;
    syy += y * y;
    ++rows;
  }
  const double det = s11 * s22 - s12 * s12;
  if (rows < kMinDifferences || syy <= 0 || det <= 1e-12 * s11 * s22) return 0;
  const double a1 = (s1y * s22 - s2y * s12) / det, a2 = (s2y * s11 - s1y * s12) / det;
  const double explained = a1 * s1y + a2 * s2y;  // SSR of the least-squares fit
  return std::clamp(explained / syy, 0.0, 1.0);
}

AfFeatures window_features(const Window& w, double pattern, const AfDetectorConfig& c) {
  return {pattern, residual_irregularity(w, c), unexplained_transitions(w, c), sample_entropy(w),
          predictability(w)};
}

}  // namespace

RrAfDetector::RrAfDetector(AfDetectorConfig config) : config_{config} {
  config_.window = std::max<std::size_t>(config_.window, kMinDifferences + config_.max_pattern_lag);
  reset();
}

void RrAfDetector::reset() {
  rr_.assign(config_.window, 0.0);
  usable_.assign(config_.window, false);
  next_ = 0;
  count_ = 0;
  assessment_ = {};
  // The orders grow as intervals come and keep their capacity through later
  // resets; not reserved up front, because every bed has a detector for each
  // beat source (ECG, pulse, the device's beats) and most use one: reserved,
  // the idle ones held about 0.6 MB at 128 beds.
  sorted_lengths_.clear();
  slots_by_length_.clear();
  sorted_differences_.assign(config_.max_pattern_lag, {});
}

void RrAfDetector::add(core::Duration rr, bool usable) {
  if (count_ == config_.window) leave_orders();  // the oldest interval is overwritten now
  const double seconds = core::to_seconds(rr);
  if (count_ == config_.window)
    slots_by_length_.erase(std::find(slots_by_length_.begin(), slots_by_length_.end(), next_));
  slots_by_length_.insert(std::upper_bound(slots_by_length_.begin(), slots_by_length_.end(), seconds,
                                           [&](double x, std::size_t slot) { return x < rr_[slot]; }),
                          next_);
  rr_[next_] = seconds;
  usable_[next_] = usable && seconds >= kShortestRr && seconds <= kLongestRr;
  next_ = (next_ + 1) % config_.window;
  count_ = std::min(count_ + 1, config_.window);
  enter_orders();
  assess();
}

void RrAfDetector::enter_orders() {
  const std::size_t newest = back(0);
  if (!usable_[newest]) return;
  insert_sorted(sorted_lengths_, rr_[newest]);
  const double noise = noise_allowance(config_);
  for (std::size_t lag = 1; lag <= config_.max_pattern_lag && lag < count_; ++lag) {
    const std::size_t older = back(lag);
    if (usable_[older])
      insert_sorted(sorted_differences_[lag - 1], excess_difference(rr_[newest], rr_[older], noise));
  }
}

void RrAfDetector::leave_orders() {
  const std::size_t oldest = back(count_ - 1);
  if (!usable_[oldest]) return;
  erase_sorted(sorted_lengths_, rr_[oldest]);
  const double noise = noise_allowance(config_);
  for (std::size_t lag = 1; lag <= config_.max_pattern_lag && lag < count_; ++lag) {
    const std::size_t newer = back(count_ - 1 - lag);
    if (usable_[newer])
      erase_sorted(sorted_differences_[lag - 1], excess_difference(rr_[newer], rr_[oldest], noise));
  }
}

AfFeatures RrAfDetector::features(const std::vector<double>& rr_seconds, const std::vector<bool>& usable,
                                  const AfDetectorConfig& config) {
  auto& lengths = scratch().lengths;
  auto& flags = scratch().usable;
  lengths.clear();
  flags.resize(usable.size());
  for (std::size_t j = 0; j < rr_seconds.size(); ++j) {
    flags[j] = usable[j] ? 1 : 0;
    if (usable[j]) lengths.push_back(rr_seconds[j]);
  }
  if (lengths.size() < kMinDifferences) return {};
  const Window w{rr_seconds, flags, quantile(lengths, 0.5), noise_allowance(config)};
  return window_features(w, pattern_irregularity(w, config), config);
}

double RrAfDetector::probability(const AfFeatures& f, const AfModel& m) {
  const double z = m.bias + m.pattern * std::log(std::max(f.pattern_irregularity, kLogFloor)) +
                   m.residual * std::log(std::max(f.residual_irregularity, kLogFloor)) +
                   m.unexplained * f.unexplained_transitions + m.entropy * f.entropy;
  return 1.0 / (1.0 + std::exp(-z));
}

void RrAfDetector::assess() {
  const bool was_af = assessment_.af;
  assessment_ = {};
  if (count_ < std::max(config_.first_assessment, kMinDifferences + config_.max_pattern_lag))
    return;  // warming up
  const std::size_t n = count_;
  auto& rr = scratch().rr;
  auto& usable = scratch().usable;
  rr.resize(n);
  usable.resize(n);
  for (std::size_t k = 0; k < n; ++k) {  // oldest first
    const std::size_t at = back(n - 1 - k);
    rr[k] = rr_[at];
    usable[k] = usable_[at] ? 1 : 0;
  }
  const std::size_t good = sorted_lengths_.size();
  assessment_.usable_fraction = static_cast<double>(good) / static_cast<double>(n);
  if (assessment_.usable_fraction < config_.min_usable_fraction || good < kMinDifferences) {
    assessment_.status = AfStatus::poor_signal;
    return;
  }
  assessment_.status = AfStatus::assessed;
  // Positions oldest first, as rr above: the k-th back from the newest is at n - 1 - k.
  auto& by_length = scratch().by_length;
  by_length.resize(n);
  for (std::size_t p = 0; p < n; ++p)
    by_length[p] = n - 1 - (next_ + config_.window - 1 - slots_by_length_[p]) % config_.window;
  const Window w{rr, usable, sorted_quantile(sorted_lengths_, 0.5), noise_allowance(config_), &by_length};
  double pattern = 1.0;
  for (const auto& differences : sorted_differences_) {
    if (differences.size() >= kMinDifferences)
      pattern = std::min(pattern, sorted_quantile(differences, config_.pattern_quantile) / w.median);
  }
  assessment_.features = window_features(w, pattern, config_);
  assessment_.probability = probability(assessment_.features, config_.model);
  assessment_.af = was_af ? assessment_.probability >= config_.leave_probability
                          : assessment_.probability > config_.enter_probability;
  if (assessment_.features.predictability >= config_.max_af_predictability) assessment_.af = false;
}

}  // namespace vigil::alerts
