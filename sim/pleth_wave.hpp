#pragma once
// A photoplethysmogram for simulated oximeters: one pulse per heartbeat,
// a fast upstroke and a slower decay with a dicrotic notch, with the beat
// instants kept so beat flags line up with the waveform.
#include "core/time.hpp"

namespace vigil::sim {

class PlethWave {
 public:
  // Advances by dt at the given heart rate; returns the sample in 0..1 and
  // whether a new beat started within this step.
  struct Sample {
    double value;
    bool beat;
  };
  Sample step(core::Duration dt, double heart_rate);

 private:
  double phase_ = 0;  // 0..1 through the current beat
};

}  // namespace vigil::sim
