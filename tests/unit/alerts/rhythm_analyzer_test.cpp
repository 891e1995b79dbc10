#include "alerts/rhythm_analyzer.hpp"

#include <doctest/doctest.h>

#include "core/time.hpp"
#include "synthetic_signals.hpp"

using namespace vigil;
using namespace vigil::alerts;
using std::chrono::duration;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

namespace {

const core::TimePoint kStart = core::ManualClock{}.now();

core::TimePoint at(double seconds) {
  return kStart + duration_cast<core::Duration>(duration<double>(seconds));
}

// Feeds beats at the given times; returns the time of the last one.
double feed(RhythmAnalyzer& a, const std::vector<double>& times, BeatSource source,
            std::optional<double> quality = std::nullopt) {
  for (const double t : times) a.add_beat({at(t), source, std::nullopt, quality});
  return times.back();
}

std::vector<double> shifted(std::vector<double> times, double by) {
  for (double& t : times) t += by;
  return times;
}

}  // namespace

TEST_CASE("regular ECG beats at 75/min: sinus rhythm, rate 75, neither tachycardia nor bradycardia") {
  RhythmAnalyzer a;
  const double last = feed(a, test::beat_times(test::sinus_rr(60, 0.8)), BeatSource::ecg);
  const RhythmState s = a.state(at(last + 0.1));
  CHECK(s.available());
  CHECK(s.rhythm == Rhythm::sinus);
  CHECK(s.source == BeatSource::ecg);
  REQUIRE(s.ventricular_rate_bpm);
  CHECK(*s.ventricular_rate_bpm == doctest::Approx(75).epsilon(0.03));
  CHECK_FALSE(s.tachycardia);
  CHECK_FALSE(s.bradycardia);
  CHECK(s.af_evidence < 0.1);
  CHECK_FALSE(s.pause);
}

TEST_CASE(
    "the first beats of a new patient: analysis unavailable while the window fills, rate already shown") {
  RhythmAnalyzer a;
  const double last = feed(a, test::beat_times(test::sinus_rr(10)), BeatSource::ecg);
  const RhythmState s = a.state(at(last));
  CHECK(s.rhythm == Rhythm::unknown);
  CHECK(s.unavailable == Unavailable::warming_up);
  CHECK(s.ventricular_rate_bpm.has_value());
}

TEST_CASE("no beats at all: analysis unavailable for lack of beats") {
  RhythmAnalyzer a;
  const RhythmState s = a.state(at(100));
  CHECK(s.unavailable == Unavailable::no_beats);
  CHECK_FALSE(s.source);
}

TEST_CASE("AF with rapid ventricular response at ~130/min is irregular AF with tachycardia") {
  RhythmAnalyzer a;
  const double last = feed(a, test::beat_times(test::af_rr(120, 0.46)), BeatSource::ecg);
  const RhythmState s = a.state(at(last));
  CHECK(s.rhythm == Rhythm::irregular_af);
  CHECK(s.af_evidence > 0.7);
  REQUIRE(s.ventricular_rate_bpm);
  CHECK(*s.ventricular_rate_bpm > 120);
  CHECK(s.tachycardia);
}

TEST_CASE("irregular beats of poor quality give 'analysis unavailable', never an AF call") {
  RhythmAnalyzer a;
  const double last = feed(a, test::beat_times(test::af_rr(120)), BeatSource::ecg, 0.2);
  const RhythmState s = a.state(at(last));
  CHECK(s.rhythm == Rhythm::unknown);
  CHECK(s.unavailable == Unavailable::poor_signal);
  CHECK_FALSE(s.ventricular_rate_bpm);
}

