// Scenario files are written by hand: the parser must not crash on any text,
// must name a line and column for every error, and what it accepts must be
// in time order with sensible windows, and drive the patient model.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/physiology.hpp"
#include "sim/scenario.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::sim;
  using namespace std::chrono_literals;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto s = parse_scenario(text, "fuzz.scn");
  if (!s) {
    check(s.error().starts_with("fuzz.scn:"));
    return 0;
  }
  for (std::size_t i = 1; i < s->events.size(); ++i) check(s->events[i - 1].at <= s->events[i].at);
  for (const auto& x : s->expectations) check(x.from <= x.to);
  // A few simulated minutes of the patient the scenario describes.
  PatientModel m{s->patient, s->seed, s->model};
  for (const auto& e : s->events) {
    if (e.at > 10min) break;
    for (const auto& c : e.changes) m.ramp(c.param, c.target, e.at, c.over);
    if (e.surge) m.surge(e.surge->systolic, e.surge->diastolic, e.at, e.surge->over);
    if (e.rhythm == Rhythm::atrial_flutter)
      m.set_flutter(e.at, e.flutter);
    else if (e.rhythm)
      m.set_rhythm(e.at, *e.rhythm);
    if (e.ectopics_per_min) m.set_ectopics(e.at, *e.ectopics_per_min);
    if (e.pause) m.add_pause(e.at, *e.pause);
    if (e.apnoea) m.apnoea(e.at, *e.apnoea);
    (void)event_text(e);
  }
  m.advance(10min);
  // The ECG over the last seconds, every rhythm's waves, with motion artefact.
  for (vigil::core::Duration t = 10min - 3s; t < 10min - 400ms; t += 4ms)
    check(std::isfinite(m.ecg_lead_ii(t) + m.ecg_motion_artefact(t)));
  std::mt19937 rng{1};
  const auto v = m.measured(10min, s->noise, rng);
  check(v.spo2 >= 0 && v.spo2 <= 100 && v.heart_rate >= 0 && v.heart_rate <= 300);
  return 0;
}
