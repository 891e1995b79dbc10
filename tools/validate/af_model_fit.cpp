#include "tools/validate/af_model_fit.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace vigil::validate {

namespace {

constexpr std::size_t kParams = 5;
using Vector = std::array<double, kParams>;
using Matrix = std::array<Vector, kParams>;

Vector inputs(const alerts::AfFeatures& f) {
  return {std::log(std::max(f.pattern_irregularity, 1e-3)), std::log(std::max(f.residual_irregularity, 1e-3)),
          f.unexplained_transitions, 1.0, f.entropy};
}

// Solves a x = b for the small symmetric positive definite system.
Vector solve(Matrix a, Vector b) {
  for (std::size_t c = 0; c < kParams; ++c) {
    for (std::size_t r = c + 1; r < kParams; ++r) {
      const double f = a[r][c] / a[c][c];
      for (std::size_t k = c; k < kParams; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  Vector x{};
  for (std::size_t c = kParams; c-- > 0;) {
    double s = b[c];
    for (std::size_t k = c + 1; k < kParams; ++k) s -= a[c][k] * x[k];
    x[c] = s / a[c][c];
  }
  return x;
}

}  // namespace

LabelledFeatures collect_features(const AnnotatedRecord& record, const AfRunOptions& options) {
  LabelledFeatures out;
  RhythmLookup reference{record.rhythm};
  replay_record(record, options, [&](std::int64_t sample, double, const alerts::RhythmState& state) {
    const std::string* label = reference.at(sample);
    if (label == nullptr) return;
    out.assessed.push_back(state.available());
    out.features.push_back(state.af_features);
    out.p_wave_evidence.push_back(state.p_wave_evidence);
    out.af.push_back(*label == "(AFIB");
  });
  return out;
}

alerts::AfModel fit_af_model(const std::vector<const LabelledFeatures*>& training) {
  double positives = 0, total = 0;
  for (const auto* t : training) {
    for (std::size_t n = 0; n < t->af.size(); ++n) {
      if (!t->assessed[n]) continue;
      positives += t->af[n] ? 1 : 0;
      total += 1;
    }
  }
  if (positives == 0 || positives == total) return alerts::default_af_model();
  const double weight_af = total / (2 * positives), weight_other = total / (2 * (total - positives));

  Vector beta{};
  for (int iteration = 0; iteration < 30; ++iteration) {
    Vector gradient{};
    Matrix hessian{};
    for (const auto* t : training) {
      for (std::size_t n = 0; n < t->features.size(); ++n) {
        if (!t->assessed[n]) continue;
        const Vector x = inputs(t->features[n]);
        double z = 0;
        for (std::size_t k = 0; k < kParams; ++k) z += beta[k] * x[k];
        const double p = 1 / (1 + std::exp(-z));
        const double y = t->af[n] ? 1.0 : 0.0;
        const double w = t->af[n] ? weight_af : weight_other;
        for (std::size_t a = 0; a < kParams; ++a) {
          gradient[a] += w * (y - p) * x[a];
          for (std::size_t b = 0; b < kParams; ++b) hessian[a][b] += w * p * (1 - p) * x[a] * x[b];
        }
      }
    }
    for (std::size_t a = 0; a < kParams; ++a) hessian[a][a] += 1e-6 * total;
    const Vector step = solve(hessian, gradient);
    double change = 0;
    for (std::size_t k = 0; k < kParams; ++k) {
      beta[k] += step[k];
      change = std::max(change, std::abs(step[k]));
    }
    if (change < 1e-6) break;
  }
  return {beta[0], beta[1], beta[2], beta[3], beta[4]};
}

double fit_p_wave_veto(const std::vector<const LabelledFeatures*>& training, const alerts::AfModel& model,
                       const alerts::RhythmConfig& config) {
  // The AF calls before the veto: the detector's hysteresis on the
  // probability, with its predictability veto, reset where the analysis was
  // unavailable (as RrAfDetector does). Of the AF beats called AF, the P-wave
  // evidence.
  std::vector<double> af_matches;
  for (const auto* t : training) {
    bool was_af = false;
    for (std::size_t n = 0; n < t->af.size(); ++n) {
      bool called = false;
      if (t->assessed[n]) {
        const double p = alerts::RrAfDetector::probability(t->features[n], model);
        called = was_af ? p >= config.af.leave_probability : p > config.af.enter_probability;
        if (t->features[n].predictability >= config.af.max_af_predictability) called = false;
      }
      was_af = called;
      if (called && t->af[n] && t->p_wave_evidence[n]) af_matches.push_back(*t->p_wave_evidence[n]);
    }
  }
  if (af_matches.empty()) return config.p_wave_veto;
  std::sort(af_matches.begin(), af_matches.end());
  const auto at =
      std::min(af_matches.size() - 1,
               static_cast<std::size_t>(kAtrialVetoKeeps * static_cast<double>(af_matches.size())));
  // Rounded up to 0.05: a threshold, not a measurement.
  return std::ceil(af_matches[at] * 20.0) / 20.0;
}

CrossValidation cross_validate_af(const std::vector<AnnotatedRecord>& records, const AfRunOptions& options) {
  std::vector<LabelledFeatures> features;
  for (const auto& r : records) features.push_back(collect_features(r, options));
  CrossValidation cv;
  for (std::size_t held_out = 0; held_out < records.size(); ++held_out) {
    std::vector<const LabelledFeatures*> training;
    for (std::size_t k = 0; k < records.size(); ++k) {
      if (k != held_out) training.push_back(&features[k]);
    }
    AfRunOptions run = options;
    run.config.af.model = fit_af_model(training);
    run.config.p_wave_veto = fit_p_wave_veto(training, run.config.af.model, options.config);
    cv.records.push_back(records[held_out].name);
    cv.scores.push_back(score_af(records[held_out], run));
    cv.models.push_back(run.config.af.model);
    cv.p_wave_vetoes.push_back(run.config.p_wave_veto);
  }
  return cv;
}

}  // namespace vigil::validate
