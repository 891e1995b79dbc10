#include "drivers/intellivue/intellivue_session.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "drivers/intellivue/intellivue_framing.hpp"
#include "drivers/intellivue/intellivue_messages.hpp"
#include "drivers/intellivue/intellivue_monitor_sim.hpp"
#include "tests/unit/drivers/calendar_time.hpp"
#include "tests/unit/drivers/readings_of.hpp"

using namespace vigil;
using namespace vigil::drivers;
using namespace std::chrono_literals;
namespace iv = vigil::drivers::intellivue;
using core::DeviceCondition;
using core::Metric;
using core::QualityFlag;
using Bytes = std::vector<std::uint8_t>;
using vigil::test::readings_of;
using vigil::test::utc;

namespace {

// The frames one side sent, as parsed messages.
std::vector<IntellivueMessage> messages_in(const Bytes& bytes) {
  std::vector<IntellivueMessage> out;
  IntellivueDeframer d;
  std::vector<std::string> errors;
  d.feed(
      bytes,
      [&](std::span<const std::uint8_t> m) {
        auto p = parse_intellivue_message(m);
        REQUIRE(p.message.has_value());
        out.push_back(*p.message);
      },
      errors);
  CHECK(errors.empty());
  return out;
}

// A vigil session and a simulated monitor wired together in memory. The
// monitor's clock runs `monitor_offset` ahead of the daemon's (another time
// zone, or just wrong).
struct IntellivueBench {
  std::unique_ptr<DeviceSession> session = make_intellivue_session();
  IntellivueMonitorSim monitor;
  IntellivueMonitorState state;
  core::TimePoint now = utc(2024, 3, 5, 10, 0, 0);
  core::Duration monitor_offset{};
  bool cable = true;
  DecodeOutput out;               // everything the session put out since the last take()
  std::vector<Bytes> from_vigil;  // every chunk vigil sent

  IntellivueBench() {
    state.heart_rate = 72;
    state.spo2 = 97;
    state.pulse_rate = 71;
    state.resp_rate = 14;
    state.clock = now;
    state.nibp = IntellivueMonitorState::Nibp{120, 80, 93, state.clock - 90s};
  }

  void open() {
    DecodeOutput o;
    session->on_open(o);
    route(o);
  }

  void tick(core::Duration dt = 1s) {
    now += dt;
    state.clock = now + monitor_offset;
    monitor.tick(state.clock);
    DecodeOutput o;
    session->on_tick(now, o);
    route(o);
  }

  void run(core::Duration total, core::Duration step = 1s) {
    for (core::Duration t{}; t < total; t += step) tick(step);
  }

  // Delivers what the session sent to the monitor and the answers back,
  // until both are quiet.
  void route(DecodeOutput& o) {
    for (int round = 0; round < 10; ++round) {
      collect(o);
      if (o.to_send.empty() || !cable) return;
      from_vigil.push_back(o.to_send);
      const auto answer = monitor.receive(o.to_send, state);
      o.clear();
      if (answer.empty()) return;
      session->on_bytes(answer, o);
    }
    FAIL("the session and the monitor kept talking");
  }

  void deliver_from_monitor(const Bytes& bytes) {
    DecodeOutput o;
    session->on_bytes(bytes, o);
    route(o);
  }

  void collect(const DecodeOutput& o) {
    out.readings.insert(out.readings.end(), o.readings.begin(), o.readings.end());
    out.errors.insert(out.errors.end(), o.errors.begin(), o.errors.end());
    if (o.conditions) out.conditions = o.conditions;
  }

