#pragma once
// The simulated lead II through vigil's rhythm analysis (alerts::RhythmAnalyzer
// with its own QRS detector), a second at a time, as a monitor streaming the
// ECG feeds it. Shared by the rhythm tests of the simulator (flutter, AF).
#include <vector>

#include "alerts/rhythm_analyzer.hpp"
#include "sim/physiology.hpp"

namespace vigil::sim_test {

// Lead II from 0 to `seconds` into the analyzer; its state at the end.
inline alerts::RhythmState analyse_lead_ii(sim::PatientModel& m, int seconds) {
  using namespace std::chrono_literals;
  constexpr double kRate = 250;
  m.advance(std::chrono::seconds{seconds + 1});
  alerts::RhythmAnalyzer rhythm;
  const core::TimePoint t0{};
  for (int s = 0; s < seconds; ++s) {
    std::vector<float> x;
    for (int k = 0; k < static_cast<int>(kRate); ++k)
      x.push_back(static_cast<float>(m.ecg_lead_ii((s * static_cast<int>(kRate) + k) * 4ms)));
    rhythm.add_ecg_samples(t0 + std::chrono::seconds{s}, kRate, x);
  }
  return rhythm.state(t0 + std::chrono::seconds{seconds});
}

}  // namespace vigil::sim_test
