// The simulated ECG looks like the rhythm it draws: a P wave before each
// conducted beat and none in AF (fibrillatory waves instead), a wide QRS for
// a ventricular beat; and the HL7 monitor streams it as vigild's HL7 session
// reads it, in contiguous 1 s segments of lead II at 250 /s.
#include "sim/ecg_wave.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <span>
#include <string>

#include "drivers/device_session.hpp"
#include "drivers/simulated_device.hpp"
#include "sim/physiology.hpp"

using namespace vigil;
using namespace vigil::sim;
using namespace std::chrono_literals;

namespace {

ModelSettings regular() {
  ModelSettings s;
  s.variability = 0;
  return s;
}

core::Duration at_s(double s) {
  return std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(s));
}

// Largest value of the ECG in [from, to] s relative to a beat, minus the
// baseline just before the beat's P wave would start.
double bump(const PatientModel& m, const Beat& b, double from, double to) {
  const double baseline = m.ecg_lead_ii(b.t - at_s(0.3));
  double peak = -1e9;
  for (double x = from; x <= to; x += 0.004) peak = std::max(peak, m.ecg_lead_ii(b.t + at_s(x)));
  return peak - baseline;
}

const core::TimePoint kWallStart{std::chrono::seconds{1'700'000'000}};

// The HL7 monitor's state at patient time t, as vigil-sim fills it each second.
drivers::DeviceState monitor_state(PatientModel& m, core::Duration t, std::mt19937& rng) {
  drivers::DeviceState s;
  s.t = t;
  s.wall = kWallStart + t;
  s.vitals = m.measured(t, 0, rng);
  s.patient = &m;
  s.rng = &rng;
  return s;
}

drivers::DecodeOutput decode(drivers::DeviceSession& session, const std::string& bytes) {
  drivers::DecodeOutput out;
  session.on_bytes(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), out);
  return out;
}

// Time the ECG stays above half the R peak around a beat: the QRS's width.
double qrs_width_s(const PatientModel& m, const Beat& b) {
  double peak = -1e9;
  for (double x = -0.1; x <= 0.1; x += 0.002) peak = std::max(peak, m.ecg_lead_ii(b.t + at_s(x)));
  double above = 0;
  for (double x = -0.1; x <= 0.1; x += 0.002) above += m.ecg_lead_ii(b.t + at_s(x)) > peak / 2 ? 0.002 : 0;
  return above;
}

}  // namespace

TEST_CASE("sinus beats have a P wave before the QRS; in AF there is none, and the baseline fibrillates") {
  PatientModel m{Vitals{}, 3, regular()};
  m.set_rhythm(60s, Rhythm::atrial_fibrillation);
  m.advance(120s);
  std::vector<double> sinus_p, af_p;
  for (const auto& b : m.beats().between(5s, 115s)) {
    if (b.rr < 500ms) continue;  // in fast AF the previous T wave can sit where a P would be
    CAPTURE(core::to_seconds(b.t));
    const double p = bump(m, b, -0.2, -0.12);
    if (b.t < 59s) {
      CHECK(p > 0.1);
      sinus_p.push_back(p);
    } else if (b.t > 61s) {
      af_p.push_back(p);  // only fibrillatory waves there
    }
    CHECK(bump(m, b, -0.01, 0.01) > 0.7);  // the R wave
  }
  auto mean = [](const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  };
  REQUIRE(sinus_p.size() > 40);
  REQUIRE(af_p.size() > 20);
  CHECK(mean(sinus_p) > 0.14);
  CHECK(mean(af_p) < 0.08);
  // Fibrillatory waves: the baseline between beats moves at 5-8 Hz in AF only.
  auto swing = [&](core::Duration from) {
    double lo = 1e9, hi = -1e9;
    for (auto t = from; t < from + 100ms; t += 4ms) {
      lo = std::min(lo, m.ecg_lead_ii(t));
      hi = std::max(hi, m.ecg_lead_ii(t));
    }
    return hi - lo;
  };
  auto quiet_before = [&](core::Duration t) {
    // a stretch of 100 ms ending 0.5 s after a beat and 0.5 s before the next
    const auto b = m.beats().last_at_or_before(t);
    return b ? b->t + 450ms : t;
  };
  CHECK(swing(quiet_before(30s)) < 0.05);
  double af_swing = 0;
  for (auto t = 70s; t < 110s; t += 5s) af_swing = std::max(af_swing, swing(t));
  CHECK(af_swing > 0.07);
}

