#include "sim/physiology.hpp"

#include <algorithm>
#include <cmath>

namespace vigil::sim {

const char* param_name(Param p) {
  switch (p) {
    case Param::heart_rate: return "heart rate";
    case Param::spo2: return "spo2";
    case Param::perfusion_index: return "perfusion index";
    case Param::systolic: return "systolic";
    case Param::diastolic: return "diastolic";
    case Param::resp_rate: return "respiratory rate";
  }
  return "?";
}

double Vitals::get(Param p) const {
  switch (p) {
    case Param::heart_rate: return heart_rate;
    case Param::spo2: return spo2;
    case Param::perfusion_index: return perfusion_index;
    case Param::systolic: return systolic;
    case Param::diastolic: return diastolic;
    case Param::resp_rate: return resp_rate;
  }
  return 0;
}

void Vitals::set(Param p, double v) {
  switch (p) {
    case Param::heart_rate: heart_rate = v; break;
    case Param::spo2: spo2 = v; break;
    case Param::perfusion_index: perfusion_index = v; break;
    case Param::systolic: systolic = v; break;
    case Param::diastolic: diastolic = v; break;
    case Param::resp_rate: resp_rate = v; break;
  }
}

PatientModel::PatientModel(Vitals baseline, unsigned seed) : baseline_{baseline}, rng_{seed} {}

void PatientModel::ramp(Param p, double target, core::Duration at_time, core::Duration over) {
  const double from = at(at_time).get(p);
  auto& list = ramps_[p];
  // A new instruction replaces whatever was planned after it.
  std::erase_if(list, [&](const Ramp& r) { return r.start >= at_time; });
  list.push_back(Ramp{at_time, over, from, target});
}

Vitals PatientModel::at(core::Duration t) const {
  Vitals v = baseline_;
  for (const auto& [param, list] : ramps_) {
    for (const auto& r : list) {
      if (t < r.start) break;
      const double span = core::to_seconds(r.over);
      const double done = span <= 0 ? 1.0 : std::clamp(core::to_seconds(t - r.start) / span, 0.0, 1.0);
      v.set(param, r.from + (r.to - r.from) * done);
    }
  }
  return v;
}

Vitals PatientModel::measured(core::Duration t, double noise) {
  Vitals v = at(t);
  if (noise > 0) {
    std::normal_distribution<double> n{0.0, noise};
    v.heart_rate += n(rng_);
    v.spo2 += n(rng_) * 0.5;
    v.systolic += n(rng_) * 2;
    v.diastolic += n(rng_) * 1.5;
    v.perfusion_index += n(rng_) * 0.1;
  }
  v.heart_rate = std::round(std::clamp(v.heart_rate, 0.0, 300.0));
  v.spo2 = std::round(std::clamp(v.spo2, 0.0, 100.0));
  v.systolic = std::round(std::clamp(v.systolic, 0.0, 300.0));
  v.diastolic = std::round(std::clamp(v.diastolic, 0.0, 250.0));
  v.perfusion_index = std::round(std::clamp(v.perfusion_index, 0.0, 20.0) * 100) / 100;
  v.resp_rate = std::round(std::clamp(v.resp_rate, 0.0, 80.0));
  return v;
}

}  // namespace vigil::sim
