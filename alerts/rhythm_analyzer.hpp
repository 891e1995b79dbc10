#pragma once
// Per-bed rhythm analysis: beats (and, when a device streams them, ECG and
// pleth samples) in; one small state out: rhythm, AF evidence, ventricular
// rate, rate limits, availability and pauses. Pure and single-threaded: time
// only comes in as arguments, so a replay gives the same answers every time.
//
// The daemon calls, for each bed:
//   add_beat(beat)                                  beats a device flagged
//   add_ecg_samples(t0, fs, mv) / add_pleth_samples  waveforms, if streamed
//   state(now)                                      whenever it evaluates rules
// and the alarm engine turns the state into alarms with its own delays.
//
// Sources: beats are kept per source (ECG, reported, pulse). The analysis
// uses the best fresh source in that order whose window passes the quality
// gate; beats of different sources are never mixed in one interval series
// (an ECG beat and the pulse it causes are one heartbeat, not two).
// While samples of a waveform flow, beats of that kind supplied by add_beat
// are ignored: the analyzer's own detector already finds them.
//
// Pauses are taken from ECG beats only (a missing pulse is as often the
// probe as the heart). A pause is reported while it lasts, from 3 s after
// the last beat, and stays in the state as the most recent pause after beats
// resume, so a poller cannot miss one; the alarm engine tells pauses apart by
// their start time.
#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "alerts/beat.hpp"
#include "alerts/pulse_onset_detector.hpp"
#include "alerts/qrs_detector.hpp"
#include "alerts/rr_af_detector.hpp"
#include "core/time.hpp"

