// vigild's heart rate from its own QRS detections (EcgHeartRate): the rate,
// the quality it earns and when it says nothing, on a fake clock.
#include "alerts/ecg_heart_rate.hpp"

#include <doctest/doctest.h>

#include "tests/unit/alerts/clock_start.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using core::QualityFlag;
using vigil::alerts::test::t0;

namespace {

// An ECG stream analysed one second at a time, beats every `rr`, the reading
// asked for at the end of each second as the daemon's tick does.
struct Stream {
  EcgHeartRate rate;
  core::TimePoint now = t0;
  core::TimePoint next_beat = t0 + 300ms;
  std::optional<core::Reading> last;
  void seconds(int n, core::Duration rr, double quality = 0.9, bool flat = false, bool beating = true) {
    for (int i = 0; i < n; ++i) {
      const auto end = now + 1s;
      for (; next_beat < end; next_beat += rr)
        if (beating) rate.on_beat({next_beat, BeatSource::ecg, std::nullopt, quality});
      rate.on_coverage(end, quality, flat);
      now = end;
      if (auto r = rate.reading(now)) last = r;
    }
  }
};

}  // namespace

TEST_CASE("a regular ECG at 0.8 s intervals gives HR 75, usable, once a second") {
  Stream s;
  s.seconds(10, 800ms);
  REQUIRE(s.last);
  CHECK(s.last->metric == core::Metric::heart_rate);
  REQUIRE(s.last->value);
  CHECK(*s.last->value == doctest::Approx(75));
  CHECK(s.last->usable());
  CHECK_FALSE(s.rate.reading(s.now + 500ms));  // at most one a second
  CHECK(s.rate.reading(s.now + 1s));
}

TEST_CASE("one missed beat does not move the number: the median of the intervals") {
  Stream s;
  s.seconds(10, 500ms);
  // A beat the detector missed: one interval of 1 s among 0.5 s ones.
  s.rate.on_beat({s.next_beat + 500ms, BeatSource::ecg, std::nullopt, 0.9});
  s.next_beat += 1s;
  s.seconds(2, 500ms);
  REQUIRE(s.last->value);
  CHECK(*s.last->value == doctest::Approx(120));
  CHECK(s.last->usable());
}

TEST_CASE("the rate follows a change within the last eight intervals") {
  Stream s;
  s.seconds(10, 1000ms);
  CHECK(*s.last->value == doctest::Approx(60));
  s.seconds(5, 400ms);
  CHECK(*s.last->value == doctest::Approx(150));
}

TEST_CASE("too few beats after the start: no number, invalid") {
  Stream s;
  s.seconds(1, 800ms);
  REQUIRE(s.last);
  CHECK_FALSE(s.last->value);
  CHECK(s.last->quality.has(QualityFlag::invalid));
}

TEST_CASE("a poor signal gives a questionable number, which no rule may use") {
  Stream s;
  s.seconds(10, 800ms, 0.3);
  REQUIRE(s.last->value);
  CHECK(s.last->quality.has(QualityFlag::questionable));
  CHECK_FALSE(s.last->usable());
}

TEST_CASE("noise taken for beats (intervals under 200 ms) makes the number questionable") {
  Stream s;
  s.seconds(10, 800ms);
  s.rate.on_beat({s.now + 100ms, BeatSource::ecg, std::nullopt, 0.9});
  s.rate.on_beat({s.now + 250ms, BeatSource::ecg, std::nullopt, 0.9});
  s.next_beat = s.now + 1050ms;
  s.seconds(2, 800ms);
  CHECK(s.last->quality.has(QualityFlag::questionable));
}

TEST_CASE("a flat lead gives no number, invalid") {
  Stream s;
  s.seconds(10, 800ms);
  s.seconds(2, 800ms, 0.0, true, false);
  REQUIRE(s.last);
  CHECK_FALSE(s.last->value);
  CHECK(s.last->quality.has(QualityFlag::invalid));
}

TEST_CASE("when the ECG stops arriving, one invalid reading, then nothing until it is back") {
  Stream s;
  s.seconds(10, 800ms);
  auto r = s.rate.reading(s.now + 4s);
  REQUIRE(r);
  CHECK_FALSE(r->value);
  CHECK(r->quality.has(QualityFlag::invalid));
  CHECK_FALSE(s.rate.reading(s.now + 6s));
  CHECK_FALSE(s.rate.reading(s.now + 10s));
}

TEST_CASE("before any ECG, nothing at all") {
  EcgHeartRate rate;
  CHECK_FALSE(rate.reading(t0));
  CHECK_FALSE(rate.reading(t0 + 5s));
}

TEST_CASE("restart: another stream's beats start the intervals afresh") {
  Stream s;
  s.seconds(10, 800ms);
  s.rate.restart();
  s.rate.on_coverage(s.now + 1s, 0.9, false);
  const auto r = s.rate.reading(s.now + 1s);
  REQUIRE(r);
  CHECK_FALSE(r->value);
}

TEST_CASE("while the detector judges the ECG artefact the rate is published, flagged artifact, not usable") {
  Stream s;
  s.seconds(10, 800ms);
  REQUIRE(s.last);
  CHECK(s.last->usable());
  s.rate.on_coverage(s.now + 1s, 0.2, false, true);
  s.now += 1s;
  const auto r = s.rate.reading(s.now);
  REQUIRE(r);
  REQUIRE(r->value);  // a number staff can see is not counted, rather than one that vanishes
  CHECK(r->quality.has(QualityFlag::artifact));
  CHECK_FALSE(r->usable());
  s.seconds(1, 800ms);
  CHECK(s.last->usable());  // clean again: usable at once
}