TEST_CASE(
    "ECG beats stopping: a pause from 3 s after the last beat, kept as the latest pause once beats resume") {
  RhythmAnalyzer a;
  const double last = feed(a, test::beat_times(test::sinus_rr(40)), BeatSource::ecg);
  CHECK_FALSE(a.state(at(last + 2.9)).pause);

  const RhythmState during = a.state(at(last + 3.5));
  REQUIRE(during.pause);
  CHECK(during.pause->ongoing);
  CHECK(during.pause->start == at(last));
  CHECK(during.pause->length == duration_cast<core::Duration>(duration<double>(3.5)));
  CHECK(during.bradycardia);  // the open interval already pulls the rate down

  feed(a, shifted(test::beat_times(test::sinus_rr(5)), last + 4.2 - 1.0), BeatSource::ecg);
  const RhythmState after = a.state(at(last + 8));
  REQUIRE(after.pause);
  CHECK_FALSE(after.pause->ongoing);
  CHECK(after.pause->start == at(last));
  CHECK(core::to_seconds(after.pause->length) == doctest::Approx(4.2).epsilon(0.001));
}

TEST_CASE("a 4 s gap in pulse beats is not a pause: a missing pulse is as often the probe as the heart") {
  RhythmAnalyzer a;
  const double last = feed(a, test::beat_times(test::sinus_rr(40)), BeatSource::pulse);
  CHECK_FALSE(a.state(at(last + 4)).pause);
  feed(a, shifted(test::beat_times(test::sinus_rr(5)), last + 4), BeatSource::pulse);
  CHECK_FALSE(a.state(at(last + 9)).pause);
}

TEST_CASE("ECG beats are preferred over pulse beats; when the ECG goes silent the pulse takes over") {
  RhythmAnalyzer a;
  const auto ecg = test::beat_times(test::sinus_rr(60));
  const auto pulse = shifted(ecg, 0.2);
  for (std::size_t i = 0; i < ecg.size(); ++i) {
    a.add_beat({at(ecg[i]), BeatSource::ecg, std::nullopt, std::nullopt});
    a.add_beat({at(pulse[i]), BeatSource::pulse, std::nullopt, std::nullopt});
  }
  CHECK(a.state(at(pulse.back())).source == BeatSource::ecg);
  // Pulse beats go on for 20 s; the ECG has been silent for longer than the source timeout.
  const double last = feed(a, shifted(test::beat_times(test::sinus_rr(25)), pulse.back()), BeatSource::pulse);
  const RhythmState s = a.state(at(last));
  CHECK(s.source == BeatSource::pulse);
  CHECK(s.rhythm == Rhythm::sinus);
}

TEST_CASE("beats of one source never mix into another source's intervals") {
  RhythmAnalyzer a;
  // ECG and pulse of the same regular heartbeat, 0.2 s apart: mixed they would look like AF.
  const auto ecg = test::beat_times(test::sinus_rr(60));
  for (const double t : ecg) {
    a.add_beat({at(t), BeatSource::ecg, std::nullopt, std::nullopt});
    a.add_beat({at(t + 0.2), BeatSource::pulse, std::nullopt, std::nullopt});
  }
  CHECK(a.state(at(ecg.back() + 0.3)).rhythm == Rhythm::sinus);
}

TEST_CASE("a device-measured RR interval is used instead of the receive-time difference") {
  RhythmAnalyzer a;
  // Beats arrive in bursts (receive times bunched) but each carries its true RR of 0.8 s.
  double t = 1;
  for (int i = 0; i < 60; ++i) {
    t += (i % 2) ? 0.3 : 1.3;
    a.add_beat(
        {at(t), BeatSource::reported, duration_cast<core::Duration>(duration<double>(0.8)), std::nullopt});
  }
  const RhythmState s = a.state(at(t));
  CHECK(s.rhythm == Rhythm::sinus);
  REQUIRE(s.ventricular_rate_bpm);
  CHECK(*s.ventricular_rate_bpm == doctest::Approx(75).epsilon(0.01));
}

TEST_CASE("a beat older than the last one of its source is ignored") {
  RhythmAnalyzer a;
  const double last = feed(a, test::beat_times(test::sinus_rr(40)), BeatSource::ecg);
  a.add_beat({at(last - 0.4), BeatSource::ecg, std::nullopt, std::nullopt});
  CHECK(a.state(at(last + 0.1)).rhythm == Rhythm::sinus);
}

