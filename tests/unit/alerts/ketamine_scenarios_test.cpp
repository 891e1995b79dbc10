// The clinical stories of the ketamine-iv-adult profile, on the pure bed
// logic with a fake clock: every test asserts the exact alarm transitions.
#include <doctest/doctest.h>

#include <map>

#include "alerts/bed_alarms.hpp"
#include "alerts/limits_in_force.hpp"
#include "tests/unit/alerts/ketamine_bed.hpp"

using namespace vigil;
using namespace vigil::alerts;
using namespace std::chrono_literals;
using core::Metric;

namespace {

struct ScenarioBed : test::KetamineBed {
  void reading(Metric m, double v, core::Quality q = {}) {
    bed.on_reading("monitor", core::Reading{m, v, q, {}}, clock.now(), out);
  }
  void cuff(double sys, double dia) {
    reading(Metric::nibp_systolic, sys);
    reading(Metric::nibp_diastolic, dia);
    reading(Metric::nibp_mean, dia + (sys - dia) / 3);
  }
  // One reading of each stream per second, ticking as the daemon does.
  void stream(Metric m, double v, int seconds, core::Quality q = {}) {
    for (int i = 0; i < seconds; ++i) {
      reading(m, v, q);
      bed.tick(clock.now(), out);
      clock.advance(1s);
    }
  }
  // A calm ten minutes before the infusion: the baseline.
  void calm_before_infusion(double sys = 128, double dia = 78) {
    for (int i = 0; i < 600; ++i) {
      if (i % 300 == 0) cuff(sys, dia);
      reading(Metric::spo2, 97);
      reading(Metric::pulse_rate, 72);
      bed.tick(clock.now(), out);
      clock.advance(1s);
    }
  }
  std::vector<std::string> log() const {
    std::vector<std::string> lines;
    for (const auto& a : out.alarms)
      lines.push_back(std::string{to_string(a.transition)} + " " + std::string{to_string(a.priority)} + " " +
                      a.condition);
    return lines;
  }
};

using Log = std::vector<std::string>;

}  // namespace

TEST_CASE("the expected ketamine rise (+15 % systolic) raises nothing") {
  ScenarioBed b;
  b.calm_before_infusion(128, 78);
  REQUIRE(b.bed.start_infusion("ketamine", "0.5 mg/kg over 40 min", {}, b.nurse, b.clock.now(), b.out).ok());
  CHECK(b.bed.baseline().at(Metric::nibp_systolic) == 128);
  for (int cycle = 0; cycle < 8; ++cycle) {
    b.cuff(128 * 1.15, 78 * 1.12);
    b.stream(Metric::pulse_rate, 84, 300);
  }
  CHECK(b.log() == Log{});
}

TEST_CASE("a 220/120 spike raises a high-priority hypertensive crisis at once, latched until acknowledged") {
  ScenarioBed b;
  b.cuff(220, 120);
  REQUIRE(b.log() == Log{"raised high hypertension"});
  CHECK(b.out.alarms[0].message.find("Hypertensive crisis: NIBP sys 220") == 0);
  CHECK(b.out.alarms[0].value == 220);
  CHECK(b.out.alarms[0].limit == 200);
  CHECK(b.out.alarms[0].rule == AlarmRule::limit);  // a receiver may call it "above the limit"
  b.wait(300s);
  b.cuff(150, 90);
  CHECK(b.log() == Log{"raised high hypertension", "cleared high hypertension"});
  CHECK(b.out.alarms.back().latched);
  const auto id = b.out.alarms[0].alarm_id;
  REQUIRE(b.bed.acknowledge(id, b.nurse, b.clock.now(), b.out).ok());
  CHECK(b.log() == Log{"raised high hypertension", "cleared high hypertension",
                       "acknowledged high hypertension", "reset high hypertension"});
  CHECK(b.out.alarms[2].actor == "nurse Ana at station-1");
}

TEST_CASE("a 185 systolic is medium hypertension; a later 205 escalates the same alarm to high") {
  ScenarioBed b;
  b.cuff(185, 95);
  b.wait(60s);
  b.cuff(205, 100);
  CHECK(b.log() == Log{"raised medium hypertension", "escalated high hypertension"});
  CHECK(b.out.alarms[0].alarm_id == b.out.alarms[1].alarm_id);
}

