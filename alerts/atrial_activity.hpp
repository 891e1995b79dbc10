#pragma once
// Atrial activity between beats, from the ECG: does one stable atrial cycle
// run through the stretches the ventricles leave free? Tells flutter
// (organised) from fibrillation (not). Pure: samples and R-wave indices in;
// no clock, no I/O.
//
// Why and how (docs/rhythm.md has the numbers):
//  - In atrial flutter one macro-reentrant circuit drives the atria at about
//    240-350/min (a cycle of 0.17-0.25 s), so the baseline between QRS-T
//    complexes is a train of identical flutter waves: it repeats itself
//    after one atrial cycle, whatever the conduction ratio. Fibrillatory
//    waves change in cycle and shape from one wave to the next, and a sinus
//    baseline holds one P wave and no repeating wave at all.
//  - Where: the stretch from the end of the previous beat's T wave to just
//    before this QRS (from 0.40 x sqrt(RR) s after the previous R wave,
//    Bazett's rate-dependent QT; 0.45 s after an ectopic beat, as for the
//    P wave; to 80 ms before the R wave). Only there is the ECG atrial
//    activity alone. Subtracting an average QRS-T complex instead would
//    also subtract the flutter waves whenever conduction is fixed (they
//    are then locked to the QRS and enter the average). At 2:1 conduction
//    and 150/min the stretch is shorter than one atrial cycle and says
//    nothing; the ventricles' regularity and rate speak there.
//  - Signal: the classifier's 0.5-40 Hz ECG; each stretch less its own
//    straight-line trend (the T wave's tail, baseline drift). Not a causal
//    band-pass over the whole ECG: it rings after every QRS and T wave into
//    the stretch (a clean 4:1 flutter then read 0.21 instead of 0.9).
//  - Measure: the autocorrelation of the stretch at lags of 0.12-0.30 s,
//    pooled over stretches (sums of products and energies per lag, each new
//    stretch weighing 1/8), its highest local peak: `regularity` (0-1) at
//    `cycle`. A stretch counts at a lag when it overlaps itself by at least
//    0.1 s and three quarters of the lag (shorter overlaps correlate by
//    chance), and a lag counts only while at least a quarter of the recent
//    stretches (pooled the same way) were long enough for it: otherwise one
//    long stretch after a pause speaks alone (MIT-BIH 208, where most
//    stretches are short). With variable 2:1-4:1 block only the 4:1
//    stretches are long enough, hence a quarter and not a half.
#include <cstdint>
#include <optional>
#include <vector>

#include "alerts/beat.hpp"

namespace vigil::alerts {

class AtrialActivity {
 public:
  explicit AtrialActivity(double sampling_hz);

  // Every sample of the 0.5-40 Hz ECG, in order.
  void add(double x);
  // The stretch between the beat at `previous_r` (ectopic or not) and the
  // conducted beat at `r`, then the pooled measure; nothing until enough
  // stretches have counted, or when the stretch is no longer kept.
  std::optional<AtrialWaves> beat(std::int64_t previous_r, bool previous_ectopic, std::int64_t r);

 private:
  double fs_;
  std::vector<double> ring_;
  std::int64_t n_ = 0;
  std::int64_t min_lag_, max_lag_, min_overlap_, before_qrs_, longest_;
  std::vector<double> products_, energy_early_, energy_late_;  // pooled, per lag from min_lag_
  std::vector<double> coverage_;  // pooled share of stretches long enough for each lag
  int stretches_ = 0;
};

}  // namespace vigil::alerts
