#pragma once
// A bed's rhythm conditions: atrial fibrillation (worded as an irregular
// pulse or rhythm when no ECG can confirm it, and as atrial flutter when the
// ECG shows flutter waves between irregular beats), pauses, rhythm analysis
// that cannot judge its beats, and a streamed ECG that is motion or electrode
// artefact (ecg_artefact: low, after the unavailable delay), and ventricular
// fibrillation judged from the ECG waveform (ventricular_fibrillation: high,
// vf_episode.hpp; whatever the artefact judgement says), and ventricular
// tachycardia judged from the shapes of the ECG beats
// (ventricular_tachycardia: high, vt_episode.hpp). It owns the bed's
// rhythm analysis and turns its state into condition reports for the alarm
// engine on every tick.
#include <optional>
#include <vector>

#include "alerts/alarm.hpp"
#include "alerts/alarm_profile.hpp"
#include "alerts/rhythm_analyzer.hpp"
#include "alerts/vf_episode.hpp"
#include "alerts/vt_episode.hpp"

namespace vigil::alerts {

class RhythmConditions {
 public:
  void on_beat(const Beat& beat);
  // The stretch of ECG waveform the daemon's QRS detector has looked at (see
  // RhythmAnalyzer::note_ecg_coverage); its beats come through on_beat.
  void on_ecg_coverage(core::TimePoint first, core::TimePoint end, double quality, bool flat,
                       bool artefact = false, bool vf_like = false) {
    analyzer_.note_ecg_coverage(first, end, quality, flat, artefact);
    vf_.on_coverage(first, end, vf_like, flat);
  }
  // The reports to give the engine now, in order. None while the rules are
  // off or before the first beat: a bed whose devices give no beat timing
  // has no rhythm to judge.
  std::vector<ConditionReport> check(const RhythmRules& rules, core::TimePoint now);
  RhythmState state(core::TimePoint now) const { return analyzer_.state(now); }

 private:
  ConditionReport atrial_fibrillation(const RhythmRules& rules, const RhythmState& s, core::TimePoint now);
  void add_pause(const RhythmState& s, std::vector<ConditionReport>& out);

  RhythmAnalyzer analyzer_;
  VfEpisode vf_;
  VtEpisode vt_;
  std::optional<core::TimePoint> last_beat_;
  std::optional<core::TimePoint> reported_pause_;  // the start of the last pause that ended
  // The AF episode: when the rhythm was last called AF, at what rate and
  // from which beats (held through gaps shorter than af_episode_hold).
  std::optional<core::TimePoint> af_last_called_;
  double af_last_rate_ = 0;
  std::optional<BeatSource> af_last_source_;
  std::optional<double> af_last_flutter_rate_;  // atrial rate when the last call was flutter
};

}  // namespace vigil::alerts
