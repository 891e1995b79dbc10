#pragma once
// A patient's vital signs over simulated time, moving together:
//  - each parameter holds a value and moves toward a target along a linear
//    ramp, so "raise systolic to 220 over 90 s" is one call;
//  - the heart beats (heart_rhythm.hpp): the rate a monitor shows comes from
//    the beat intervals, so atrial fibrillation makes it jump and a pause
//    makes it drop, as on a real monitor;
//  - SpO2 in the model is the arterial saturation; an oximeter shows it
//    later (blood takes seconds from the lungs to the finger, and the device
//    averages), and an apnoea lowers it only once the oxygen reserve is used;
//  - a sympathetic surge (ketamine) raises heart rate with blood pressure.
// Deterministic: noise comes from generators seeded by the caller.
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "drivers/simulated_device.hpp"
#include "sim/heart_rhythm.hpp"

namespace vigil::sim {

enum class Param { heart_rate, spo2, perfusion_index, systolic, diastolic, resp_rate };
const char* param_name(Param p);

// The parameters the scenario moves, as a device would show them.
struct Vitals : drivers::ShownVitals {
  double get(Param p) const;
  void set(Param p, double v);
};

struct ModelSettings {
  // From a change in the lungs to the oximeter's display: blood travels to a
  // finger in about 10 s in an adult at rest, and oximeters average over
  // several seconds (Masimo's default: 8 s).
  core::Duration oximeter_delay = std::chrono::seconds{10};
  core::Duration oximeter_averaging = std::chrono::seconds{8};
  // Beat-to-beat variability of sinus rhythm: 0 none (exact tests), 1 an adult at rest.
  double variability = 1.0;
  // Depth of the breathing-paced swing of the sinus interval (respiratory
  // sinus arrhythmia), a fraction of the mean interval: a few percent in an
  // adult at rest, up to +-15-20 % in a young adult ("variability: marked").
  double breathing_depth = 0.035;
};

// How apnoea desaturates a sedated adult breathing room air: the reserve in
// the lungs holds SpO2 for a while, then it falls steadily; after breathing
// resumes it recovers within a minute or two.
struct ApnoeaResponse {
  core::Duration reserve = std::chrono::seconds{20};
  double fall_per_s = 0.2;  // % SpO2 per second once it falls (12 %/min)
  double floor = 50;        // %
  core::Duration recovery_delay = std::chrono::seconds{10};
  double rise_per_s = 0.5;  // % per second on recovery
};

class PatientModel final : public drivers::SimulatedPatient {
 public:
  explicit PatientModel(Vitals baseline = {}, unsigned seed = 1, ModelSettings settings = {});

  // Start moving p from its value at `at` to `target`, reaching it after
  // `over`. A new instruction replaces whatever was planned after it.
  void ramp(Param p, double target, core::Duration at, core::Duration over);
  // Blood pressure to sys/dia over `over`, heart rate following (a
  // sympathetic surge: +3 % heart rate for every +10 % systolic).
  void surge(double systolic, double diastolic, core::Duration at, core::Duration over);
  // No breathing from `at` for `length`: SpO2 falls after the reserve, and recovers.
  void apnoea(core::Duration at, core::Duration length, ApnoeaResponse r = {});
  void set_rhythm(core::Duration at, Rhythm r) { beats_.set_rhythm(at, r); }
  void set_flutter(core::Duration at, Flutter f) { beats_.set_flutter(at, f); }
  void set_ectopics(core::Duration at, double per_minute, Ectopy kind = Ectopy::ventricular,
                    bool pulse_deficit = false) {
    beats_.set_ectopics(at, per_minute, kind, pulse_deficit);
  }
  void add_pause(core::Duration at, core::Duration length) { beats_.add_pause(at, length); }

  // The patient's exact (noise-free) values at t; heart rate is the mean
  // rate the rhythm follows, SpO2 the arterial saturation.
  Vitals at(core::Duration t) const;
  // Beats up to t; call before asking for shown values or the pleth at t.
  void advance(core::Duration t);
  const BeatTrain& beats() const { return beats_; }
  // What a monitor shows at t, before rounding: rate from the last beat
  // intervals, SpO2 delayed and averaged.
  Vitals shown(core::Duration t) const;
  // shown() plus measurement noise of the given amplitude (0 for none),
  // rounded as monitors display them.
  Vitals measured(core::Duration t, double noise, std::mt19937& rng) const;
  // The pleth at a fingertip at t, 0 (foot) to about 1 (peak) scaled by
  // perfusion; weaker after a short interval (less filling), flat between
  // beats in a pause.
  double pleth(core::Duration t) const override;
  std::optional<core::Duration> last_pulse(core::Duration t) const override;
  // Lead II (sim/ecg_wave.hpp): a P wave before each conducted beat,
  // fibrillatory waves instead in AF, a wide QRS for a ventricular beat.
  double ecg_lead_ii(core::Duration t) const override;
  double ecg_motion_artefact(core::Duration t) const override;
  const ModelSettings& settings() const { return settings_; }

 private:
  struct Ramp {
    core::Duration start{};
    core::Duration over{};
    double from = 0;
    double to = 0;
  };
  double value(Param p, core::Duration t) const;

  Vitals baseline_;
  unsigned seed_;
  ModelSettings settings_;
  std::map<Param, std::vector<Ramp>> ramps_;
  BeatTrain beats_;
};

}  // namespace vigil::sim
