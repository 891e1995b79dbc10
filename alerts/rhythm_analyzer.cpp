#include "alerts/rhythm_analyzer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace vigil::alerts {

namespace {

using std::chrono::duration;
using std::chrono::duration_cast;

// A waveform whose blocks stop for this long is no longer streaming.
constexpr core::Duration kStreamSilence = std::chrono::seconds{2};
// A block this far from where the previous one ended restarts the detector.
constexpr core::Duration kBlockTolerance = std::chrono::milliseconds{500};
// Without a waveform to show the ECG is still connected, an open pause is
// believed for this long; after it the ECG source counts as lost.
constexpr core::Duration kBeatOnlyPauseLimit = std::chrono::seconds{60};
constexpr std::size_t kMinRateIntervals = 4;
constexpr core::Duration kBeatLatencyAllowance = std::chrono::seconds{1};
// A QRS detector decides on a beat up to this long after its R wave (the
// T-wave window): samples closer than this to the end of what it has seen
// may still hold a beat it has not reported.
constexpr core::Duration kDetectorDecision = std::chrono::milliseconds{400};
constexpr double kShortestRr = 0.2, kLongestRr = 3.0;  // s, as in the AF detector

core::Duration seconds(double s) {
  return duration_cast<core::Duration>(duration<double>(s));
}

double default_quality(BeatSource s) {
  return s == BeatSource::pulse ? kPulseQualityCeiling : 1.0;
}

AfDetectorConfig pulse_config(const RhythmConfig& c) {
  AfDetectorConfig af = c.af;
  af.timing_noise = c.pulse_timing_noise;
  return af;
}

// Mean of the middle half: robust to an extra or missed beat, yet follows
// the mean ventricular rate in AF (where a median would not).
double interquartile_mean(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t from = v.size() / 4, to = v.size() - v.size() / 4;
  double sum = 0;
  for (std::size_t k = from; k < to; ++k) sum += v[k];
  return sum / static_cast<double>(to - from);
}

}  // namespace

RhythmAnalyzer::RhythmAnalyzer(RhythmConfig config)
    : config_{config}, tracks_{Track{config.af}, Track{pulse_config(config)}, Track{config.af}} {}

void RhythmAnalyzer::add_beat(const Beat& beat) {
  // The analyzer's own detectors already find the beats of a waveform it is given.
  if (beat.source == BeatSource::ecg && ecg_.detector && streaming(ecg_, beat.time)) return;
  if (beat.source == BeatSource::pulse && pleth_.detector && streaming(pleth_, beat.time)) return;
  accept_beat(beat);
}

template <typename Detector>
bool RhythmAnalyzer::streaming(const Waveform<Detector>& w, core::TimePoint now) const {
  return present(w) && now - w.next_expected <= std::max(kStreamSilence, w.silence);
}

void RhythmAnalyzer::note_ecg_coverage(core::TimePoint first, core::TimePoint end, double quality, bool flat,
                                       bool artefact) {
  if (end <= first) return;
  ecg_.detector.reset();
  ecg_.external = true;
  ecg_.flat = flat;
  // Blocks longer than a second (a gateway that batches) must not read as
  // a stopped stream between two of them.
  ecg_.silence = (end - first) + std::chrono::seconds{1};
  if (first - ecg_.next_expected > kBlockTolerance) ecg_.run_start = first;
  ecg_.next_expected = std::max(ecg_.next_expected, end);
  if (artefact) ecg_.artefact_until = end;
  if (flat || quality < config_.min_beat_quality) {
    if (!ecg_.poor_since) ecg_.poor_since = first;
    ecg_.poor_until = end;
  } else {
    ecg_.poor_since.reset();
  }
}