TEST_CASE("a surge 30 % above the patient's own baseline alarms with both values in the text") {
  ScenarioBed b;
  b.calm_before_infusion(128, 78);
  REQUIRE(b.bed.start_infusion("ketamine", "", {}, b.nurse, b.clock.now(), b.out).ok());
  b.wait(200s);
  b.cuff(172, 96);  // +34 %, above the 160 floor, below the 180 absolute limit
  REQUIRE(b.log() == Log{"raised medium bp_surge"});
  const auto& a = b.out.alarms[0];
  CHECK(a.baseline == 128);
  CHECK(a.value == 172);
  CHECK(a.message.find("NIBP sys 172 mmHg, 34.4 % above baseline 128") != std::string::npos);
}

TEST_CASE("without enough pre-infusion data the baseline says so and absolute limits stay") {
  ScenarioBed b;
  b.stream(Metric::spo2, 97, 20);  // twenty seconds, no cuff
  auto r = b.bed.start_infusion("ketamine", "", {}, b.nurse, b.clock.now(), b.out);
  REQUIRE(r.ok());
  CHECK(r.value().find("not enough data") != std::string::npos);
  CHECK(r.value().find("surge alarms are off") != std::string::npos);
  CHECK(b.bed.baseline_source() == "unavailable");
  b.wait(60s);
  b.cuff(172, 96);
  CHECK(b.log() == Log{});
  b.cuff(222, 121);
  CHECK(b.log() == Log{"raised high hypertension"});
}

TEST_CASE("a baseline entered by staff is used when the data is missing") {
  ScenarioBed b;
  REQUIRE(b.bed.start_infusion("ketamine", "", {{Metric::nibp_systolic, 120}}, b.nurse, b.clock.now(), b.out)
              .ok());
  CHECK(b.bed.baseline_source() == "entered");
  b.cuff(165, 90);  // +37.5 % and >= 160
  CHECK(b.log() == Log{"raised medium bp_surge"});
}

TEST_CASE("SpO2 88 % for 20 s raises medium desaturation after the 15 s delay") {
  ScenarioBed b;
  const auto start = b.clock.now();
  b.stream(Metric::spo2, 88, 20);
  REQUIRE(b.log() == Log{"raised medium desaturation"});
  CHECK(b.out.alarms[0].time - start == 15s);
}

TEST_CASE(
    "SpO2 88 % from t: medium desaturation is raised at t + 15 s, and its onset (and id) is t, when the "
    "desaturation began") {
  ScenarioBed b;
  b.stream(Metric::spo2, 97, 60);
  const auto t = b.clock.now();
  b.stream(Metric::spo2, 88, 20);
  REQUIRE(b.log() == Log{"raised medium desaturation"});
  const auto& raised = b.out.alarms[0];
  CHECK(raised.time == t + 15s);
  CHECK(raised.onset == t);
  const auto t_ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  CHECK(raised.alarm_id == "bed-1:desaturation:" + std::to_string(t_ms));
}

TEST_CASE("SpO2 88 % from t, 83 % from t + 20 s: the high level escalates the same alarm, onset still t") {
  ScenarioBed b;
  const auto t = b.clock.now();
  b.stream(Metric::spo2, 88, 20);
  b.stream(Metric::spo2, 83, 10);
  REQUIRE(b.log() == Log{"raised medium desaturation", "escalated high desaturation"});
  CHECK(b.out.alarms[1].time == t + 25s);
  CHECK(b.out.alarms[1].alarm_id == b.out.alarms[0].alarm_id);
  CHECK(b.out.alarms[1].onset == t);
}

TEST_CASE("SpO2 82 % from t raises high at t + 5 s with its onset at t") {
  ScenarioBed b;
  const auto t = b.clock.now();
  b.stream(Metric::spo2, 82, 8);
  REQUIRE(b.log() == Log{"raised high desaturation"});
  CHECK(b.out.alarms[0].time == t + 5s);
  CHECK(b.out.alarms[0].onset == t);
}

TEST_CASE("SpO2 88 % for 10 s raises nothing") {
  ScenarioBed b;
  b.stream(Metric::spo2, 88, 10);
  b.stream(Metric::spo2, 96, 60);
  CHECK(b.log() == Log{});
}

TEST_CASE("SpO2 82 % raises high after 5 s") {
  ScenarioBed b;
  const auto start = b.clock.now();
  b.stream(Metric::spo2, 82, 8);
  REQUIRE(b.log() == Log{"raised high desaturation"});
  CHECK(b.out.alarms[0].time - start == 5s);
}