  DecodeOutput take() {
    auto o = out;
    out.clear();
    return o;
  }
};

std::size_t count_polls(const std::vector<Bytes>& chunks) {
  std::size_t n = 0;
  for (const auto& c : chunks)
    for (const auto& m : messages_in(c)) n += m.kind == IntellivueMessageKind::poll_request ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("a full conversation: association, MDS create, polls, then heart rate, SpO2, pulse, RR and NIBP") {
  IntellivueBench b;
  b.open();
  REQUIRE(b.from_vigil.size() == 2);
  CHECK(messages_in(b.from_vigil[0])[0].kind == IntellivueMessageKind::association_request);
  CHECK(messages_in(b.from_vigil[1])[0].kind == IntellivueMessageKind::mds_create_result);
  CHECK(b.monitor.associated());
  auto first = b.take();
  CHECK(first.readings.empty());
  CHECK(first.errors.empty());

  b.tick();
  const auto o = b.take();
  CHECK(o.errors.empty());
  REQUIRE(readings_of(o.readings, Metric::heart_rate).size() == 1);
  CHECK(readings_of(o.readings, Metric::heart_rate)[0].value == 72);
  CHECK(readings_of(o.readings, Metric::heart_rate)[0].quality.usable());
  CHECK_FALSE(readings_of(o.readings, Metric::heart_rate)[0].device_time.has_value());
  CHECK(readings_of(o.readings, Metric::spo2)[0].value == 97);
  CHECK(readings_of(o.readings, Metric::pulse_rate)[0].value == 71);
  CHECK(readings_of(o.readings, Metric::resp_rate)[0].value == 14);
  const auto sys = readings_of(o.readings, Metric::nibp_systolic);
  REQUIRE(sys.size() == 1);
  CHECK(sys[0].value == 120);
  CHECK(readings_of(o.readings, Metric::nibp_diastolic)[0].value == 80);
  CHECK(readings_of(o.readings, Metric::nibp_mean)[0].value == 93);
  CHECK(sys[0].quality.usable());
  REQUIRE(sys[0].device_time.has_value());
  CHECK(*sys[0].device_time == b.state.nibp->measured);  // 91 s before this tick
  CHECK(*sys[0].device_time == b.now - 91s);
  REQUIRE(o.conditions.has_value());
  CHECK(*o.conditions == core::DeviceConditions{});
  CHECK(b.session->stats().frames_bad == 0);
}

TEST_CASE("the NIBP measurement time survives a monitor clock five hours off") {
  IntellivueBench b;
  b.monitor_offset = 5h + 17s;
  b.state.clock = b.now + b.monitor_offset;
  b.state.nibp->measured = b.state.clock - 4min;
  b.open();
  b.tick();
  const auto sys = readings_of(b.take().readings, Metric::nibp_systolic);
  REQUIRE(sys.size() == 1);
  REQUIRE(sys[0].device_time.has_value());
  CHECK(*sys[0].device_time == b.state.nibp->measured - b.monitor_offset);
  CHECK(*sys[0].device_time == b.now - 4min - 1s);
}

TEST_CASE("polls go out once a second, keep the association up for an hour and never ask for a setting") {
  IntellivueBench b;
  b.open();
  b.run(1h);
  CHECK(b.monitor.associated());
  CHECK(b.monitor.timeouts() == 0);
  CHECK(b.monitor.associations() == 1);
  CHECK(b.monitor.polls_answered() == 2 * 3600);
  CHECK(b.monitor.forbidden_requests() == 0);
  CHECK(b.take().errors.empty());
  for (const auto& chunk : b.from_vigil) {
    for (const auto& m : messages_in(chunk)) {
      const bool allowed = m.kind == IntellivueMessageKind::association_request ||
                           m.kind == IntellivueMessageKind::mds_create_result ||
                           (m.kind == IntellivueMessageKind::poll_request && m.poll_request.extended);
      CHECK(allowed);
    }
  }
}

TEST_CASE("ticks a little early still poll each second; ticks twice a second poll once a second") {
  IntellivueBench b;
  b.open();
  b.from_vigil.clear();
  b.run(10s, 900ms);  // 12 ticks
  CHECK(count_polls(b.from_vigil) == 2 * 12);
  b.from_vigil.clear();
  b.run(10s, 500ms);  // 20 ticks, a poll on every second one
  CHECK(count_polls(b.from_vigil) == 2 * 10);
}

TEST_CASE("when vigil stops polling the monitor drops the association after its time-out") {
  IntellivueBench b;
  b.open();
  b.tick();
  for (int i = 0; i < 9; ++i) b.monitor.tick(b.state.clock + std::chrono::seconds{i + 1});
  CHECK(b.monitor.associated());
  b.monitor.tick(b.state.clock + intellivue_timing::kMonitorTimeout);
  CHECK_FALSE(b.monitor.associated());
}

TEST_CASE("a monitor that goes quiet: one error after 10 s, a new association, values again") {
  IntellivueBench b;
  b.open();
  b.run(3s);
  b.take();
  b.cable = false;
  b.run(9s);
  CHECK(b.take().errors.empty());
  b.run(1s);
  auto o = b.take();
  REQUIRE(o.errors.size() == 1);
  CHECK(o.errors[0] == "intellivue: no answer from the monitor for 10 s: requesting a new association");
  b.run(30s);
  CHECK(b.take().errors.empty());  // one line per run of failures
  b.monitor.tick(b.state.clock);   // long since timed out on its side
  CHECK_FALSE(b.monitor.associated());
  b.cable = true;
  b.run(6s);
  CHECK(b.monitor.associated());
  CHECK(b.monitor.associations() == 2);
  o = b.take();
  CHECK_FALSE(readings_of(o.readings, Metric::heart_rate).empty());
  CHECK(readings_of(o.readings, Metric::nibp_systolic).size() ==
        1);  // reported again after the new association
}

TEST_CASE("an unanswered association request is repeated every 5 s with one error line") {
  IntellivueBench b;
  b.cable = false;
  b.open();
  b.run(5s);  // the request counts from the first tick
  CHECK(b.take().errors.empty());
  b.run(1s);
  auto o = b.take();
  REQUIRE(o.errors.size() == 1);
  CHECK(o.errors[0].find("no answer to the association request") != std::string::npos);
  b.run(20s);
  CHECK(b.take().errors.empty());
}

TEST_CASE("an association aborted by the monitor is requested again after 5 s") {
  IntellivueBench b;
  b.open();
  b.run(2s);
  b.take();
  b.deliver_from_monitor(b.monitor.abort());
  auto o = b.take();
  REQUIRE(o.errors.size() == 1);
  CHECK(o.errors[0] == "intellivue: the monitor aborted the association; asking again in 5 s");
  b.run(3s);
  CHECK_FALSE(b.monitor.associated());
  b.run(3s);
  CHECK(b.monitor.associated());
  CHECK(b.take().errors.empty());
}

TEST_CASE("a release request from the monitor is answered with a release response") {
  IntellivueBench b;
  b.open();
  DecodeOutput o;
  b.session->on_bytes(intellivue_frame(encode_intellivue_release_request()), o);
  const auto sent = messages_in(o.to_send);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].kind == IntellivueMessageKind::release_response);
  REQUIRE(o.errors.size() == 1);
  CHECK(o.errors[0].find("released the association") != std::string::npos);
}