void RhythmAnalyzer::accept_beat(const Beat& beat) {
  Track& t = track(beat.source);
  if (t.last_beat && beat.time <= *t.last_beat) return;
  const bool good = beat.quality.value_or(default_quality(beat.source)) >= config_.min_beat_quality;
  if (t.last_beat) {
    const core::Duration gap = beat.time - *t.last_beat;
    const core::Duration interval = beat.rr.value_or(gap);
    const bool usable = good && t.last_good;
    // A gap that spans a hole in the streamed waveform (cable pulled, monitor
    // rebooted) is missing data, not a heart that stopped; the link and
    // rhythm-unavailable conditions say so. Silence counts from where the
    // waveform resumed (an asystole after the reconnection is still a pause).
    core::TimePoint silent_since = *t.last_beat;
    if (present(ecg_) && ecg_.external && beat.time - ecg_.next_expected > ecg_.silence)
      silent_since = beat.time;  // its own block, after a hole, is noted after its beats
    else if (present(ecg_) && *t.last_beat < ecg_.run_start)
      silent_since = ecg_.run_start;
    if (beat.source == BeatSource::ecg && beat.time - silent_since >= config_.pause)
      note_ecg_pause(silent_since, beat.time);
    if (gap > config_.source_timeout) t.rr.clear();  // the rate before a long silence is history
    feed_af(t, beat, good);
    const double s = core::to_seconds(interval);
    if (usable && s >= kShortestRr && s <= kLongestRr) {
      t.rr.push_back(s);
      if (t.rr.size() > config_.rate_intervals) t.rr.erase(t.rr.begin());
    }
  }
  t.last_beat = beat.time;
  t.last_good = good;
  if (beat.p_wave && !outside_normal_conduction(beat.shape)) {
    t.p_waves.push_back(*beat.p_wave);
    if (t.p_waves.size() > config_.p_wave_beats) t.p_waves.erase(t.p_waves.begin());
  }
  if (!outside_normal_conduction(beat.shape)) {
    t.atrial = beat.atrial;
    if (beat.source == BeatSource::ecg) {
      t.flutter_votes.push_back(flutter_waves(beat.atrial));
      if (t.flutter_votes.size() > config_.flutter_beats) t.flutter_votes.erase(t.flutter_votes.begin());
    }
    t.last_conducted = beat.time;
    t.last_conducted_good = good;
    t.ventricular_since = 0;
  }
}

// The AF detector sees the rhythm of the conducted beats only. A ventricular
// beat and the compensatory pause after it carry no atrial information: the
// span from the conducted beat before them to the one after is given as
// span / n intervals' worth, n = how many typical intervals it holds (2
// after a PVC with a full compensatory pause, 1 after an interpolated PVC
// or an artefact taken for a beat), at most one more than the ventricular
// beats in it. Beats of unknown shape (pulse, reported, or an ECG beat the
// classifier could not place) count as conducted, as before.
void RhythmAnalyzer::feed_af(Track& t, const Beat& beat, bool good) {
  if (outside_normal_conduction(beat.shape)) {
    ++t.ventricular_since;
    return;
  }
  if (t.ventricular_since == 0 || !t.last_conducted) {
    t.af.add(beat.rr.value_or(beat.time - *t.last_beat), good && t.last_good);
    return;
  }
  const double span = core::to_seconds(beat.time - *t.last_conducted);
  double typical = span / (t.ventricular_since + 1);
  if (!t.rr.empty()) {
    double sum = 0;
    for (const double r : t.rr) sum += r;
    typical = sum / static_cast<double>(t.rr.size());
  }
  const double n = std::clamp(std::round(span / typical), 1.0, static_cast<double>(t.ventricular_since + 1));
  t.af.add(seconds(span / n), good && t.last_conducted_good);
}

bool RhythmAnalyzer::flutter_waves(const std::optional<AtrialWaves>& atrial) const {
  return atrial && atrial->regularity >= config_.flutter_regularity &&
         atrial->cycle_s >= config_.flutter_shortest_cycle_s &&
         atrial->cycle_s <= config_.flutter_longest_cycle_s;
}

bool RhythmAnalyzer::flutter(const Track& t) const {
  return t.flutter_votes.size() >= config_.flutter_beats &&
         static_cast<std::size_t>(std::count(t.flutter_votes.begin(), t.flutter_votes.end(), true)) >=
             config_.flutter_votes;
}

void RhythmAnalyzer::note_ecg_pause(core::TimePoint previous, core::TimePoint now) {
  Pause p{previous, now - previous, false, false};
  p.poor_signal = (ecg_.poor_until && *ecg_.poor_until >= previous) || ecg_.poor_since.has_value();
  last_pause_ = p;
}

template <typename Detector>
bool RhythmAnalyzer::restart_needed(const Waveform<Detector>& w, core::TimePoint first, double fs) const {
  if (!w.detector || w.detector->sampling_hz() != fs) return true;
  const core::Duration offset = first - w.next_expected;
  return offset > kBlockTolerance || offset < -kBlockTolerance;
}