TEST_CASE("artifact-flagged values never alarm, and a gap does not silently restart the delay") {
  ScenarioBed b;
  core::Quality motion;
  motion.set(core::QualityFlag::artifact);
  b.stream(Metric::spo2, 70, 60, motion);
  CHECK(b.log() == Log{});
  // 10 s low, 10 s of artifact, then low again: 20 s of the condition, so it alarms at once.
  b.stream(Metric::spo2, 88, 10);
  b.stream(Metric::spo2, 60, 10, motion);
  b.stream(Metric::spo2, 88, 1);
  CHECK(b.log() == Log{"raised medium desaturation"});
}

TEST_CASE("tachycardia needs 30 s above 120; above 150 for 10 s is high") {
  ScenarioBed b;
  b.stream(Metric::pulse_rate, 128, 29);
  CHECK(b.log() == Log{});
  b.stream(Metric::pulse_rate, 128, 2);
  CHECK(b.log() == Log{"raised medium tachycardia"});
  b.stream(Metric::pulse_rate, 158, 11);
  CHECK(b.log() == Log{"raised medium tachycardia", "escalated high tachycardia"});
}

TEST_CASE("audio pause lasts 2 minutes, then re-announces an alarm still present") {
  ScenarioBed b;
  b.stream(Metric::spo2, 82, 6);
  REQUIRE(b.bed.audio_pause(b.nurse, b.clock.now(), b.out).ok());
  b.stream(Metric::spo2, 82, 119);
  CHECK(b.log() == Log{"raised high desaturation", "audio_paused high desaturation"});
  b.stream(Metric::spo2, 82, 2);
  CHECK(b.log() ==
        Log{"raised high desaturation", "audio_paused high desaturation", "audio_resumed high desaturation"});
}

TEST_CASE("an unacknowledged medium alarm escalates to high 120 s after it was raised") {
  ScenarioBed b;
  const auto t = b.clock.now();
  b.stream(Metric::spo2, 88, 15 + 121);
  REQUIRE(b.log() == Log{"raised medium desaturation", "escalated high desaturation"});
  CHECK(b.out.alarms[1].time - b.out.alarms[0].time == 120s);
  CHECK(b.out.alarms[1].onset == t);
  CHECK(b.out.alarms[1].message.starts_with("unacknowledged for 120 s: "));
}

TEST_CASE("sensor off is a medium technical alarm after 10 s and clears when the sensor is back") {
  ScenarioBed b;
  core::DeviceConditions off;
  off.set(core::DeviceCondition::sensor_off);
  for (int i = 0; i < 12; ++i) {
    b.bed.on_device_conditions("oximeter", off, b.clock.now(), b.out);
    b.wait(1s);
  }
  b.bed.on_device_conditions("oximeter", {}, b.clock.now(), b.out);
  CHECK(b.log() == Log{"raised medium sensor_off:oximeter", "cleared medium sensor_off:oximeter"});
  CHECK(b.out.alarms[0].kind == AlarmKind::technical);
}

TEST_CASE("no cuff reading for a cycle plus grace during the infusion is low, after two cycles medium") {
  ScenarioBed b;
  b.calm_before_infusion();
  REQUIRE(b.bed.start_infusion("ketamine", "", {}, b.nurse, b.clock.now(), b.out).ok());
  b.wait(360s);
  CHECK(b.log() == Log{});
  b.wait(2s);
  CHECK(b.log() == Log{"raised low nibp_overdue"});
  b.wait(300s);
  CHECK(b.log() == Log{"raised low nibp_overdue", "escalated medium nibp_overdue"});
  b.cuff(130, 80);
  b.wait(1s);
  CHECK(b.log().back() == "cleared medium nibp_overdue");
}

