#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "tests/unit/shared_data.hpp"
#include "tools/validate/af_model_fit.hpp"
#include "tools/validate/af_scoring.hpp"
#include "tools/validate/qrs_scoring.hpp"
#include "tools/validate/validation_report.hpp"

using namespace vigil::validate;
using vigil::test::shared_data;

namespace {

// Regular beats for 200 s, irregular for 300 s, regular again: a synthetic
// record at 250 Hz with one AF episode.
AnnotatedRecord paroxysm() {
  AnnotatedRecord r;
  r.name = "synthetic";
  r.sampling_frequency = 250;
  std::uint32_t lcg = 12345;
  auto uniform = [&] {
    lcg = lcg * 1664525u + 1013904223u;
    return static_cast<double>(lcg >> 8) / 16777216.0;
  };
  double t = 1;
  while (t < 800) {
    r.beats.push_back(static_cast<std::int64_t>(t * 250));
    const bool af = t >= 200 && t < 500;
    t += af ? 0.4 + 0.6 * uniform() : 0.8 + 0.01 * uniform();
  }
  r.rhythm = {{0, "(N"}, {200 * 250, "(AFIB"}, {500 * 250, "(N"}};
  return r;
}
}  // namespace

TEST_CASE("beat matching counts each reference beat once within the window") {
  const std::vector<std::int64_t> ref{100, 200, 300, 400};
  const std::vector<std::int64_t> det{102, 150, 301, 399, 500};
  const DetectionScore s = match_beats(ref, det, 10);
  CHECK(s.true_positive == 3);
  CHECK(s.false_positive == 2);
  CHECK(s.false_negative == 1);
  CHECK(s.sensitivity() == doctest::Approx(0.75));
  CHECK(s.positive_predictivity() == doctest::Approx(0.6));
}

TEST_CASE(
    "smoke validation: our QRS detector on MIT-BIH 100 finds over 99.5 % of beats with over 99.5 % "
    "predictivity") {
  const auto data = shared_data();
  if (!data) return;
  const QrsRecordResult r = validate_qrs(*data + "/mitdb/100");
  CHECK(r.score.sensitivity() > 0.995);
  CHECK(r.score.positive_predictivity() > 0.995);
  CHECK(r.timing_error_ms < 20);
  CHECK(r.mean_quality > 0.9);
}

TEST_CASE("record 100 buried in 0.5 mV of noise: detections degrade and the quality index says so") {
  const auto data = shared_data();
  if (!data) return;
  const QrsRecordResult r = validate_qrs(*data + "/mitdb/100", 0, 0.5);
  CHECK(r.score.positive_predictivity() < 0.95);
  CHECK(r.mean_quality < 0.3);
}

TEST_CASE(
    "a synthetic paroxysm is one reference episode, detected within a minute, and scores both classes") {
  const AfScore s = score_af(paroxysm(), {});
  CHECK(s.reference_episodes == 1);
  CHECK(s.detected_episodes == 1);
  REQUIRE(s.median_delay());
  CHECK(*s.median_delay() < 60);
  CHECK(s.sensitivity() > 0.9);
  CHECK(s.specificity() > 0.95);
  CHECK(s.false_episodes == 0);
  CHECK(s.hours == doctest::Approx(0.22).epsilon(0.02));
}

TEST_CASE(
    "smoke validation on AF database record 04746 (AF and sinus rhythm): sensitivity and specificity above "
    "97 %") {
  const auto data = shared_data();
  if (!data) return;
  const AfScore s = score_af(load_annotated_record(*data + "/afdb-rr/04746"), {});
  CHECK(s.beats() > 47000);
  CHECK(s.sensitivity() > 0.97);
  CHECK(s.specificity() > 0.97);
  CHECK(s.positive_predictivity() > 0.97);
}

TEST_CASE(
    "through the ECG path (QRS detection, beat shapes, P waves from the signal), MIT-BIH 208's dense "
    "ventricular ectopy is not called AF and 201's AF episodes are") {
  const auto data = shared_data();
  if (!data) return;
  const AnnotatedRecord ectopy = load_annotated_record(*data + "/mitdb/208");
  CHECK(ectopy.path == "ecg-signal");
  CHECK(ectopy.shapes.size() == ectopy.beats.size());
  const AfScore e = score_af(ectopy, {});
  CHECK(e.beats() > 2900);
  CHECK(e.specificity() > 0.98);  // the interval path alone: 41-63 %

  const AfScore af = score_af(load_annotated_record(*data + "/mitdb/201"), {});
  CHECK(af.detected_episodes == af.reference_episodes);
  CHECK(af.sensitivity() > 0.9);
  CHECK(af.specificity() > 0.9);
}

TEST_CASE("the fitted model separates the synthetic paroxysm's AF from its sinus rhythm") {
  const AnnotatedRecord r = paroxysm();
  const LabelledFeatures f = collect_features(r, {});
  REQUIRE(f.features.size() > 500);
  const vigil::alerts::AfModel m = fit_af_model({&f});
  std::size_t right = 0, assessed = 0;
  for (std::size_t i = 0; i < f.features.size(); ++i) {
    if (!f.assessed[i]) continue;  // warm-up: no features
    ++assessed;
    right += (vigil::alerts::RrAfDetector::probability(f.features[i], m) > 0.5) == f.af[i] ? 1 : 0;
  }
  REQUIRE(assessed > 500);
  CHECK(static_cast<double>(right) / static_cast<double>(assessed) > 0.95);
}

TEST_CASE("the JSON report's total holds sensitivity, specificity and ppv as fractions") {
  std::ostringstream out;
  print_af_json(out, {{"synthetic", score_af(paroxysm(), {}), "interval", ""}}, "test");
  const std::string json = out.str();
  CHECK(json.find("\"total\":{") != std::string::npos);
  CHECK(json.find("\"sensitivity\":0.") != std::string::npos);
  CHECK(json.find("\"specificity\":0.") != std::string::npos);
  CHECK(json.find("\"ppv\":") != std::string::npos);
  CHECK(json_string("a\"b\\c\n\x01") == "\"a\\\"b\\\\c\\n\\u0001\"");
}

TEST_CASE(
    "the P-wave veto is fitted on the AF beats called AF: 95 % of their P-wave evidence stays below it") {
  LabelledFeatures f;
  vigil::alerts::AfFeatures irregular;  // AF-like: the default model calls it AF
  irregular.pattern_irregularity = 0.2;
  irregular.residual_irregularity = 0.2;
  irregular.unexplained_transitions = 0.6;
  irregular.entropy = 2.5;
  for (int i = 0; i < 100; ++i) {  // AF beats with evidence 0.00, 0.005, ... 0.495
    f.assessed.push_back(true);
    f.features.push_back(irregular);
    f.p_wave_evidence.push_back(i * 0.005);
    f.af.push_back(true);
  }
  for (int i = 0; i < 100; ++i) {  // sinus beats: their evidence does not move the veto
    f.assessed.push_back(true);
    f.features.push_back({});
    f.p_wave_evidence.push_back(0.95);
    f.af.push_back(false);
  }
  const vigil::alerts::RhythmConfig config;
  REQUIRE(vigil::alerts::RrAfDetector::probability(irregular, config.af.model) > config.af.enter_probability);
  // The 95th percentile is 0.475, rounded up to 0.05.
  CHECK(fit_p_wave_veto({&f}, config.af.model, config) == doctest::Approx(0.5));
}