void RhythmAnalyzer::add_ecg_samples(core::TimePoint first, double sampling_hz,
                                     std::span<const float> samples) {
  if (!(sampling_hz > 0)) return;
  if (restart_needed(ecg_, first, sampling_hz)) {
    ecg_.detector = std::make_unique<QrsDetector>(sampling_hz);
    ecg_.external = false;
    ecg_.start = first;
    ecg_.run_start = first;
  }
  std::vector<QrsDetection> found;
  ecg_.detector->add(samples, found);
  for (const auto& q : found) {
    accept_beat(ecg_beat(q, ecg_.start + seconds(static_cast<double>(q.sample) / sampling_hz)));
  }
  const core::TimePoint end = first + seconds(static_cast<double>(samples.size()) / sampling_hz);
  ecg_.next_expected = end;
  ecg_.flat = ecg_.detector->flat();
  if (ecg_.detector->artefact()) ecg_.artefact_until = end;
  if (ecg_.detector->flat() || ecg_.detector->signal_quality() < config_.min_beat_quality) {
    if (!ecg_.poor_since) ecg_.poor_since = first;
    ecg_.poor_until = end;
  } else {
    ecg_.poor_since.reset();
  }
}

void RhythmAnalyzer::add_pleth_samples(core::TimePoint first, double sampling_hz,
                                       std::span<const float> samples) {
  if (!(sampling_hz > 0)) return;
  if (restart_needed(pleth_, first, sampling_hz)) {
    pleth_.detector = std::make_unique<PulseOnsetDetector>(sampling_hz);
    pleth_.start = first;
  }
  std::vector<PulseOnset> found;
  pleth_.detector->add(samples, found);
  for (const auto& p : found) {
    accept_beat({pleth_.start + seconds(static_cast<double>(p.sample) / sampling_hz), BeatSource::pulse,
                 std::nullopt, p.quality, BeatShape::unknown, std::nullopt});
  }
  const core::TimePoint end = first + seconds(static_cast<double>(samples.size()) / sampling_hz);
  pleth_.next_expected = end;
  pleth_.flat = pleth_.detector->flat();
  if (pleth_.detector->flat()) {
    if (!pleth_.poor_since) pleth_.poor_since = first;
    pleth_.poor_until = end;
  } else {
    pleth_.poor_since.reset();
  }
}

core::TimePoint RhythmAnalyzer::ecg_seen_until(core::TimePoint now) const {
  return std::min(now, ecg_.next_expected - kDetectorDecision);
}

std::optional<Pause> RhythmAnalyzer::ongoing_pause(core::TimePoint now) const {
  const Track& t = track(BeatSource::ecg);
  if (!t.last_beat) return std::nullopt;
  // Silence is counted only where the waveform shows it: after a hole in the
  // stream (cable pulled, monitor rebooted) from where the stream resumed,
  // so an asystole after the reconnection is still a pause, the hole is not.
  const core::TimePoint since =
      present(ecg_) && ecg_.run_start > *t.last_beat ? ecg_.run_start : *t.last_beat;
  const core::Duration open = now - since;
  if (open < config_.pause) return std::nullopt;
  // A waveform that stopped means the lead or device is lost, not the heart,
  // unless the device went on flagging beats after it; without a live
  // waveform an open pause is believed for kBeatOnlyPauseLimit.
  const bool waveform_live = streaming(ecg_, now);
  const bool beats_outlived_waveform = present(ecg_) && *t.last_beat > ecg_.next_expected;
  if (present(ecg_) && !waveform_live && !beats_outlived_waveform) return std::nullopt;
  if (!waveform_live && open > kBeatOnlyPauseLimit) return std::nullopt;
  // An ECG analysed outside comes in blocks: the gap is only known up to what
  // the detector has seen, not up to now (a 1 s block arrives ~1 s late).
  if (ecg_.external && waveform_live && ecg_seen_until(now) - since < config_.pause) return std::nullopt;
  const bool poor = ecg_.poor_since.has_value() || (ecg_.poor_until && *ecg_.poor_until >= since);
  return Pause{since, open, true, poor};
}

void RhythmAnalyzer::fill_rate(const Track& t, core::TimePoint now, RhythmState& s) const {
  if (t.rr.size() < kMinRateIntervals || !t.last_beat) return;
  // While the current interval runs longer than the usual one, the rate is
  // already at most 60 / (that interval): bradycardia shows without waiting
  // for the next beat. Beats arrive late by the detector's decision time and
  // the link's buffering; that much of the open interval is not counted.
  const bool blocks = &t == &track(BeatSource::ecg) && ecg_.external && streaming(ecg_, now);
  const double open = blocks ? core::to_seconds(ecg_seen_until(now) - *t.last_beat)
                             : core::to_seconds(now - *t.last_beat) - core::to_seconds(kBeatLatencyAllowance);
  const double rr = std::max(interquartile_mean(t.rr), open);
  s.ventricular_rate_bpm = 60.0 / rr;
  s.tachycardia = *s.ventricular_rate_bpm > config_.tachycardia_bpm;
  s.bradycardia = *s.ventricular_rate_bpm < config_.bradycardia_bpm;
}