namespace vigil::alerts {

struct RhythmConfig {
  AfDetectorConfig af{};                                              // for ECG and reported beats
  core::Duration pulse_timing_noise = std::chrono::milliseconds{20};  // jitter assumed for pulse beats
  double min_beat_quality = 0.5;  // below: the beat's intervals are not used
  core::Duration pause = std::chrono::seconds{3};
  core::Duration source_timeout = std::chrono::seconds{10};  // a source silent this long is not used
  double tachycardia_bpm = 120;
  double bradycardia_bpm = 50;
  std::size_t rate_intervals = 16;  // ventricular rate over the last N intervals
  // Atrial activity (ECG beats with a P-wave match): when the P-wave
  // evidence of the last `p_wave_beats` conducted beats that have a match
  // (RhythmState::p_wave_evidence) is at least `p_wave_veto`, the atria are
  // organised and the rhythm is not called AF, however irregular the
  // intervals. A P wave locked to its QRS matches its running average beat
  // after beat (means of 0.8-1 in sinus rhythm); fibrillatory waves have no
  // fixed phase against the QRS, so their matches scatter on both sides of 0
  // (means of 0-0.3). The evidence is the mean of the matches, each first
  // capped at +-`p_wave_match_cap`: a small P wave in noise matches only
  // moderately (MIT-BIH 200: around 0.4) but never in anti-phase, and keeps
  // its full weight, while a coarse fibrillatory wave that happens to fall
  // in phase with the average (0.9 and more, as in MIT-BIH 219) weighs no
  // more than one that falls against it (-0.6), so a few of them cannot
  // outvote the rest. The default veto is fitted on annotated records
  // (vigil-validate af --fit; docs/rhythm.md).
  double p_wave_veto = 0.30;
  double p_wave_match_cap = 0.5;
  std::size_t p_wave_beats = 32;
  // The veto also needs the evidence of the last `p_wave_recent_beats` of
  // those beats at the threshold: P waves now, not only in the window's
  // older half. At an AF onset the window still holds the sinus beats
  // before it, whose P waves kept vetoing the new AF for up to 32 beats
  // (MIT-BIH 219, 201). A trade, not a free gain: small, noisy P waves in
  // ventricular bigeminy (MIT-BIH 200, 106) fall below the threshold over
  // 16 beats more often than over 32 (docs/rhythm.md has the figures).
  std::size_t p_wave_recent_beats = 16;
  // Atrial flutter (ECG beats with atrial activity, RhythmState::atrial):
  // a window that would be called AF is called flutter instead when, on at
  // least `flutter_votes` of the last `flutter_beats` conducted beats, the
  // baseline between the beats repeated itself after one atrial cycle of
  // 60/350 to 60/240 s (flutter's 240-350/min) with a pooled autocorrelation
  // of at least `flutter_regularity`. Flutter is a sustained circuit; coarse
  // AF organises for a few beats at a time (MIT-BIH 201: 6 beats in a row).
  // Only an irregular window is relabelled:
  // a sinus baseline with a T-wave tail and a P wave a flutter cycle apart
  // also repeats once (MIT-BIH 100, 112, 118: up to 0.84), and a regular
  // rhythm is not AF anyway. Set from the synthetic flutter and AF signals,
  // not fitted (docs/rhythm.md).
  double flutter_regularity = 0.6;
  double flutter_shortest_cycle_s = 60.0 / 350;
  double flutter_longest_cycle_s = 60.0 / 240;
  std::size_t flutter_beats = 16;
  std::size_t flutter_votes = 12;
  // The ECG counts as artefact (RhythmState::ecg_artefact) until this long
  // after the last stretch its detector judged artefact: motion comes in
  // bursts of a few seconds, and the condition staff see must not flicker
  // between them.
  core::Duration artefact_hold = std::chrono::seconds{5};
};

// Rhythm as RR intervals can tell it: `sinus` means no AF-like irregularity
// (sinus rhythm, possibly with ectopic beats, or another organised rhythm:
// RR intervals cannot see P waves or flutter waves). `atrial_flutter`: an
// irregular ventricular response over regular flutter waves (ECG only;
// flutter with fixed conduction is regular and stays `sinus`).
enum class Rhythm { unknown, sinus, irregular_af, atrial_flutter };

// Why rhythm analysis is unavailable (a technical condition, not a rhythm).
enum class Unavailable {
  none,
  no_beats,     // no source has delivered beats recently
  warming_up,   // fewer beats than the analysis window so far
  poor_signal,  // too many beats of poor quality or implausible intervals
  signal_lost,  // a streamed waveform stopped arriving or went flat
};

constexpr std::string_view rhythm_name(Rhythm r) {
  switch (r) {
    case Rhythm::unknown:
      return "unknown";
    case Rhythm::sinus:
      return "sinus";
    case Rhythm::irregular_af:
      return "irregular_af";
    case Rhythm::atrial_flutter:
      return "atrial_flutter";
  }
  return "unknown";
}

constexpr std::string_view unavailable_name(Unavailable u) {
  switch (u) {
    case Unavailable::none:
      return "none";
    case Unavailable::no_beats:
      return "no_beats";
    case Unavailable::warming_up:
      return "warming_up";
    case Unavailable::poor_signal:
      return "poor_signal";
    case Unavailable::signal_lost:
      return "signal_lost";
  }
  return "unknown";
}

struct Pause {
  core::TimePoint start{};  // the last ECG beat before the gap
  core::Duration length{};  // so far, while ongoing
  bool ongoing = false;
  // The ECG waveform was flat or of poor quality during the gap: the pause
  // may be a lead problem rather than asystole. Still reported (a missed
  // asystole is worse than a false alarm); the engine may word it so.
  bool poor_signal = false;
};

struct RhythmState {
  Rhythm rhythm = Rhythm::unknown;
  Unavailable unavailable = Unavailable::no_beats;  // none when rhythm is known
  std::optional<BeatSource> source;                 // what the analysis (or the failure) is about
  double af_evidence = 0;                           // AF probability over the window, 0-1
  AfFeatures af_features{};                         // what af_evidence came from (when available)
  std::optional<double> ventricular_rate_bpm;
  bool tachycardia = false;    // rate above config.tachycardia_bpm
  bool bradycardia = false;    // rate below config.bradycardia_bpm
  std::optional<Pause> pause;  // ongoing, else the most recent one

  // The mean P-wave match of the recent conducted ECG beats (-1..1); absent
  // without enough such beats (pulse or reported beats).
  std::optional<double> p_wave_match;
  // What the P-wave veto weighs: the same beats' matches, each capped at
  // +-RhythmConfig::p_wave_match_cap, averaged.
  std::optional<double> p_wave_evidence;
  // The same over the last RhythmConfig::p_wave_recent_beats of them.
  std::optional<double> p_wave_recent_evidence;
  // The atrial activity between the latest conducted ECG beats (cycle and
  // regularity); absent for other sources and while it builds up.
  std::optional<AtrialWaves> atrial;
  // The streamed ECG is motion or electrode artefact now or was within
  // RhythmConfig::artefact_hold (alerts/ecg_artefact.hpp); its beats
  // meanwhile carry a quality below the gate, so the AF analysis leaves
  // their intervals out.
  bool ecg_artefact = false;