TEST_CASE("a limit change is attributed with old and new values; a bad one names the field") {
  ScenarioBed b;
  RuleOverride o{"desaturation", Priority::medium, 88.0, std::nullopt, std::nullopt, "", "nurse Ana"};
  auto r = b.bed.set_limit(o, b.nurse, b.clock.now(), b.out);
  REQUIRE(r.ok());
  // The change, then the rules now in force whole, for the journal.
  REQUIRE(b.out.context.size() == 2);
  CHECK(b.out.context[0].what == "limit_changed");
  CHECK(b.out.context[1].what == "limits_in_force");
  const auto in_force = parse_limits_text(b.out.context[1].new_value);
  REQUIRE(in_force.ok());
  int desaturation_88 = 0;
  for (const auto& rule : in_force.value())
    desaturation_88 +=
        rule.condition == "desaturation" && rule.priority == Priority::medium && rule.threshold == 88;
  CHECK(desaturation_88 == 1);
  CHECK(b.out.context[0].old_value == "desaturation medium: SpO₂ < 90 % for 15 s");
  CHECK(b.out.context[0].new_value == "SpO₂ < 88 % for 15 s");
  CHECK(b.out.context[0].actor.who == "nurse Ana");
  b.stream(Metric::spo2, 89, 30);
  CHECK(b.log() == Log{});

  CHECK(b.bed.set_limit({"desat", Priority::medium, 88.0, {}, {}, "", ""}, b.nurse, b.clock.now(), b.out)
            .error()
            .starts_with("limit.condition:"));
  CHECK(b.bed.set_limit({"desaturation", Priority::low, 88.0, {}, {}, "", ""}, b.nurse, b.clock.now(), b.out)
            .error()
            .starts_with("limit.priority:"));
  CHECK(
      b.bed.set_limit({"desaturation", Priority::medium, -5.0, {}, {}, "", ""}, b.nurse, b.clock.now(), b.out)
          .error()
          .starts_with("limit.threshold:"));
}

TEST_CASE(
    "a systolic-only hypertension limit of 170: 172/90 raises medium hypertension, the 110 diastolic "
    "limit stays, and 170 for both rules of the level is refused") {
  ScenarioBed b;
  RuleOverride both{"hypertension", Priority::medium, 170.0, {}, {}, "", "Dr. Lee"};
  // 170 would also go to the diastolic rule, above its own high level (120).
  CHECK(b.bed.set_limit(both, b.nurse, b.clock.now(), b.out).error().starts_with("limit.threshold:"));
  RuleOverride systolic = both;
  systolic.metric = "nibp_sys";
  auto r = b.bed.set_limit(systolic, b.nurse, b.clock.now(), b.out);
  REQUIRE(r.ok());
  CHECK(b.out.context[0].old_value == "hypertension medium: NIBP sys >= 180 mmHg");
  CHECK(b.out.context[0].new_value == "NIBP sys >= 170 mmHg");
  const auto in_force = parse_limits_text(b.out.context[1].new_value);
  REQUIRE(in_force.ok());
  std::map<std::pair<Metric, Priority>, double> hypertension;
  for (const auto& rule : in_force.value())
    if (rule.condition == "hypertension") hypertension[{rule.metric, rule.priority}] = rule.threshold;
  CHECK(hypertension ==
        std::map<std::pair<Metric, Priority>, double>{{{Metric::nibp_systolic, Priority::medium}, 170},
                                                      {{Metric::nibp_diastolic, Priority::medium}, 110},
                                                      {{Metric::nibp_systolic, Priority::high}, 200},
                                                      {{Metric::nibp_diastolic, Priority::high}, 120}});
  b.cuff(165, 105);
  b.wait(60s);
  CHECK(b.log() == Log{});
  b.cuff(150, 112);  // the diastolic rule is unchanged
  b.wait(60s);
  b.cuff(130, 80);
  b.wait(60s);
  b.cuff(172, 90);
  CHECK(b.log() ==
        Log{"raised medium hypertension", "cleared medium hypertension", "raised medium hypertension"});
  CHECK(b.out.alarms.back().limit == 170);

  systolic.metric = "spo2";
  const auto wrong = b.bed.set_limit(systolic, b.nurse, b.clock.now(), b.out);
  REQUIRE_FALSE(wrong.ok());
  CHECK(
      wrong.error() ==
      "limit.metric: condition 'hypertension' medium has no rule on 'spo2' in profile ketamine-iv-adult (it "
      "has nibp_sys, nibp_dia)");
}

namespace {
// Beats at the given intervals (ms), from a pulse oximeter, ticking as the daemon does.
void beats(ScenarioBed& b, const std::vector<int>& rr_ms) {
  for (int rr : rr_ms) {
    const auto step = std::chrono::milliseconds{rr};
    for (auto t = std::chrono::milliseconds{0}; t < step; t += std::chrono::milliseconds{250}) {
      const auto dt = std::min(std::chrono::milliseconds{250}, step - t);
      b.clock.advance(dt);
      b.bed.tick(b.clock.now(), b.out);
    }
    b.bed.on_beat(Beat{b.clock.now(), BeatSource::pulse, std::nullopt, std::nullopt});
  }
}
std::vector<int> sinus(int n, int rr) {
  std::vector<int> v;
  for (int i = 0; i < n; ++i) v.push_back(rr + (i % 4 == 0 ? 12 : i % 4 == 2 ? -12 : 0));  // mild variability
  return v;
}
std::vector<int> fibrillation(int n, int mean_rr, unsigned seed) {
  std::vector<int> v;
  std::uint32_t x = seed;
  for (int i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    v.push_back(mean_rr - mean_rr * 35 / 100 +
                static_cast<int>(x % static_cast<std::uint32_t>(mean_rr * 70 / 100)));
  }
  return v;
}
}  // namespace