RhythmState RhythmAnalyzer::state(core::TimePoint now) const {
  RhythmState s;
  const auto ongoing = ongoing_pause(now);
  s.pause = ongoing ? ongoing : last_pause_;

  // A waveform that stopped or went flat loses its source, unless the device
  // has gone on flagging beats of that kind since the waveform stopped.
  auto lost = [&](const auto& waveform, BeatSource src) {
    if (!present(waveform)) return false;
    if (streaming(waveform, now) && !waveform.flat) return false;
    const Track& t = track(src);
    return !(t.last_beat && *t.last_beat > waveform.next_expected);
  };
  const bool ecg_lost = lost(ecg_, BeatSource::ecg);
  s.ecg_artefact =
      present(ecg_) && !ecg_lost && ecg_.artefact_until && now - *ecg_.artefact_until < config_.artefact_hold;
  const bool pleth_lost = lost(pleth_, BeatSource::pulse);
  auto fresh = [&](BeatSource src) {
    if (src == BeatSource::ecg && ecg_lost) return false;
    if (src == BeatSource::pulse && pleth_lost) return false;
    const Track& t = track(src);
    return t.last_beat && now - *t.last_beat <= config_.source_timeout;
  };
  // Best fresh source with an assessment, else the best fresh one; an ECG in
  // a long pause stays the source only when nothing else delivers beats.
  constexpr BeatSource kPriority[] = {BeatSource::ecg, BeatSource::reported, BeatSource::pulse};
  std::optional<BeatSource> chosen;
  for (const auto src : kPriority) {
    if (fresh(src) && track(src).af.assessment().status == AfStatus::assessed) {
      chosen = src;
      break;
    }
  }
  for (const auto src : kPriority) {
    if (!chosen && fresh(src)) chosen = src;
  }
  if (!chosen && ongoing && !ecg_lost) chosen = BeatSource::ecg;
  if (!chosen) {
    s.unavailable = (ecg_lost || pleth_lost) ? Unavailable::signal_lost : Unavailable::no_beats;
    if (ecg_lost)
      s.source = BeatSource::ecg;
    else if (pleth_lost)
      s.source = BeatSource::pulse;
    return s;
  }
  s.source = chosen;
  const Track& t = track(*chosen);
  const AfAssessment& a = t.af.assessment();
  switch (a.status) {
    case AfStatus::assessed:
      s.unavailable = Unavailable::none;
      s.rhythm = a.af ? Rhythm::irregular_af : Rhythm::sinus;
      if (t.p_waves.size() >= config_.p_wave_beats / 2) {
        const double cap = config_.p_wave_match_cap;
        double sum = 0, capped = 0;
        for (const double m : t.p_waves) {
          sum += m;
          capped += std::clamp(m, -cap, cap);
        }
        s.p_wave_match = sum / static_cast<double>(t.p_waves.size());
        s.p_wave_evidence = capped / static_cast<double>(t.p_waves.size());
        const std::size_t recent = std::min(t.p_waves.size(), config_.p_wave_recent_beats);
        double recent_capped = 0;
        for (std::size_t k = t.p_waves.size() - recent; k < t.p_waves.size(); ++k)
          recent_capped += std::clamp(t.p_waves[k], -cap, cap);
        s.p_wave_recent_evidence = recent_capped / static_cast<double>(recent);
        if (*s.p_wave_evidence >= config_.p_wave_veto && *s.p_wave_recent_evidence >= config_.p_wave_veto)
          s.rhythm = Rhythm::sinus;
      }
      s.atrial = t.atrial;
      if (s.rhythm == Rhythm::irregular_af && flutter(t)) s.rhythm = Rhythm::atrial_flutter;
      s.af_evidence = a.probability;
      s.af_features = a.features;
      break;
    case AfStatus::warming_up:
      s.unavailable = Unavailable::warming_up;
      break;
    case AfStatus::poor_signal:
      s.unavailable = Unavailable::poor_signal;
      break;
  }
  if (a.status != AfStatus::poor_signal) fill_rate(t, now, s);
  return s;
}

}  // namespace vigil::alerts