TEST_CASE("streamed ECG samples: the analyzer finds the beats itself and reports sinus rhythm and its rate") {
  RhythmAnalyzer a;
  const double fs = 250;
  const auto beats = test::beat_times(test::sinus_rr(80, 0.75), 0.6);
  const auto x = test::ecg(beats, fs, 60);
  for (std::size_t i = 0; i < x.size(); i += 50) {
    a.add_ecg_samples(at(static_cast<double>(i) / fs), fs, std::span<const float>(x).subspan(i, 50));
  }
  const RhythmState s = a.state(at(60));
  CHECK(s.rhythm == Rhythm::sinus);
  CHECK(s.source == BeatSource::ecg);
  REQUIRE(s.ventricular_rate_bpm);
  CHECK(*s.ventricular_rate_bpm == doctest::Approx(80).epsilon(0.03));
}

TEST_CASE(
    "streamed ECG that goes flat: a pause marked as during poor signal; ECG samples that stop: signal lost") {
  RhythmAnalyzer a;
  const double fs = 250;
  const auto beats = test::beat_times(test::sinus_rr(50), 0.6);
  auto x = test::ecg(beats, fs, 40);
  std::fill(x.begin() + static_cast<std::ptrdiff_t>(35 * fs), x.end(), 0.0f);  // leads off at 35 s
  for (std::size_t i = 0; i < x.size(); i += 50) {
    a.add_ecg_samples(at(static_cast<double>(i) / fs), fs, std::span<const float>(x).subspan(i, 50));
  }
  const RhythmState flat = a.state(at(40));
  REQUIRE(flat.pause);
  CHECK(flat.pause->ongoing);
  CHECK(flat.pause->poor_signal);

  const RhythmState silent = a.state(at(45));  // no samples for 5 s
  CHECK_FALSE(silent.pause);
  CHECK(silent.unavailable == Unavailable::signal_lost);
  CHECK(silent.source == BeatSource::ecg);
}

TEST_CASE("while ECG samples stream, ECG beats flagged by the device are not counted twice") {
  RhythmAnalyzer a;
  const double fs = 250;
  const auto beats = test::beat_times(test::sinus_rr(60, 0.8), 0.6);
  const auto x = test::ecg(beats, fs, 45);
  std::size_t next_beat = 0;
  for (std::size_t i = 0; i < x.size(); i += 50) {
    const double t0 = static_cast<double>(i) / fs;
    a.add_ecg_samples(at(t0), fs, std::span<const float>(x).subspan(i, 50));
    // The device also flags each beat, 0.1 s late.
    while (next_beat < beats.size() && beats[next_beat] + 0.1 < t0 + 0.2) {
      a.add_beat({at(beats[next_beat] + 0.1), BeatSource::ecg, std::nullopt, std::nullopt});
      ++next_beat;
    }
  }
  const RhythmState s = a.state(at(45));
  CHECK(s.rhythm == Rhythm::sinus);
  REQUIRE(s.ventricular_rate_bpm);
  CHECK(*s.ventricular_rate_bpm == doctest::Approx(75).epsilon(0.03));
}

TEST_CASE("streamed pleth samples give pulse-sourced analysis") {
  RhythmAnalyzer a;
  const double fs = 100;
  const auto onsets = test::beat_times(test::af_rr(120, 0.7), 0.5);
  const auto x = test::pleth(onsets, fs, 80);
  for (std::size_t i = 0; i < x.size(); i += 25) {
    a.add_pleth_samples(at(static_cast<double>(i) / fs), fs, std::span<const float>(x).subspan(i, 25));
  }
  const RhythmState s = a.state(at(80));
  CHECK(s.source == BeatSource::pulse);
  CHECK(s.rhythm == Rhythm::irregular_af);
  CHECK_FALSE(s.pause);
}