TEST_CASE("a premature ventricular beat has no P wave and a wider QRS than the normal beats") {
  PatientModel m{Vitals{}, 5, regular()};
  m.set_ectopics(0s, 1, Ectopy::bigeminy);
  m.advance(60s);
  int ventricular = 0, normal = 0;
  for (const auto& b : m.beats().between(5s, 55s)) {
    CAPTURE(core::to_seconds(b.t));
    if (b.kind == BeatKind::ectopic) {
      CHECK(qrs_width_s(m, b) > 0.05);
      ++ventricular;
    } else {
      CHECK(qrs_width_s(m, b) < 0.03);
      CHECK(bump(m, b, -0.2, -0.12) > 0.1);
      ++normal;
    }
  }
  CHECK(ventricular > 20);
  CHECK(normal > 20);
}

TEST_CASE("the HL7 monitor streams lead II in contiguous 1 s segments at 250 /s, numerics every 5 s") {
  PatientModel m{Vitals{}, 2, regular()};
  auto device = drivers::make_simulated_device("hl7-mllp");
  auto session = drivers::find_protocol("hl7-mllp")->make_session();
  REQUIRE(device);
  std::mt19937 rng{1};
  std::vector<drivers::WaveformSegment> segments;
  std::size_t heart_rates = 0;
  for (auto t = 0s; t <= 20s; t += 1s) {
    m.advance(t);
    auto s = monitor_state(m, t, rng);
    s.booting = t >= 10s && t < 13s;  // a restart: no waveform while it boots
    const auto out = decode(*session, device->frame(s));
    CHECK(out.errors.empty());
    for (const auto& r : out.readings) heart_rates += r.metric == core::Metric::heart_rate;
    segments.insert(segments.end(), out.waveforms.begin(), out.waveforms.end());
  }
  CHECK(session->stats().frames_bad == 0);
  CHECK(heart_rates == 4);  // at 0, 5, 15 and 20 s (booting at 10 s)
  REQUIRE(segments.size() >= 15);
  int resumed = 0;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& w = segments[i];
    CAPTURE(i);
    CHECK(w.mdc_code == 131330);
    CHECK(w.sampling_hz == 250);
    REQUIRE(w.first_sample_time);
    if (i == 0) continue;  // the first is shorter: the ECG starts kEcgDelay behind
    CHECK(w.samples.size() == 250);
    const auto& before = segments[i - 1];
    const auto end_before = *before.first_sample_time + before.samples.size() * 4ms;
    // Contiguous, except after the restart: the stream resumes with the last second.
    if (*w.first_sample_time != end_before) {
      ++resumed;
      CHECK(*w.first_sample_time == kWallStart + 13s - drivers::kEcgDelay - 1s);
    }
  }
  CHECK(resumed == 1);
  // The samples are the patient's ECG at their times.
  const auto& w = segments[5];
  const auto t0 = *w.first_sample_time - kWallStart;
  for (std::size_t k = 0; k < w.samples.size(); k += 25)
    CHECK(std::abs(w.samples[k] - m.ecg_lead_ii(t0 + k * 4ms)) < 0.001);  // written with 3 decimals
}

