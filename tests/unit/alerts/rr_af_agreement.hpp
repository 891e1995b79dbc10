#pragma once
// Feeds a series of RR intervals to an RrAfDetector and, on every beat it
// assesses, holds its features (from the orders it keeps as intervals come
// and go) to RrAfDetector::features_from_scratch on the same window: every
// feature equal bit for bit, so the validated figures describe what runs.
#include <doctest/doctest.h>

#include <chrono>
#include <deque>
#include <utility>
#include <vector>

#include "alerts/rr_af_detector.hpp"

namespace vigil::alerts::test {

struct Agreement {
  std::size_t assessed = 0;   // beats compared
  std::size_t af_called = 0;  // of them, called AF
};

// `series`: (seconds, usable) per interval, oldest first.
inline Agreement check_features_agree(const AfDetectorConfig& config,
                                      const std::vector<std::pair<double, bool>>& series) {
  RrAfDetector detector{config};
  const std::size_t window = detector.config().window;
  std::deque<std::pair<double, bool>> mirror;
  Agreement seen;
  for (const auto& [rr, good] : series) {
    const auto d = std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(rr));
    detector.add(d, good);
    const double seconds = core::to_seconds(d);
    mirror.emplace_back(seconds, good && seconds >= 0.2 && seconds <= 3.0);
    if (mirror.size() > window) mirror.pop_front();
    if (detector.assessment().status != AfStatus::assessed) continue;
    ++seen.assessed;
    seen.af_called += detector.assessment().af ? 1 : 0;
    std::vector<double> lengths;
    std::vector<bool> usable;
    for (const auto& [s, u] : mirror) {
      lengths.push_back(s);
      usable.push_back(u);
    }
    const AfFeatures expected = RrAfDetector::features_from_scratch(lengths, usable, config);
    const AfFeatures& got = detector.assessment().features;
    REQUIRE(got.pattern_irregularity == expected.pattern_irregularity);
    REQUIRE(got.residual_irregularity == expected.residual_irregularity);
    REQUIRE(got.unexplained_transitions == expected.unexplained_transitions);
    REQUIRE(got.entropy == expected.entropy);
    REQUIRE(got.predictability == expected.predictability);
  }
  return seen;
}

}  // namespace vigil::alerts::test
