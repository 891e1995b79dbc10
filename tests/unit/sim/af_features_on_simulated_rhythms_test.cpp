// The AF detector's features, kept incrementally, against the same features
// computed from scratch on every beat of the simulator's own rhythms: sinus
// with a young adult's marked breathing swing, random and bigeminal
// ventricular ectopy, atrial premature beats, AF, flutter with variable
// block, a pause. The identity holds on what the drills and the bench feed
// the detector, not only on the unit tests' synthetic series.
#include <doctest/doctest.h>

#include "sim/heart_rhythm.hpp"
#include "tests/unit/alerts/rr_af_agreement.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

std::vector<std::pair<double, bool>> simulated_intervals(unsigned seed) {
  sim::BeatTrain train{seed, 1.0, 0.15};
  train.set_ectopics(5min, 8, sim::Ectopy::ventricular);
  train.set_ectopics(9min, 1, sim::Ectopy::bigeminy);
  train.set_ectopics(12min, 6, sim::Ectopy::atrial);
  train.set_ectopics(15min, 0);
  train.set_rhythm(16min, sim::Rhythm::atrial_fibrillation);
  train.set_flutter(26min, sim::Flutter{.atrial_rate = 300, .block = sim::FlutterBlock::variable});
  train.set_rhythm(30min, sim::Rhythm::sinus);
  train.add_pause(32min, 2500ms);
  train.advance(36min, [](core::Duration t) {
    return sim::BeatTrain::Drive{.heart_rate = t < 20min ? 70.0 : 115.0, .resp_rate = 12};
  });
  std::vector<std::pair<double, bool>> out;
  std::size_t k = 0;
  for (const sim::Beat& b : train.beats()) {
    if (b.rr <= core::Duration{}) continue;
    out.emplace_back(core::to_seconds(b.rr), ++k % 41 != 0);  // now and then a poor-quality beat
  }
  return out;
}

}  // namespace

TEST_CASE(
    "on the simulator's sinus arrhythmia, ectopy, AF and flutter the AF features kept beat by beat equal "
    "those computed from scratch, ECG and pulse timing") {
  for (const unsigned seed : {11u, 12u}) {
    CAPTURE(seed);
    const auto series = simulated_intervals(seed);
    alerts::AfDetectorConfig pulse;
    pulse.timing_noise = 20ms;
    for (const auto& config : {alerts::AfDetectorConfig{}, pulse}) {
      const auto seen = alerts::test::check_features_agree(config, series);
      CHECK(seen.assessed > 2000);
      CHECK(seen.af_called > 300);  // the AF stretch is called: the comparison covers both decisions
    }
  }
}
