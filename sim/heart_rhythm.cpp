#include "sim/heart_rhythm.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace vigil::sim {
namespace {

template <class V>
V in_force(const std::map<core::Duration, V>& changes, core::Duration t, V fallback) {
  auto it = changes.upper_bound(t);
  return it == changes.begin() ? fallback : std::prev(it)->second;
}

// Sinus rhythm at rest: the interval follows breathing (respiratory sinus
// arrhythmia, a few percent: BeatTrain's breathing depth, 0.035 by default), a slower ~0.1 Hz wave, and a
// little jitter; together a standard deviation of interval of about 3 %, 25-40 ms at 60-75 /min, and small
// successive differences, which is what separates it from AF.
constexpr double kSlowWaveDepth = 0.02;
constexpr double kSlowWaveHz = 0.1;
constexpr double kJitter = 0.012;
// AF: successive intervals independent, spread about 20-25 % around the mean
// (lognormal), never shorter than the AV node lets through.
constexpr double kAfSpread = 0.22;
constexpr double kShortestInterval = 0.26;  // s
// An ectopic beat comes at 60 % of the expected interval; a full
// compensatory pause puts the next sinus beat where the second would have been.
constexpr double kPrematurity = 0.6;
// A premature atrial beat comes at 70 %, and the sinus node restarts from it.
constexpr double kAtrialPrematurity = 0.7;
// Monomorphic VT from one re-entrant circuit is very regular: successive
// intervals vary by a few milliseconds, about 1 %.
constexpr double kVtJitter = 0.01;

}  // namespace

const char* rhythm_name(Rhythm r) {
  switch (r) {
    case Rhythm::sinus:
      return "sinus rhythm";
    case Rhythm::atrial_fibrillation:
      return "atrial fibrillation";
    case Rhythm::atrial_flutter:
      return "atrial flutter";
    case Rhythm::ventricular_fibrillation:
      return "ventricular fibrillation";
    case Rhythm::ventricular_tachycardia:
      return "ventricular tachycardia";
  }
  return "?";
}

BeatTrain::BeatTrain(unsigned seed, double variability, double breathing_depth)
    : rng_{seed}, variability_{variability}, breathing_depth_{breathing_depth} {
  slow_wave_phase_ = std::uniform_real_distribution<double>{0, 2 * std::numbers::pi}(rng_);
}

void BeatTrain::set_rhythm(core::Duration at, Rhythm r) {
  rhythm_changes_[at] = r;
  if (r == Rhythm::atrial_flutter) flutter_changes_.try_emplace(at);  // the typical flutter
}
void BeatTrain::set_ectopics(core::Duration at, double per_minute, Ectopy kind, bool pulse_deficit) {
  ectopic_changes_[at] = {per_minute, kind, pulse_deficit};
}
void BeatTrain::add_pause(core::Duration at, core::Duration length) {
  pauses_[at] = length;
}

void BeatTrain::set_flutter(core::Duration at, Flutter f) {
  rhythm_changes_[at] = Rhythm::atrial_flutter;
  flutter_changes_[at] = f;
}

Rhythm BeatTrain::rhythm_at(core::Duration t) const {
  return in_force(rhythm_changes_, t, Rhythm::sinus);
}

std::optional<FlutterWaves> BeatTrain::flutter_at(core::Duration t) const {
  if (rhythm_at(t) != Rhythm::atrial_flutter) return std::nullopt;
  const auto it = std::prev(flutter_changes_.upper_bound(t));
  return FlutterWaves{it->first, core::from_seconds(60.0 / std::clamp(it->second.atrial_rate, 200.0, 400.0))};
}

// The beat after `from`: the AV node passes the second (or, in variable
// block, at random the fourth) flutter wave after the one it last passed.
// On the flutter's own grid, so that the waves keep their place before each
// QRS, also after a sinus beat; in whole ticks, so a long flutter does not
// drift off it.
core::Duration BeatTrain::flutter_beat(const Beat& from, const FlutterWaves& w) {
  const auto setting = in_force(flutter_changes_, from.t, Flutter{});
  const bool four =
      setting.block == FlutterBlock::variable && std::uniform_real_distribution<double>{0, 1}(rng_) < 0.5;
  const auto earliest = from.t + (four ? 4 : 2) * w.cycle;
  // earliest is past the first conducted wave: from.t is at or after the onset.
  const auto first_qrs = w.onset + kFlutterConduction;
  const auto waves = (earliest - first_qrs + w.cycle - core::Duration{1}) / w.cycle;
  return first_qrs + waves * w.cycle;
}

double BeatTrain::sinus_interval(core::Duration at, double mean_s, double resp_rate) {
  const double s = core::to_seconds(at);
  const double breathing =
      resp_rate > 0 ? breathing_depth_ * std::sin(2 * std::numbers::pi * resp_rate / 60 * s) : 0;
  const double slow = kSlowWaveDepth * std::sin(2 * std::numbers::pi * kSlowWaveHz * s + slow_wave_phase_);
  const double jitter = kJitter * std::normal_distribution<double>{0, 1}(rng_);
  return mean_s * (1 + variability_ * (breathing + slow + jitter));
}

double BeatTrain::af_interval(double mean_s) {
  const double z = std::normal_distribution<double>{0, 1}(rng_);
  const double rr = mean_s * std::exp(kAfSpread * z - kAfSpread * kAfSpread / 2);
  return std::clamp(rr, kShortestInterval, 2.5 * mean_s);
}

