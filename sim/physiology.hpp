#pragma once
// A patient's vital signs over simulated time: each parameter holds a value
// and moves toward a target along a linear ramp, so "raise systolic to 220
// over 90 s" is one call. Deterministic: noise comes from a seeded generator.
#include <map>
#include <random>
#include <string>

#include "core/time.hpp"

namespace vigil::sim {

enum class Param { heart_rate, spo2, perfusion_index, systolic, diastolic, resp_rate };
const char* param_name(Param p);

struct Vitals {
  double heart_rate = 75;
  double spo2 = 98;
  double perfusion_index = 3.0;
  double systolic = 120;
  double diastolic = 80;
  double resp_rate = 14;
  double mean() const { return diastolic + (systolic - diastolic) / 3.0; }
  double get(Param p) const;
  void set(Param p, double v);
};

class PatientModel {
 public:
  explicit PatientModel(Vitals baseline = {}, unsigned seed = 1);
  // Start moving p from its value at `at` to `target`, reaching it after `over`.
  void ramp(Param p, double target, core::Duration at, core::Duration over);
  // The exact (noise-free) values at simulated time t since the start.
  Vitals at(core::Duration t) const;
  // The values a device would measure: exact plus measurement noise of the
  // given amplitude (0 for none), rounded as monitors display them.
  Vitals measured(core::Duration t, double noise);

 private:
  struct Ramp {
    core::Duration start{};
    core::Duration over{};
    double from = 0;
    double to = 0;
  };
  Vitals baseline_;
  std::map<Param, std::vector<Ramp>> ramps_;
  std::mt19937 rng_;
};

}  // namespace vigil::sim