namespace {

// Every sample the HL7 monitor streams from 0 to `until`, its motion fault on
// over [motion_from, motion_to), against the patient's clean lead II.
struct Streamed {
  std::vector<double> mv, clean;  // one per 4 ms sample, from patient time 0
};
Streamed stream_hl7(PatientModel& m, core::Duration until, core::Duration motion_from,
                    core::Duration motion_to, bool numerics = true, std::size_t* readings = nullptr) {
  auto device = drivers::make_simulated_device("hl7-mllp");
  auto session = drivers::find_protocol("hl7-mllp")->make_session();
  std::mt19937 rng{1};
  Streamed out;
  for (auto t = 0s; t <= until; t += 1s) {
    m.advance(t);
    auto s = monitor_state(m, t, rng);
    s.motion = t >= motion_from && t < motion_to;
    s.numerics = numerics;
    const auto decoded = decode(*session, device->frame(s));
    if (readings) *readings += decoded.readings.size();
    for (const auto& w : decoded.waveforms) {
      auto at = *w.first_sample_time - kWallStart;
      for (const float v : w.samples) {
        out.mv.push_back(v);
        out.clean.push_back(m.ecg_lead_ii(at));
        at += 4ms;
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE(
    "motion on the HL7 monitor puts bursts of wander and noise on its ECG, faded in and out, and "
    "only while it lasts") {
  PatientModel m{Vitals{}, 4, regular()};
  // Motion from 10 s to 40 s of the monitor's frames: its ECG runs kEcgDelay behind.
  const auto streamed = stream_hl7(m, 60s, 10s, 40s);
  const auto& mv = streamed.mv;
  REQUIRE(mv.size() > 250 * 55);
  auto artefact = [&](std::size_t i) { return mv[i] - streamed.clean[i]; };
  auto largest = [&](double from_s, double to_s) {
    double big = 0;
    for (auto i = static_cast<std::size_t>(from_s * 250); i < static_cast<std::size_t>(to_s * 250); ++i)
      big = std::max(big, std::abs(artefact(i)));
    return big;
  };
  // Sample i is the patient's ECG at i * 4 ms. A frame at t sends the second
  // up to t - kEcgDelay, so the frames from 10 s to 39 s carry 8.6 s to 38.6 s.
  CHECK(largest(0, 8.5) < 0.002);    // written with 3 decimals
  CHECK(largest(39.2, 58) < 0.002);  // gone after the half-second fade
  CHECK(largest(9, 38) > 0.8);       // bursts of up to a millivolt or more
  // In bursts: within the fault some seconds are far quieter than others.
  double quietest = 1e9, loudest = 0;
  for (double s = 9; s < 38; s += 1) {
    quietest = std::min(quietest, largest(s, s + 1));
    loudest = std::max(loudest, largest(s, s + 1));
  }
  CHECK(loudest > 4 * quietest);
  // Faded in and out over half a second (125 samples): the patient's
  // artefact times a level rising, then falling, in even steps.
  auto faded = [&](std::size_t first, bool in) {
    for (std::size_t k = 0; k < 150; ++k) {
      CAPTURE(k);
      const double step = std::min(1.0, static_cast<double>(k + 1) / 125);
      const double level = in ? step : 1 - step;
      CHECK(std::abs(artefact(first + k) - level * m.ecg_motion_artefact(k * 4ms + first * 4ms)) < 0.002);
    }
  };
  faded(static_cast<std::size_t>(8.6 * 250), true);
  faded(static_cast<std::size_t>(38.6 * 250), false);
  // Deterministic: the same patient and faults give the same samples.
  PatientModel again{Vitals{}, 4, regular()};
  CHECK(stream_hl7(again, 60s, 10s, 40s).mv == mv);
}

TEST_CASE("with 'waveforms: only' the HL7 monitor streams its ECG without a number of its own") {
  PatientModel m{Vitals{}, 2, regular()};
  std::size_t readings = 0;
  const auto streamed = stream_hl7(m, 20s, 0s, 0s, false, &readings);
  CHECK(readings == 0);
  CHECK(streamed.mv.size() > 250 * 18);
}

TEST_CASE("atrial flutter draws a sawtooth at the atrial rate instead of P waves") {
  PatientModel m{Vitals{}, 6, regular()};
  m.set_flutter(30s, {300, FlutterBlock::variable});
  m.advance(90s);
  // 4:1 conduction leaves 0.8 s between beats: from 0.4 s after a beat (its
  // T wave over) to 0.75 s (before the next QRS) only flutter waves, one
  // every 0.2 s, on the breathing-paced baseline.
  int long_intervals = 0;
  double smallest_swing = 1e9;
  for (const auto& b : m.beats().between(32s, 88s)) {
    if (b.rr < 700ms) continue;
    ++long_intervals;
    const auto from = b.t - b.rr + 400ms;
    double lo = 1e9, hi = -1e9;
    for (auto t = from; t < from + 150ms; t += 4ms) {
      CAPTURE(core::to_seconds(t));
      lo = std::min(lo, m.ecg_lead_ii(t));
      hi = std::max(hi, m.ecg_lead_ii(t));
      CHECK(std::abs(m.ecg_lead_ii(t) - m.ecg_lead_ii(t + 200ms)) < 0.06);  // one wave per 0.2 s
    }
    smallest_swing = std::min(smallest_swing, hi - lo);
  }
  CHECK(long_intervals > 10);
  CHECK(smallest_swing > 0.18);  // three quarters of a 0.3 mV wave
  // In sinus rhythm the same quiet stretch is flat but for the breathing baseline.
  for (const auto& b : m.beats().between(5s, 28s)) {
    CHECK(bump(m, b, -0.2, -0.12) > 0.1);  // the P wave
    double lo = 1e9, hi = -1e9;
    for (auto t = b.t + 450ms; t < b.t + 550ms; t += 4ms) {
      lo = std::min(lo, m.ecg_lead_ii(t));
      hi = std::max(hi, m.ecg_lead_ii(t));
    }
    CHECK(hi - lo < 0.06);
  }
}