TEST_CASE("sinus rhythm with normal variability raises no rhythm alarm") {
  ScenarioBed b;
  beats(b, sinus(400, 820));
  CHECK(b.log() == Log{});
}

TEST_CASE(
    "an irregular pulse near 140 from an oximeter is high priority after 30 s, worded as an irregular "
    "pulse") {
  ScenarioBed b;
  beats(b, sinus(60, 800));
  beats(b, fibrillation(200, 430, 7));
  REQUIRE_FALSE(b.out.alarms.empty());
  CHECK(b.log().front() == "raised high atrial_fibrillation");
  // Pulse beats cannot show the atria: no AF diagnosis in the text.
  CHECK(b.out.alarms.front().message.find("Fast irregular pulse") == 0);
  CHECK(b.out.alarms.front().message.find("no ECG to confirm AF") != std::string::npos);
  CHECK(b.out.alarms.front().latched == false);
}

TEST_CASE("AF at a controlled rate is a medium irregular-rhythm alarm after 60 s") {
  ScenarioBed b;
  beats(b, sinus(60, 800));
  const auto start = b.clock.now();
  beats(b, fibrillation(150, 700, 11));
  REQUIRE_FALSE(b.out.alarms.empty());
  CHECK(b.log().front() == "raised medium atrial_fibrillation");
  CHECK(b.out.alarms.front().time - start >= 60s);
}

TEST_CASE("a bed without beat timing never reports rhythm conditions") {
  ScenarioBed b;
  b.stream(Metric::pulse_rate, 72, 300);
  for (const auto& a : b.out.alarms) CHECK(a.condition.find("rhythm") == std::string::npos);
  CHECK(b.log() == Log{});
}

TEST_CASE(
    "a latched tachycardia keeps the pulse and limit that raised it through clear, acknowledge and reset") {
  ScenarioBed b;
  b.stream(Metric::pulse_rate, 160, 40);
  b.stream(Metric::pulse_rate, 80, 5);
  REQUIRE(b.log() == Log{"raised high tachycardia", "cleared high tachycardia"});
  REQUIRE(b.bed.acknowledge("", b.nurse, b.clock.now(), b.out).ok());
  REQUIRE(b.log().back() == "reset high tachycardia");
  for (const auto& a : b.out.alarms) {
    INFO(to_string(a.transition));
    CHECK(a.metric == Metric::pulse_rate);
    CHECK(a.value == 160);
    CHECK(a.limit == 150);  // the level it reached: extreme tachycardia above 150
    CHECK(a.message.find("Pulse 160 /min") != std::string::npos);
  }
}

TEST_CASE("a severe desaturation that recovers through the medium band clears with the 84 % that raised it") {
  ScenarioBed b;
  b.stream(Metric::spo2, 84, 20);
  b.stream(Metric::spo2, 88, 20);
  b.stream(Metric::spo2, 96, 2);
  REQUIRE(b.log() == Log{"raised high desaturation", "cleared high desaturation"});
  for (const auto& a : b.out.alarms) {
    INFO(to_string(a.transition));
    CHECK(a.value == 84);
    CHECK(a.limit == 85);
    CHECK(a.message.find("Severe desaturation") == 0);
  }
}

TEST_CASE("tachycardia raised from the ECG heart rate keeps it while the pulse rate goes on past the limit") {
  ScenarioBed b;
  for (int i = 0; i < 35; ++i) {
    b.reading(Metric::heart_rate, 126);
    b.reading(Metric::pulse_rate, 121);
    b.bed.tick(b.clock.now(), b.out);
    b.clock.advance(1s);
  }
  b.stream(Metric::heart_rate, 90, 1);
  b.stream(Metric::pulse_rate, 90, 1);
  REQUIRE(b.log() == Log{"raised medium tachycardia", "cleared medium tachycardia"});
  for (const auto& a : b.out.alarms) {
    CHECK(a.metric == Metric::heart_rate);
    CHECK(a.value == 126);
  }
}