void BeatTrain::plan_next(const Beat& from, const Drive& d) {
  if (compensate_to_) {
    next_ = Beat{*compensate_to_, BeatKind::normal, *compensate_to_ - from.t};
    compensate_to_.reset();
    return;
  }
  if (const auto flutter = flutter_at(from.t)) {
    const auto t = flutter_beat(from, *flutter);
    next_ = Beat{t, BeatKind::normal, t - from.t};
    return;
  }
  const double mean = 60.0 / std::clamp(d.heart_rate, 15.0, 300.0);
  if (rhythm_at(from.t) == Rhythm::ventricular_tachycardia) {
    const double rr = mean * (1 + variability_ * kVtJitter * std::normal_distribution<double>{0, 1}(rng_));
    next_ = Beat{from.t + core::from_seconds(rr), BeatKind::ectopic, core::from_seconds(rr)};
    return;
  }
  const bool af = rhythm_at(from.t) == Rhythm::atrial_fibrillation;
  const double rr = af ? af_interval(mean) : sinus_interval(from.t, mean, d.resp_rate);
  const auto ectopy = in_force(ectopic_changes_, from.t, EctopySetting{});
  const double chance = std::uniform_real_distribution<double>{0, 1}(rng_);
  const bool premature =
      ectopy.per_minute > 0 &&
      (ectopy.kind == Ectopy::bigeminy ? from.kind == BeatKind::normal
                                       : chance < ectopy.per_minute / std::max(d.heart_rate, 1.0));
  if (premature && ectopy.kind == Ectopy::atrial) {
    next_ = Beat{from.t + core::from_seconds(kAtrialPrematurity * rr), BeatKind::atrial_premature,
                 core::from_seconds(kAtrialPrematurity * rr)};
    return;
  }
  if (premature) {
    next_ = Beat{from.t + core::from_seconds(kPrematurity * rr), BeatKind::ectopic,
                 core::from_seconds(kPrematurity * rr), !ectopy.pulse_deficit};
    if (!af) compensate_to_ = from.t + core::from_seconds(2 * rr);
    return;
  }
  next_ = Beat{from.t + core::from_seconds(rr), BeatKind::normal, core::from_seconds(rr)};
}

void BeatTrain::advance(core::Duration t, const DriveAt& drive) {
  if (!next_) {
    const double first = 0.5 * 60.0 / std::clamp(drive(core::Duration{}).heart_rate, 15.0, 300.0);
    next_ = Beat{core::from_seconds(first), BeatKind::normal, {}};
  }
  while (next_->t <= t) {
    // No beat while the ventricles fibrillate: the next one is the first of
    // the rhythm that ends it (none yet: wait, it may be set later).
    if (rhythm_at(next_->t) == Rhythm::ventricular_fibrillation) {
      const auto end = rhythm_changes_.upper_bound(next_->t);
      if (end == rhythm_changes_.end()) break;
      const auto since = beats_.empty() ? core::Duration{} : beats_.back().t;
      next_ = Beat{end->first, BeatKind::normal, beats_.empty() ? core::Duration{} : end->first - since};
      compensate_to_.reset();
      continue;
    }
    if (!beats_.empty()) {
      // A pause that starts inside the running interval stretches it.
      auto pause = pauses_.upper_bound(beats_.back().t);
      if (pause != pauses_.end() && pause->first <= next_->t) {
        next_ = Beat{beats_.back().t + pause->second, BeatKind::normal, pause->second};
        compensate_to_.reset();
        pauses_.erase(pause);
        continue;
      }
    }
    beats_.push_back(*next_);
    plan_next(beats_.back(), drive(beats_.back().t));
  }
}

std::vector<Beat> BeatTrain::between(core::Duration from, core::Duration to) const {
  auto first =
      std::upper_bound(beats_.begin(), beats_.end(), from, [](auto t, const Beat& b) { return t < b.t; });
  auto last =
      std::upper_bound(beats_.begin(), beats_.end(), to, [](auto t, const Beat& b) { return t < b.t; });
  return first < last ? std::vector<Beat>(first, last) : std::vector<Beat>{};
}

std::optional<Beat> BeatTrain::last_at_or_before(core::Duration t, bool perfused_only) const {
  auto it = std::upper_bound(beats_.begin(), beats_.end(), t, [](auto x, const Beat& b) { return x < b.t; });
  while (it != beats_.begin()) {
    --it;
    if (!perfused_only || it->perfused) return *it;
  }
  return std::nullopt;
}

std::optional<double> BeatTrain::shown_rate(core::Duration t, std::size_t n, bool perfused_only) const {
  auto end = std::upper_bound(beats_.begin(), beats_.end(), t, [](auto x, const Beat& b) { return x < b.t; });
  // The last n + 1 beats that count, newest first.
  std::optional<core::Duration> newest, oldest;
  std::size_t k = 0;
  for (auto it = end; it != beats_.begin() && k <= n;) {
    --it;
    if (perfused_only && !it->perfused) continue;
    if (!newest) newest = it->t;
    oldest = it->t;
    ++k;
  }
  if (k < 2) return std::nullopt;
  return 60.0 * static_cast<double>(k - 1) / core::to_seconds(*newest - *oldest);
}

}  // namespace vigil::sim