TEST_CASE("ECG samples stop but the monitor goes on flagging ECG beats: the ECG source stays in use") {
  RhythmAnalyzer a;
  const double fs = 250;
  const auto beats = test::beat_times(test::sinus_rr(40, 0.8), 0.6);
  const auto x = test::ecg(beats, fs, 20);
  for (std::size_t i = 0; i < x.size(); i += 50) {
    a.add_ecg_samples(at(static_cast<double>(i) / fs), fs, std::span<const float>(x).subspan(i, 50));
  }
  const double last = feed(a, shifted(test::beat_times(test::sinus_rr(40, 0.8)), 22.0), BeatSource::ecg);
  const RhythmState s = a.state(at(last + 0.2));
  CHECK(s.source == BeatSource::ecg);
  CHECK(s.unavailable != Unavailable::signal_lost);
  CHECK(s.rhythm == Rhythm::sinus);
}

TEST_CASE("ECG samples stopped earlier and the flagged ECG beats now stop too: a pause is still reported") {
  RhythmAnalyzer a;
  const double fs = 250;
  const auto beats = test::beat_times(test::sinus_rr(20, 0.8), 0.6);
  const auto x = test::ecg(beats, fs, 15);
  for (std::size_t i = 0; i < x.size(); i += 50) {
    a.add_ecg_samples(at(static_cast<double>(i) / fs), fs, std::span<const float>(x).subspan(i, 50));
  }
  const double last = feed(a, shifted(test::beat_times(test::sinus_rr(40, 0.8)), 17.0), BeatSource::ecg);
  const RhythmState s = a.state(at(last + 4));
  REQUIRE(s.pause);
  CHECK(s.pause->ongoing);
  CHECK(s.pause->start == at(last));
}

TEST_CASE("an ECG stream that stops and resumes (cable pulled, monitor rebooted) is not a pause") {
  RhythmAnalyzer a;
  const double fs = 250;
  const auto beats = test::beat_times(test::sinus_rr(80, 0.8), 0.6);
  const auto x = test::ecg(beats, fs, 60);
  const auto send = [&](double from_s, double to_s) {
    for (auto i = static_cast<std::size_t>(from_s * fs); i + 50 <= static_cast<std::size_t>(to_s * fs);
         i += 50)
      a.add_ecg_samples(at(static_cast<double>(i) / fs), fs, std::span<const float>(x).subspan(i, 50));
  };
  send(0, 15);
  send(45, 60);  // 30 s without a sample, then the same sinus rhythm
  const RhythmState s = a.state(at(59.5));
  CHECK_FALSE(s.pause.has_value());
  CHECK(s.rhythm == Rhythm::sinus);
}

TEST_CASE("an ECG analysed outside that stops and resumes is not a pause; silence after it is") {
  RhythmAnalyzer a;
  const auto block = [&](double from_s, std::vector<double> beats) {
    for (double b : beats)
      a.add_beat({at(b), BeatSource::ecg, std::nullopt, 0.9, BeatShape::unknown, std::nullopt});
    a.note_ecg_coverage(at(from_s), at(from_s + 1), 0.9, false);
  };
  for (int k = 0; k < 15; ++k) block(k, {k + 0.3});
  block(45, {});  // the stream resumes 30 s later; the detector learns before its first beat
  block(46, {46.5});
  CHECK_FALSE(a.state(at(47.2)).pause.has_value());
  for (int k = 47; k < 52; ++k) block(k, {});  // then the ECG shows no beat for 5 s: a pause
  const RhythmState s = a.state(at(52.2));
  REQUIRE(s.pause.has_value());
  CHECK(s.pause->start == at(46.5));
}

TEST_CASE("a streamed ECG that keeps arriving through 6 s without a beat is a pause") {
  RhythmAnalyzer a;
  const double fs = 250;
  auto beats = test::beat_times(test::sinus_rr(20, 0.8), 0.6);
  const double before = beats.back();
  for (const double t : test::beat_times(test::sinus_rr(20, 0.8), before + 6.0)) beats.push_back(t);
  const auto x = test::ecg(beats, fs, 40);
  for (std::size_t i = 0; i + 50 <= x.size(); i += 50)
    a.add_ecg_samples(at(static_cast<double>(i) / fs), fs, std::span<const float>(x).subspan(i, 50));
  const RhythmState s = a.state(at(39.5));
  REQUIRE(s.pause.has_value());
  CHECK(s.pause->length >= std::chrono::seconds{5});
}