TEST_CASE("NIBP is reported once per measurement, with the new measurement's time") {
  IntellivueBench b;
  b.open();
  b.tick();
  CHECK(readings_of(b.take().readings, Metric::nibp_systolic).size() == 1);
  b.run(30s);
  auto o = b.take();
  CHECK(readings_of(o.readings, Metric::nibp_systolic).empty());
  CHECK(readings_of(o.readings, Metric::heart_rate).size() == 30);
  b.state.nibp = IntellivueMonitorState::Nibp{182, 104, 130, b.state.clock - 10s};
  b.tick();
  o = b.take();
  const auto sys = readings_of(o.readings, Metric::nibp_systolic);
  REQUIRE(sys.size() == 1);
  CHECK(sys[0].value == 182);
  CHECK(*sys[0].device_time == b.now - 11s);
  // The same numbers measured again are a new measurement too.
  b.state.nibp->measured = b.state.clock;
  b.tick();
  CHECK(readings_of(b.take().readings, Metric::nibp_systolic).size() == 1);
}

TEST_CASE("NIBP in kPa is converted to mmHg") {
  IntellivueBench b;
  b.state.nibp_in_kpa = true;
  b.open();
  b.tick();
  const auto o = b.take();
  CHECK(o.errors.empty());
  CHECK(readings_of(o.readings, Metric::nibp_systolic)[0].value == doctest::Approx(120).epsilon(0.005));
  CHECK(readings_of(o.readings, Metric::nibp_diastolic)[0].value == doctest::Approx(80).epsilon(0.005));
}