  bool available() const { return unavailable == Unavailable::none; }
};

class RhythmAnalyzer {
 public:
  explicit RhythmAnalyzer(RhythmConfig config = {});

  // Beats must come in time order per source; an older beat is ignored.
  void add_beat(const Beat& beat);
  // A block of waveform samples (ECG in mV; pleth in any unit) whose first
  // sample was taken at `first`. A gap or overlap of more than 0.5 s against
  // the previous block, or a new rate, restarts the detector.
  void add_ecg_samples(core::TimePoint first, double sampling_hz, std::span<const float> samples);
  void add_pleth_samples(core::TimePoint first, double sampling_hz, std::span<const float> samples);
  // For an ECG detector run outside the analyzer (the daemon runs one per
  // device and lead and gives its beats, with their quality, to add_beat):
  // the stretch of waveform it has looked at and how that looked. The ECG
  // then counts as streaming, so when it stops the state says signal_lost
  // instead of a pause, and a pause over a flat or poor stretch says so.
  void note_ecg_coverage(core::TimePoint first, core::TimePoint end, double quality, bool flat,
                         bool artefact = false);

  RhythmState state(core::TimePoint now) const;

 private:
  struct Track {
    explicit Track(const AfDetectorConfig& c) : af{c} {}
    RrAfDetector af;
    std::optional<core::TimePoint> last_beat;
    bool last_good = false;
    std::vector<double> rr;  // recent usable intervals, seconds, oldest first
    // Ventricular beats are left out of the AF analysis: the last beat that
    // was not one, and how many have come since (see feed_af).
    std::optional<core::TimePoint> last_conducted;
    bool last_conducted_good = false;
    int ventricular_since = 0;
    // Vectors, not deques: a bed has three tracks and most get no conducted
    // ECG beats, and an empty deque takes 576 bytes (docs/journal.md,
    // "Memory at 128 beds, fourth round"); the windows are a few dozen.
    std::vector<double> p_waves;        // conducted beats with a P-wave match: the match
    std::optional<AtrialWaves> atrial;  // as of the latest conducted beat
    std::vector<bool> flutter_votes;    // recent conducted beats: flutter waves as of each
  };
  template <typename Detector>
  struct Waveform {
    // On the heap, made with the waveform's first block: held inline, the
    // QRS detector took 2 kB of every bed, and vigild runs its ECG
    // detectors outside (note_ecg_coverage).
    std::unique_ptr<Detector> detector;
    bool external = false;        // samples analysed outside (note_ecg_coverage)
    bool flat = false;            // as of the latest block
    core::Duration silence{};     // how long without a block means the stream stopped
    core::TimePoint start{};      // time of sample 0 of the detector
    core::TimePoint run_start{};  // where the latest unbroken stretch of blocks began
    core::TimePoint next_expected{};
    std::optional<core::TimePoint> poor_since;      // flat or poor quality now
    std::optional<core::TimePoint> poor_until;      // end of the latest poor stretch
    std::optional<core::TimePoint> artefact_until;  // end of the latest stretch judged artefact
  };

  Track& track(BeatSource s) { return tracks_[static_cast<std::size_t>(s)]; }
  const Track& track(BeatSource s) const { return tracks_[static_cast<std::size_t>(s)]; }
  void accept_beat(const Beat& beat);
  void feed_af(Track& t, const Beat& beat, bool good);
  bool flutter_waves(const std::optional<AtrialWaves>& atrial) const;
  bool flutter(const Track& t) const;
  void note_ecg_pause(core::TimePoint previous, core::TimePoint now);
  template <typename Detector>
  bool streaming(const Waveform<Detector>& w, core::TimePoint now) const;
  template <typename Detector>
  static bool present(const Waveform<Detector>& w) {
    return w.detector != nullptr || w.external;
  }
  std::optional<Pause> ongoing_pause(core::TimePoint now) const;
  core::TimePoint ecg_seen_until(core::TimePoint now) const;
  void fill_rate(const Track& t, core::TimePoint now, RhythmState& s) const;
  template <typename Detector>
  bool restart_needed(const Waveform<Detector>& w, core::TimePoint first, double fs) const;

  RhythmConfig config_;
  std::array<Track, 3> tracks_;
  Waveform<QrsDetector> ecg_;
  Waveform<PulseOnsetDetector> pleth_;
  std::optional<Pause> last_pause_;
};

}  // namespace vigil::alerts
