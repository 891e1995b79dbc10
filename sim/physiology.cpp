#include "sim/physiology.hpp"

#include <algorithm>
#include <cmath>

#include "sim/ecg_wave.hpp"
#include "sim/pleth_wave.hpp"

namespace vigil::sim {
namespace {

// Ketamine's sympathetic surge: heart rate rises about a third as much, in
// percent, as systolic pressure.
constexpr double kRateFollowsPressure = 0.3;
// Oximeters' averaging is a moving window; half-second steps are smooth
// enough for a display rounded to whole percent.
constexpr core::Duration kAveragingStep = std::chrono::milliseconds{500};

}  // namespace

const char* param_name(Param p) {
  switch (p) {
    case Param::heart_rate:
      return "heart rate";
    case Param::spo2:
      return "spo2";
    case Param::perfusion_index:
      return "perfusion index";
    case Param::systolic:
      return "systolic";
    case Param::diastolic:
      return "diastolic";
    case Param::resp_rate:
      return "respiratory rate";
  }
  return "?";
}

double Vitals::get(Param p) const {
  switch (p) {
    case Param::heart_rate:
      return heart_rate;
    case Param::spo2:
      return spo2;
    case Param::perfusion_index:
      return perfusion_index;
    case Param::systolic:
      return systolic;
    case Param::diastolic:
      return diastolic;
    case Param::resp_rate:
      return resp_rate;
  }
  return 0;
}

void Vitals::set(Param p, double v) {
  switch (p) {
    case Param::heart_rate:
      heart_rate = v;
      break;
    case Param::spo2:
      spo2 = v;
      break;
    case Param::perfusion_index:
      perfusion_index = v;
      break;
    case Param::systolic:
      systolic = v;
      break;
    case Param::diastolic:
      diastolic = v;
      break;
    case Param::resp_rate:
      resp_rate = v;
      break;
  }
}

PatientModel::PatientModel(Vitals baseline, unsigned seed, ModelSettings settings)
    : baseline_{baseline},
      seed_{seed},
      settings_{settings},
      beats_{seed, settings.variability, settings.breathing_depth} {}

void PatientModel::ramp(Param p, double target, core::Duration at_time, core::Duration over) {
  const double from = value(p, at_time);
  auto& list = ramps_[p];
  std::erase_if(list, [&](const Ramp& r) { return r.start >= at_time; });
  list.push_back(Ramp{at_time, over, from, target});
}

void PatientModel::surge(double systolic, double diastolic, core::Duration at_time, core::Duration over) {
  const double sys0 = value(Param::systolic, at_time);
  const double hr0 = value(Param::heart_rate, at_time);
  const double rise = sys0 > 0 ? systolic / sys0 - 1 : 0;
  ramp(Param::systolic, systolic, at_time, over);
  ramp(Param::diastolic, diastolic, at_time, over);
  ramp(Param::heart_rate, hr0 * (1 + kRateFollowsPressure * rise), at_time, over);
}

void PatientModel::apnoea(core::Duration at_time, core::Duration length, ApnoeaResponse r) {
  const double resp0 = value(Param::resp_rate, at_time);
  const double spo2_0 = value(Param::spo2, at_time);
  ramp(Param::resp_rate, 0, at_time, {});
  ramp(Param::resp_rate, resp0, at_time + length, {});
  if (length <= r.reserve) return;
  const double fall = std::min(spo2_0 - r.floor, r.fall_per_s * core::to_seconds(length - r.reserve));
  if (fall <= 0) return;
  ramp(Param::spo2, spo2_0 - fall, at_time + r.reserve, core::from_seconds(fall / r.fall_per_s));
  ramp(Param::spo2, spo2_0, at_time + length + r.recovery_delay, core::from_seconds(fall / r.rise_per_s));
}

double PatientModel::value(Param p, core::Duration t) const {
  double v = baseline_.get(p);
  auto it = ramps_.find(p);
  if (it == ramps_.end()) return v;
  for (const auto& r : it->second) {
    if (t < r.start) break;
    const double span = core::to_seconds(r.over);
    const double done = span <= 0 ? 1.0 : std::clamp(core::to_seconds(t - r.start) / span, 0.0, 1.0);
    v = r.from + (r.to - r.from) * done;
  }
  return v;
}

Vitals PatientModel::at(core::Duration t) const {
  Vitals v;
  for (Param p : {Param::heart_rate, Param::spo2, Param::perfusion_index, Param::systolic, Param::diastolic,
                  Param::resp_rate})
    v.set(p, value(p, t));
  return v;
}

void PatientModel::advance(core::Duration t) {
  beats_.advance(t, [this](core::Duration when) {
    return BeatTrain::Drive{value(Param::heart_rate, when), value(Param::resp_rate, when)};
  });
}

Vitals PatientModel::shown(core::Duration t) const {
  Vitals v = at(t);
  v.heart_rate = beats_.shown_rate(t).value_or(v.heart_rate);
  v.pulse_rate = beats_.shown_rate(t, 8, true).value_or(v.heart_rate);
  const auto seen = t - settings_.oximeter_delay;
  const auto steps = std::max<std::int64_t>(1, settings_.oximeter_averaging / kAveragingStep);
  double sum = 0;
  for (std::int64_t k = 0; k < steps; ++k) sum += value(Param::spo2, seen - k * kAveragingStep);
  v.spo2 = sum / static_cast<double>(steps);
  return v;
}

Vitals PatientModel::measured(core::Duration t, double noise, std::mt19937& rng) const {
  Vitals v = shown(t);
  if (noise > 0) {
    std::normal_distribution<double> n{0.0, noise};
    const double rate_noise = n(rng);  // one sensor's error on both counts of one heart
    v.heart_rate += rate_noise;
    v.pulse_rate += rate_noise;
    v.spo2 += n(rng) * 0.5;
    v.systolic += n(rng) * 2;
    v.diastolic += n(rng) * 1.5;
    v.perfusion_index += n(rng) * 0.1;
  }
  v.heart_rate = std::round(std::clamp(v.heart_rate, 0.0, 300.0));
  v.pulse_rate = std::round(std::clamp(v.pulse_rate, 0.0, 300.0));
  v.spo2 = std::round(std::clamp(v.spo2, 0.0, 100.0));
  v.systolic = std::round(std::clamp(v.systolic, 0.0, 300.0));
  v.diastolic = std::round(std::clamp(v.diastolic, 0.0, 250.0));
  v.perfusion_index = std::round(std::clamp(v.perfusion_index, 0.0, 20.0) * 100) / 100;
  v.resp_rate = std::round(std::clamp(v.resp_rate, 0.0, 80.0));
  return v;
}

double PatientModel::pleth(core::Duration t) const {
  const auto beat = beats_.last_at_or_before(t, true);  // a beat without a pulse leaves no wave
  if (!beat) return 0;
  // A short interval fills the ventricle less: a weaker pulse (the pulse
  // deficit of fast AF); an ectopic beat is weaker still.
  const double rr = beat->rr.count() > 0 ? core::to_seconds(beat->rr) : 1.0;
  double amplitude = std::clamp((rr - 0.25) / 0.45, 0.3, 1.0);
  if (beat->kind == BeatKind::ectopic) amplitude *= 0.6;
  amplitude *= std::clamp(value(Param::perfusion_index, t) / 4.0, 0.05, 1.0);
  return amplitude * pulse_shape(t - beat->t);
}

std::optional<core::Duration> PatientModel::last_pulse(core::Duration t) const {
  const auto beat = beats_.last_at_or_before(t, true);
  return beat ? std::optional{beat->t} : std::nullopt;
}

double PatientModel::ecg_lead_ii(core::Duration t) const {
  return ecg_sample(beats_, t, value(Param::resp_rate, t));
}

double PatientModel::ecg_motion_artefact(core::Duration t) const {
  return sim::ecg_motion_artefact(t, seed_);
}

}  // namespace vigil::sim