TEST_CASE("values the monitor has not got are invalid readings, not numbers") {
  IntellivueBench b;
  b.state.heart_rate.reset();
  b.state.nibp.reset();
  b.open();
  b.tick();
  const auto o = b.take();
  const auto hr = readings_of(o.readings, Metric::heart_rate);
  REQUIRE(hr.size() == 1);
  CHECK(hr[0].quality.has(QualityFlag::invalid));
  CHECK_FALSE(hr[0].value);
  const auto sys = readings_of(o.readings, Metric::nibp_systolic);
  REQUIRE(sys.size() == 1);
  CHECK(sys[0].quality.has(QualityFlag::invalid));
}

TEST_CASE("a monitor in demo mode: every value invalid and one error line per poll result") {
  IntellivueBench b;
  b.state.demo = true;
  b.open();
  b.tick();
  const auto o = b.take();
  REQUIRE_FALSE(o.readings.empty());
  for (const auto& r : o.readings) CHECK(r.quality.has(QualityFlag::invalid));
  REQUIRE(o.errors.size() == 1);
  CHECK(o.errors[0] == "intellivue: 7 values marked demo or test data by the monitor, read as invalid");
}

TEST_CASE("INOPs become conditions: LEADS OFF, SpO2 NO SENSOR, battery low") {
  IntellivueBench b;
  b.state.inops = {{iv::kPhysioEcg, iv::evt::leads_off, 0, 0, "LEADS OFF"},
                   {iv::kPhysioSpo2, iv::evt::sensor_disconnected, 0, 0, "SpO2 NO SENSOR"},
                   {0, iv::evt::battery_low, 0, 0, "BATTERY LOW"}};
  b.open();
  b.tick();
  auto o = b.take();
  REQUIRE(o.conditions.has_value());
  core::DeviceConditions want;
  want.set(DeviceCondition::sensor_off);
  want.set(DeviceCondition::no_sensor);
  want.set(DeviceCondition::low_battery);
  CHECK(*o.conditions == want);
  b.state.inops.clear();
  b.tick();
  o = b.take();
  REQUIRE(o.conditions.has_value());
  CHECK(*o.conditions == core::DeviceConditions{});
}

