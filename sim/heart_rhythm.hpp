#pragma once
// The heartbeat as a train of beat times: sinus rhythm with the beat-to-beat
// variability of an adult at rest (breathing and slower waves, a little
// jitter), atrial fibrillation with irregularly irregular intervals,
// atrial flutter (the ventricles follow every second flutter wave, or a
// varying 2:1 / 4:1 share of them), premature (ectopic) beats: ventricular ones with their compensatory
// pause, at random or in strict bigeminy, and atrial ones that reset the sinus node; pauses;
// ventricular tachycardia (regular wide beats from one ventricular focus at the
// rate set, no P waves); and ventricular fibrillation, which has no beats at
// all until another rhythm ends it.
//
// Deterministic from its seed, whatever the steps it is advanced by: every
// beat is computed from the beat before it and from what was in force at
// that beat's time, and draws the same random numbers.
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "core/time.hpp"

namespace vigil::sim {

// Ventricular fibrillation: the ventricles quiver without a beat; no QRS
// on the ECG (ecg_wave.hpp draws the fibrillation), no pulse at the finger.
// Ventricular tachycardia: every beat a ventricular one (BeatKind::ectopic:
// wide QRS, no P wave), regular, at the heart rate driven; each still
// ejects, weakly at a fast rate (physiology.cpp's pleth).
enum class Rhythm {
  sinus,
  atrial_fibrillation,
  atrial_flutter,
  ventricular_fibrillation,
  ventricular_tachycardia
};
const char* rhythm_name(Rhythm r);

// Atrial flutter: one macro-reentrant circuit drives the atria at about
// 300 /min, too fast for the AV node to pass every wave. With 2:1 block the
// ventricles follow every second wave (a regular ~150 /min, the classic
// flutter that hides as a sinus tachycardia); with variable block the node
// passes every second or every fourth wave at random, so the intervals are
// irregular, but always whole multiples of the flutter cycle.
enum class FlutterBlock { two_to_one, variable };
struct Flutter {
  double atrial_rate = 300;  // /min
  FlutterBlock block = FlutterBlock::two_to_one;
};
// Where the flutter waves in force fall: one every `cycle` from `onset` on.
struct FlutterWaves {
  core::Duration onset{};
  core::Duration cycle{};
};
// From a flutter wave to the QRS it is conducted to.
constexpr core::Duration kFlutterConduction = std::chrono::milliseconds{240};

enum class BeatKind { normal, ectopic, atrial_premature };

// What `start ... beats` sets going: premature ventricular beats at random
// (each with a full compensatory pause), every other beat one (bigeminy),
// or premature atrial beats (narrow, no compensatory pause: the sinus node
// starts its next interval from the premature beat).
enum class Ectopy { ventricular, bigeminy, atrial };

struct Beat {
  core::Duration t{};
  BeatKind kind = BeatKind::normal;
  core::Duration rr{};  // interval since the beat before (0 for the first)
  // Ejects enough blood for a pulse at the finger. A premature ventricular
  // beat of a pulse deficit does not: the ECG counts it, the oximeter not.
  bool perfused = true;
};

class BeatTrain {
 public:
  // The mean heart rate (/min) and breathing rate (/min) at a time.
  struct Drive {
    double heart_rate = 75;
    double resp_rate = 14;
  };
  using DriveAt = std::function<Drive(core::Duration)>;

  // variability: 0 a perfectly regular sinus rhythm (for exact tests), 1 an
  // adult at rest. Atrial fibrillation is irregular whatever this says.
  // breathing_depth: the breathing-paced swing of the sinus interval, a
  // fraction of the mean (0.035 at rest; ~0.15 a young adult's marked
  // respiratory sinus arrhythmia).
  BeatTrain(unsigned seed, double variability, double breathing_depth = 0.035);

  // Atrial flutter this way is Flutter{}'s: 300 /min, 2:1 block.
  void set_rhythm(core::Duration at, Rhythm r);
  // Atrial flutter from `at` (another rhythm ends it). Ectopic beats are not
  // drawn while it lasts.
  void set_flutter(core::Duration at, Flutter f);
  // per_minute is ignored for bigeminy (every other beat) but for 0, which stops it.
  void set_ectopics(core::Duration at, double per_minute, Ectopy kind = Ectopy::ventricular,
                    bool pulse_deficit = false);
  // The interval running at `at` lasts `length` instead: no beat for that long.
  void add_pause(core::Duration at, core::Duration length);

  // Computes every beat up to t.
  void advance(core::Duration t, const DriveAt& drive);

  const std::vector<Beat>& beats() const { return beats_; }
  // Beats in (from, to].
  std::vector<Beat> between(core::Duration from, core::Duration to) const;
  std::optional<Beat> last_at_or_before(core::Duration t, bool perfused_only = false) const;
  // The rate a monitor shows at t: 60 over the mean of the last n intervals
  // (of the beats that reach the finger, for an oximeter's pulse rate).
  std::optional<double> shown_rate(core::Duration t, std::size_t n = 8, bool perfused_only = false) const;
  Rhythm rhythm_at(core::Duration t) const;
  std::optional<FlutterWaves> flutter_at(core::Duration t) const;

 private:
  void plan_next(const Beat& from, const Drive& d);
  double sinus_interval(core::Duration at, double mean_s, double resp_rate);
  double af_interval(double mean_s);
  core::Duration flutter_beat(const Beat& from, const FlutterWaves& w);

  std::mt19937 rng_;
  double variability_;
  double breathing_depth_;
  std::map<core::Duration, Rhythm> rhythm_changes_;
  std::map<core::Duration, Flutter> flutter_changes_;
  struct EctopySetting {
    double per_minute = 0;
    Ectopy kind = Ectopy::ventricular;
    bool pulse_deficit = false;
  };
  std::map<core::Duration, EctopySetting> ectopic_changes_;
  std::map<core::Duration, core::Duration> pauses_;
  std::vector<Beat> beats_;
  std::optional<Beat> next_;
  std::optional<core::Duration> compensate_to_;  // after an ectopic beat, the next normal beat's time
  double slow_wave_phase_ = 0;
};

}  // namespace vigil::sim
