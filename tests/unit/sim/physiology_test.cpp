#include "sim/physiology.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numeric>

using namespace vigil;
using namespace vigil::sim;
using namespace std::chrono_literals;

namespace {

ModelSettings exact() {
  ModelSettings s;
  s.oximeter_delay = 0s;
  s.oximeter_averaging = 0s;
  s.variability = 0;
  return s;
}

std::vector<double> intervals_s(const std::vector<Beat>& beats) {
  std::vector<double> rr;
  for (std::size_t i = 1; i < beats.size(); ++i) rr.push_back(core::to_seconds(beats[i].t - beats[i - 1].t));
  return rr;
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double sd(const std::vector<double>& v) {
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

// Root mean square of successive differences: small in sinus rhythm, large in AF.
double rmssd(const std::vector<double>& v) {
  double s = 0;
  for (std::size_t i = 1; i < v.size(); ++i) s += (v[i] - v[i - 1]) * (v[i] - v[i - 1]);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

}  // namespace

TEST_CASE("a ramp moves a vital sign linearly and holds the target afterwards") {
  Vitals base;
  base.systolic = 120;
  PatientModel m{base};
  m.ramp(Param::systolic, 220, 60s, 100s);
  CHECK(m.at(0s).systolic == 120);
  CHECK(m.at(60s).systolic == 120);
  CHECK(m.at(110s).systolic == doctest::Approx(170));
  CHECK(m.at(160s).systolic == 220);
  CHECK(m.at(600s).systolic == 220);
}

TEST_CASE("a later instruction starts from wherever the value is then") {
  PatientModel m{Vitals{}};
  m.ramp(Param::spo2, 80, 0s, 20s);   // 98 -> 80
  m.ramp(Param::spo2, 96, 10s, 10s);  // halfway (89) -> 96
  CHECK(m.at(10s).spo2 == doctest::Approx(89));
  CHECK(m.at(15s).spo2 == doctest::Approx(92.5));
  CHECK(m.at(30s).spo2 == 96);
}

TEST_CASE("measurements are rounded like a monitor's display and noise is reproducible from the seed") {
  PatientModel a{Vitals{}, 7}, b{Vitals{}, 7};
  std::mt19937 ra{3}, rb{3};
  a.advance(30s);
  b.advance(30s);
  for (int i = 10; i < 30; ++i) {
    auto va = a.measured(std::chrono::seconds{i}, 2.0, ra), vb = b.measured(std::chrono::seconds{i}, 2.0, rb);
    CHECK(va.spo2 == vb.spo2);
    CHECK(va.heart_rate == vb.heart_rate);
    CHECK(va.spo2 <= 100);
    CHECK(va.heart_rate == static_cast<int>(va.heart_rate));
  }
  PatientModel quiet{Vitals{}, 1, exact()};
  quiet.advance(10s);
  std::mt19937 r;
  CHECK(quiet.measured(5s, 0, r).heart_rate == 75);
}

TEST_CASE("sinus rhythm at rest varies a little from beat to beat, smoothly, around the set rate") {
  Vitals v;
  v.heart_rate = 75;
  PatientModel m{v, 11};
  m.advance(300s);
  const auto rr = intervals_s(m.beats().beats());
  CHECK(60 / mean(rr) == doctest::Approx(75).epsilon(0.02));
  // A healthy adult at rest: SDNN of tens of milliseconds, small successive differences.
  CHECK(sd(rr) > 0.015);
  CHECK(sd(rr) < 0.06);
  CHECK(rmssd(rr) < 0.03);
  for (const auto& b : m.beats().beats()) CHECK(b.kind == BeatKind::normal);
}

TEST_CASE("without variability the heart beats like a metronome and the monitor shows the set rate exactly") {
  Vitals v;
  v.heart_rate = 72;
  PatientModel m{v, 1, exact()};
  m.advance(60s);
  for (double x : intervals_s(m.beats().beats())) CHECK(x == doctest::Approx(60.0 / 72));
  CHECK(m.shown(59s).heart_rate == doctest::Approx(72));
}

TEST_CASE("atrial fibrillation at 140/min: irregularly irregular intervals around the new rate") {
  Vitals v;
  v.heart_rate = 78;
  PatientModel m{v, 5};
  m.set_rhythm(60s, Rhythm::atrial_fibrillation);
  m.ramp(Param::heart_rate, 140, 60s, 10s);
  m.advance(360s);
  CHECK(m.beats().rhythm_at(30s) == Rhythm::sinus);
  CHECK(m.beats().rhythm_at(61s) == Rhythm::atrial_fibrillation);
  const auto rr = intervals_s(m.beats().between(90s, 360s));
  CHECK(60 / mean(rr) == doctest::Approx(140).epsilon(0.06));
  CHECK(sd(rr) / mean(rr) > 0.15);
  CHECK(rmssd(rr) / mean(rr) > 0.2);
  for (double x : rr) CHECK(x >= 0.26);
  // The monitor's rate jumps about with the irregular beats.
  std::vector<double> shown;
  for (auto t = 100s; t < 360s; t += 5s) shown.push_back(m.shown(t).heart_rate);
  CHECK(sd(shown) > 3);
}

TEST_CASE("ectopic beats come early and are followed by a compensatory pause") {
  Vitals v;
  v.heart_rate = 60;
  PatientModel m{v, 9, exact()};
  m.set_ectopics(0s, 6);
  m.advance(600s);
  const auto& beats = m.beats().beats();
  int ectopic = 0;
  for (std::size_t i = 1; i + 1 < beats.size(); ++i) {
    if (beats[i].kind != BeatKind::ectopic) continue;
    ++ectopic;
    CHECK(core::to_seconds(beats[i].t - beats[i - 1].t) == doctest::Approx(0.6));
    CHECK(core::to_seconds(beats[i + 1].t - beats[i - 1].t) == doctest::Approx(2.0));
  }
  // About 6 a minute for ten minutes.
  CHECK(ectopic > 35);
  CHECK(ectopic < 90);
}

TEST_CASE("a pause is one long interval starting where the pause was set") {
  Vitals v;
  v.heart_rate = 60;
  PatientModel m{v, 1, exact()};
  m.add_pause(30s, 4s);
  m.advance(60s);
  const auto rr = intervals_s(m.beats().beats());
  CHECK(std::count_if(rr.begin(), rr.end(), [](double x) { return x == doctest::Approx(4.0); }) == 1);
  const auto gap = m.beats().between(29s, 35s);
  REQUIRE(gap.size() >= 2);
  CHECK(core::to_seconds(gap[1].t - gap[0].t) == doctest::Approx(4.0));
  CHECK(gap[0].t <= 30s);
  // The monitor's rate drops when the long interval enters its average.
  CHECK(m.shown(gap[1].t).heart_rate < 50);
}

TEST_CASE("the beats are the same whatever steps the simulation takes") {
  auto run = [](core::Duration step) {
    Vitals v;
    v.heart_rate = 80;
    PatientModel m{v, 21};
    m.set_ectopics(0s, 4);
    bool af = false, paused = false;
    for (core::Duration t{}; t <= 240s; t += step) {
      // Events are applied when the simulation reaches them, as SimBed does.
      if (!paused && t >= 50s) m.add_pause(50s, 3s), paused = true;
      if (!af && t >= 120s) {
        m.set_rhythm(120s, Rhythm::atrial_fibrillation);
        m.ramp(Param::heart_rate, 130, 120s, 10s);
        af = true;
      }
      m.advance(t);
    }
    m.advance(240s);
    return m.beats().beats();
  };
  const auto fine = run(7ms), coarse = run(1900ms);
  REQUIRE(fine.size() == coarse.size());
  for (std::size_t i = 0; i < fine.size(); ++i) CHECK(fine[i].t == coarse[i].t);
}

TEST_CASE("the oximeter shows a fall in arterial saturation about ten seconds later, averaged") {
  Vitals v;
  v.spo2 = 97;
  PatientModel m{v};  // default: 10 s to the finger, 8 s averaging
  m.ramp(Param::spo2, 84, 30s, 0s);
  CHECK(m.at(31s).spo2 == 84);
  CHECK(m.shown(39s).spo2 == doctest::Approx(97));
  CHECK(m.shown(44s).spo2 > 84);
  CHECK(m.shown(44s).spo2 < 97);
  CHECK(m.shown(49s).spo2 == doctest::Approx(84));
}

TEST_CASE("apnoea: SpO2 holds while the reserve lasts, falls, and recovers after breathing resumes") {
  Vitals v;
  v.spo2 = 97;
  v.resp_rate = 14;
  PatientModel m{v, 1, exact()};
  m.apnoea(60s, 90s);
  CHECK(m.at(70s).resp_rate == 0);
  CHECK(m.at(80s).spo2 == 97);                    // the reserve
  CHECK(m.at(115s).spo2 == doctest::Approx(90));  // 35 s of falling at 0.2 %/s
  CHECK(m.at(150s).spo2 == doctest::Approx(83));
  CHECK(m.at(151s).resp_rate == 14);
  CHECK(m.at(159s).spo2 == doctest::Approx(83));  // blood from the lungs needs a moment
  CHECK(m.at(200s).spo2 == doctest::Approx(97));
}

TEST_CASE("a ketamine surge raises heart rate with blood pressure") {
  Vitals v;
  v.systolic = 128;
  v.diastolic = 78;
  v.heart_rate = 76;
  PatientModel m{v};
  m.surge(220, 120, 60s, 180s);
  CHECK(m.at(240s).systolic == 220);
  CHECK(m.at(240s).diastolic == 120);
  CHECK(m.at(240s).heart_rate == doctest::Approx(76 * (1 + 0.3 * (220.0 / 128 - 1))));
  CHECK(m.at(150s).heart_rate > 76);
}

TEST_CASE("the pleth peaks just after each beat and an ectopic pulse is weaker") {
  Vitals v;
  v.heart_rate = 60;
  v.perfusion_index = 4;
  PatientModel m{v, 3, exact()};
  m.set_ectopics(0s, 20);
  m.advance(120s);
  const auto& beats = m.beats().beats();
  const Beat* ectopic = nullptr;
  const Beat* normal = nullptr;
  for (std::size_t i = 1; i < beats.size(); ++i) {
    if (beats[i].kind == BeatKind::ectopic && !ectopic) ectopic = &beats[i];
    if (beats[i].kind == BeatKind::normal && beats[i - 1].kind == BeatKind::normal && !normal)
      normal = &beats[i];
  }
  REQUIRE(ectopic);
  REQUIRE(normal);
  const double peak = m.pleth(normal->t + 120ms);
  CHECK(peak > 0.9);
  CHECK(m.pleth(normal->t) < 0.1);
  CHECK(m.pleth(ectopic->t + 120ms) < 0.6 * peak);
}

TEST_CASE(
    "strict bigeminy: every other beat premature with its compensatory pause; with a pulse deficit "
    "the oximeter's rate is half the heart rate") {
  Vitals v;
  v.heart_rate = 80;
  PatientModel m{v, 9, exact()};
  m.set_ectopics(0s, 1, Ectopy::bigeminy, true);
  m.advance(120s);
  const auto& beats = m.beats().beats();
  REQUIRE(beats.size() > 100);
  for (std::size_t i = 1; i + 1 < beats.size(); ++i) {
    CHECK(beats[i].kind != beats[i - 1].kind);  // alternating
    CHECK(beats[i].perfused == (beats[i].kind == BeatKind::normal));
  }
  const auto shown = m.shown(120s);
  CHECK(shown.heart_rate == doctest::Approx(80).epsilon(0.02));
  CHECK(shown.pulse_rate == doctest::Approx(40).epsilon(0.02));
}

TEST_CASE("premature atrial beats come at 70 % of the interval and the sinus node restarts from them") {
  Vitals v;
  v.heart_rate = 60;
  PatientModel m{v, 9, exact()};
  m.set_ectopics(0s, 12, Ectopy::atrial);
  m.advance(300s);
  const auto& beats = m.beats().beats();
  int premature = 0;
  for (std::size_t i = 1; i + 1 < beats.size(); ++i) {
    if (beats[i].kind != BeatKind::atrial_premature) continue;
    ++premature;
    CHECK(core::to_seconds(beats[i].t - beats[i - 1].t) == doctest::Approx(0.7));
    if (beats[i + 1].kind == BeatKind::normal)
      CHECK(core::to_seconds(beats[i + 1].t - beats[i].t) == doctest::Approx(1.0));  // no compensatory pause
  }
  CHECK(premature > 30);
  CHECK(premature < 90);
  CHECK(m.shown(300s).pulse_rate == m.shown(300s).heart_rate);  // every beat reaches the finger
}

TEST_CASE("atrial flutter with 2:1 block: a regular ventricular rate of half the atrial rate") {
  PatientModel m{Vitals{}, 3};
  m.set_flutter(60s, {310, FlutterBlock::two_to_one});
  m.set_rhythm(180s, Rhythm::sinus);
  m.advance(200s);
  CHECK(m.beats().rhythm_at(61s) == Rhythm::atrial_flutter);
  CHECK(m.beats().rhythm_at(181s) == Rhythm::sinus);
  const auto cycle = std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(60.0 / 310));
  const auto beats = m.beats().between(62s, 178s);
  REQUIRE(beats.size() > 280);
  for (const auto& b : beats) {
    CAPTURE(core::to_seconds(b.t));
    CHECK(b.rr == 2 * cycle);
    CHECK(b.kind == BeatKind::normal);
  }
  CHECK(m.shown(120s).heart_rate == doctest::Approx(155).epsilon(0.001));
}

TEST_CASE(
    "atrial flutter with variable block: 2:1 and 4:1 at random, every beat on the flutter waves' grid") {
  PatientModel m{Vitals{}, 3};
  m.set_flutter(60s, {300, FlutterBlock::variable});
  m.advance(300s);
  const auto waves = m.beats().flutter_at(100s);
  REQUIRE(waves);
  CHECK(waves->onset == 60s);
  CHECK(waves->cycle == 200ms);
  int two = 0, four = 0;
  for (const auto& b : m.beats().between(62s, 300s)) {
    CAPTURE(core::to_seconds(b.t));
    CHECK((b.t - waves->onset - kFlutterConduction) % waves->cycle == core::Duration{});
    two += b.rr == 400ms;
    four += b.rr == 800ms;
  }
  CHECK(two > 100);
  CHECK(four > 100);
  const auto rate = m.shown(200s).heart_rate;
  CHECK(rate > 60);
  CHECK(rate < 150);
}

TEST_CASE("atrial flutter set as a plain rhythm is the typical one: 300 /min with 2:1 block") {
  PatientModel m{Vitals{}, 3};
  m.set_rhythm(30s, Rhythm::atrial_flutter);
  m.advance(90s);
  for (const auto& b : m.beats().between(32s, 90s)) CHECK(b.rr == 400ms);
}