TEST_CASE("INOP codes map to conditions; unknown codes fall back to the English text") {
  struct Case {
    IntellivueAlarm inop;
    std::optional<DeviceCondition> want;
  };
  const Case cases[] = {
      {{iv::kPhysioEcg, iv::evt::leads_off, 0, 0, ""}, DeviceCondition::sensor_off},
      {{iv::kPhysioEcg, iv::evt::lead_disconnected_yellow, 0, 0, ""}, DeviceCondition::sensor_off},
      {{iv::kPhysioSpo2, iv::evt::sensor_disconnected, 0, 0, ""}, DeviceCondition::no_sensor},
      {{iv::kPhysioSpo2, iv::evt::absent, 0, 0, ""}, DeviceCondition::no_sensor},
      {{iv::kPhysioEcg, iv::evt::absent, 0, 0, ""}, std::nullopt},
      {{iv::kPhysioSpo2, iv::evt::noisy, 0, 0, ""}, DeviceCondition::artifact},
      {{iv::kPhysioSpo2, iv::evt::signal_low, 0, 0, ""}, DeviceCondition::low_perfusion},
      {{iv::kPhysioEcg, iv::evt::signal_low, 0, 0, ""}, DeviceCondition::low_signal_quality},
      {{iv::kPhysioSpo2, iv::evt::erratic, 0, 0, ""}, DeviceCondition::low_signal_quality},
      {{0, iv::evt::battery_low, 0, 0, ""}, DeviceCondition::low_battery},
      {{iv::kPhysioSpo2, iv::evt::sensor_malfunction, 0, 0, ""}, DeviceCondition::device_malfunction},
      {{iv::kPhysioSpo2, iv::evt::status_sensor_warming, 0, 0, ""}, DeviceCondition::searching},
      {{iv::kPhysioSpo2, 0xF000, 0, 0, "SpO2 NO SENSOR"}, DeviceCondition::no_sensor},
      {{iv::kPhysioSpo2, 0xF000, 0, 0, "SpO2 SENSOR OFF"}, DeviceCondition::sensor_off},
      {{iv::kPhysioEcg, 0xF000, 0, 0, "ECG LEADS OFF"}, DeviceCondition::sensor_off},
      {{iv::kPhysioSpo2, 0xF000, 0, 0, "SpO2 LOW PERF"}, DeviceCondition::low_perfusion},
      {{iv::kPhysioSpo2, 0xF000, 0, 0, "SpO2 INTERFERNCE"}, DeviceCondition::artifact},
      {{0, 0xF000, 0, 0, "REPLACE BATTERY"}, DeviceCondition::low_battery},
      {{0, 0xF000, 0, 0, "NBP CUFF OVERPRESS"}, std::nullopt},
      {{0, 0xF000, 0, 0, ""}, std::nullopt},
  };
  for (const auto& c : cases) {
    INFO("code " << c.inop.code << " text '" << c.inop.text << "'");
    core::DeviceConditions want;
    if (c.want) want.set(*c.want);
    CHECK(intellivue_inop_conditions(c.inop) == want);
  }
}

TEST_CASE(
    "MeasurementState: invalid, unavailable, demo and test data invalidate; questionable and calibration "
    "question") {
  CHECK(intellivue_quality(0).usable());
  CHECK(intellivue_quality(iv::msmt::validated | iv::msmt::measurement_ongoing).usable());
  CHECK(intellivue_quality(iv::msmt::invalid).has(QualityFlag::invalid));
  CHECK(intellivue_quality(iv::msmt::unavailable).has(QualityFlag::invalid));
  CHECK(intellivue_quality(iv::msmt::demo_data).has(QualityFlag::invalid));
  CHECK(intellivue_quality(iv::msmt::test_data).has(QualityFlag::invalid));
  CHECK(intellivue_quality(iv::msmt::questionable).has(QualityFlag::questionable));
  CHECK(intellivue_quality(iv::msmt::calibration_ongoing).has(QualityFlag::questionable));
}

TEST_CASE("a value in an unexpected unit is not read and says why") {
  IntellivuePollResult r;
  r.object_class = iv::kClassNumeric;
  IntellivueNumeric n;
  n.handle = 1;
  n.values.push_back({iv::kPhysioEcgHeartRate, 0, iv::kUnitPercent, intellivue_float(72, 0)});
  r.numerics.push_back(n);
  auto s = make_intellivue_session();
  DecodeOutput o;
  s->on_bytes(intellivue_frame(encode_intellivue_poll_result(1, r)), o);
  CHECK(o.readings.empty());
  REQUIRE(o.errors.size() == 1);
  CHECK(o.errors[0] == "intellivue: hr in unit code 0x0220, not 0x0AA0: not read");
}

TEST_CASE("without a clock reference the first NIBP of an association is marked questionable") {
  IntellivuePollResult r;
  r.object_class = iv::kClassNumeric;
  r.abs_time = IntellivueAbsTime::from_naive(utc(2024, 3, 5, 10, 0, 0));
  IntellivueNumeric n;
  n.handle = 5;
  n.compound = true;
  n.values = {{iv::kPhysioNibpSys, 0, iv::kUnitMmHg, intellivue_float(130, 0)},
              {iv::kPhysioNibpDia, 0, iv::kUnitMmHg, intellivue_float(85, 0)},
              {iv::kPhysioNibpMean, 0, iv::kUnitMmHg, intellivue_float(100, 0)}};
  r.numerics.push_back(n);
  auto s = make_intellivue_session();
  DecodeOutput o;
  s->on_bytes(intellivue_frame(encode_intellivue_poll_result(1, r)), o);
  REQUIRE(o.readings.size() == 3);
  for (const auto& reading : o.readings) {
    CHECK(reading.quality.has(QualityFlag::questionable));
    CHECK_FALSE(reading.device_time.has_value());
  }
  // A later, different measurement arrived within a poll interval of being made.
  r.numerics[0].values[0].value = intellivue_float(140, 0);
  o.clear();
  s->on_bytes(intellivue_frame(encode_intellivue_poll_result(2, r)), o);
  REQUIRE(o.readings.size() == 3);
  CHECK(o.readings[0].value == 140);
  CHECK(o.readings[0].quality.usable());
}

TEST_CASE("the monitor simulator refuses a SET and counts it") {
  IntellivueMonitorSim monitor;
  IntellivueMonitorState state;
  monitor.receive(intellivue_frame(encode_intellivue_association_request()), state);
  monitor.receive(intellivue_frame(encode_intellivue_mds_create_result(1, 0)), state);
  REQUIRE(monitor.associated());
  // A CONFIRMED SET of the MDS (VSCaptureMP's set_rtsa_prio_msg shape).
  const Bytes set{0xE1, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x14, 0x00, 0x00, 0x00, 0x05, 0x00, 0x0E,
                  0x00, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  const auto answer = monitor.receive(intellivue_frame(set), state);
  CHECK(monitor.forbidden_requests() == 1);
  const auto m = messages_in(answer);
  REQUIRE(m.size() == 1);
  CHECK(m[0].kind == IntellivueMessageKind::remote_error);
}

TEST_CASE("the session's output is the same whether the monitor's bytes arrive whole or one at a time") {
  IntellivueMonitorSim monitor;
  IntellivueMonitorState state;
  state.clock = utc(2024, 3, 5, 10, 0, 0);
  state.heart_rate = 64;
  state.spo2 = 95;
  state.inops = {{iv::kPhysioSpo2, iv::evt::noisy, 0, 0, "SpO2 NOISY SIGNAL"}};
  Bytes stream = monitor.receive(intellivue_frame(encode_intellivue_association_request()), state);
  monitor.receive(intellivue_frame(encode_intellivue_mds_create_result(1, 0)), state);
  for (std::uint16_t i = 1; i <= 3; ++i) {
    for (auto cls : {iv::kClassNumeric, iv::kClassAlertMonitor}) {
      const auto group = cls == iv::kClassNumeric ? iv::kGroupAll : iv::kGroupAlertMonitor;
      const auto part = monitor.receive(
          intellivue_frame(encode_intellivue_poll_request(i, {true, i, cls, group, std::nullopt})), state);
      stream.insert(stream.end(), part.begin(), part.end());
    }
  }
  auto whole = make_intellivue_session();
  DecodeOutput once;
  whole->on_bytes(stream, once);
  auto bytewise = make_intellivue_session();
  DecodeOutput all;
  for (auto byte : stream) {
    DecodeOutput o;
    bytewise->on_bytes(std::span(&byte, 1), o);
    all.readings.insert(all.readings.end(), o.readings.begin(), o.readings.end());
    all.to_send.insert(all.to_send.end(), o.to_send.begin(), o.to_send.end());
    if (o.conditions) all.conditions = o.conditions;
  }
  CHECK(all.readings.size() == once.readings.size());
  CHECK(all.to_send == once.to_send);
  REQUIRE(once.conditions.has_value());
  CHECK(once.conditions->has(DeviceCondition::artifact));
  CHECK(all.conditions == once.conditions);
  CHECK(whole->stats().frames_ok == bytewise->stats().frames_ok);
  CHECK(whole->stats().frames_ok == 8);
}
