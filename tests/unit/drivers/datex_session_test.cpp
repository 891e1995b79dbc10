#include "drivers/datex/datex_session.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "drivers/datex/datex_framing.hpp"
#include "drivers/datex/datex_monitor_sim.hpp"
#include "drivers/datex/datex_records.hpp"
#include "tests/unit/drivers/calendar_time.hpp"
#include "tests/unit/drivers/readings_of.hpp"

using namespace vigil;
using namespace vigil::drivers;
using namespace std::chrono_literals;
namespace dx = vigil::drivers::datex;
using core::DeviceCondition;
using core::Metric;
using core::QualityFlag;
using Bytes = std::vector<std::uint8_t>;
using vigil::test::readings_of;
using vigil::test::utc;

namespace {

std::vector<DatexRecord> records_in(const Bytes& bytes) {
  std::vector<DatexRecord> out;
  DatexDeframer d;
  std::vector<std::string> errors;
  d.feed(
      bytes,
      [&](std::span<const std::uint8_t> r) {
        auto p = parse_datex_record(r);
        REQUIRE(p.record.has_value());
        out.push_back(*p.record);
      },
      errors);
  CHECK(errors.empty());
  return out;
}

// A vigil session and a simulated S/5 wired together in memory.
struct DatexBench {
  std::unique_ptr<DeviceSession> session = make_datex_session();
  DatexMonitorSim monitor;
  DatexMonitorState state;
  core::TimePoint now = utc(2024, 3, 5, 10, 0, 0);
  bool cable = true;
  DecodeOutput out;
  std::vector<Bytes> from_vigil;

  DatexBench() {
    state.clock = now;
    state.heart_rate = 72;
    state.spo2 = 98;
    state.pulse_rate = 71;
    state.nibp = DatexMonitorState::Nibp{121, 79, 93, now - 20s};
  }

  void open() {
    DecodeOutput o;
    session->on_open(o);
    to_monitor(o);
  }

  void tick(core::Duration dt = 1s) {
    now += dt;
    state.clock = now;
    DecodeOutput o;
    session->on_tick(now, o);
    to_monitor(o);
    if (!cable) return;
    const auto record = monitor.tick(state);
    if (record.empty()) return;
    DecodeOutput in;
    session->on_bytes(record, in);
    to_monitor(in);
  }

  void run(core::Duration total) {
    for (core::Duration t{}; t < total; t += 1s) tick();
  }

  void to_monitor(const DecodeOutput& o) {
    out.readings.insert(out.readings.end(), o.readings.begin(), o.readings.end());
    out.errors.insert(out.errors.end(), o.errors.begin(), o.errors.end());
    if (o.conditions) out.conditions = o.conditions;
    if (o.to_send.empty()) return;
    from_vigil.push_back(o.to_send);
    if (cable) monitor.receive(o.to_send, state);
  }

  DecodeOutput take() {
    auto o = out;
    out.clear();
    return o;
  }
};

}  // namespace

TEST_CASE("opening the link asks for basic displayed values every 5 s at five DRI levels") {
  DatexBench b;
  b.open();
  REQUIRE(b.from_vigil.size() == 1);
  const auto requests = records_in(b.from_vigil[0]);
  REQUIRE(requests.size() == 5);
  std::vector<std::uint8_t> levels;
  for (const auto& r : requests) {
    REQUIRE(r.request.has_value());
    CHECK(r.request->record_type == dx::kPhDisplayed);
    CHECK(r.request->interval_s == 5);
    CHECK(r.request->class_mask == dx::kRequestBasicOnly);
    levels.push_back(r.request->dri_level);
  }
  CHECK(levels == std::vector<std::uint8_t>{dx::kLevel2015, dx::kLevel2009, dx::kLevel2005, dx::kLevel2003,
                                            dx::kLevel2001});
  CHECK(b.monitor.requests_honoured() == 1);  // the one at the monitor's own level
  CHECK(b.monitor.requests_ignored() == 4);
  CHECK(b.monitor.interval() == 5s);
}

TEST_CASE("a full conversation: a record every 5 s with HR, SpO2, pulse; NIBP once") {
  DatexBench b;
  b.open();
  b.run(20s);
  const auto o = b.take();
  CHECK(o.errors.empty());
  CHECK(b.monitor.records_sent() == 4);
  const auto hr = readings_of(o.readings, Metric::heart_rate);
  REQUIRE(hr.size() == 4);
  CHECK(hr[0].value == 72);
  CHECK(hr[0].quality.usable());
  CHECK(readings_of(o.readings, Metric::spo2)[0].value == 98);
  CHECK(readings_of(o.readings, Metric::pulse_rate)[0].value == 71);
  const auto sys = readings_of(o.readings, Metric::nibp_systolic);
  REQUIRE(sys.size() == 1);
  CHECK(sys[0].value == 121);
  CHECK(readings_of(o.readings, Metric::nibp_diastolic)[0].value == 79);
  CHECK(readings_of(o.readings, Metric::nibp_mean)[0].value == 93);
  CHECK(sys[0].quality.usable());
  CHECK_FALSE(sys[0].device_time.has_value());
  REQUIRE(o.conditions.has_value());
  CHECK(*o.conditions == core::DeviceConditions{});
  CHECK(b.session->stats().frames_ok == 4);
  CHECK(b.session->stats().frames_bad == 0);
}

TEST_CASE("a new cuff measurement is reported when the measuring bit clears, even with the same numbers") {
  DatexBench b;
  b.open();
  b.run(5s);
  CHECK(readings_of(b.take().readings, Metric::nibp_systolic).size() == 1);
  b.state.nibp_measuring = true;
  b.run(20s);
  CHECK(readings_of(b.take().readings, Metric::nibp_systolic).empty());
  b.state.nibp_measuring = false;
  b.state.nibp->measured = b.now;
  b.run(5s);
  CHECK(readings_of(b.take().readings, Metric::nibp_systolic).size() == 1);
  b.run(30s);
  CHECK(readings_of(b.take().readings, Metric::nibp_systolic).empty());
  b.state.nibp = DatexMonitorState::Nibp{188, 110, 136, b.now};
  b.run(5s);
  const auto sys = readings_of(b.take().readings, Metric::nibp_systolic);
  REQUIRE(sys.size() == 1);
  CHECK(sys[0].value == 188);
}

TEST_CASE("the first NIBP marked older than 60 s is questionable: its age is unknown") {
  DatexBench b;
  b.state.nibp->measured = b.now - 2h;
  b.open();
  b.run(5s);
  const auto sys = readings_of(b.take().readings, Metric::nibp_systolic);
  REQUIRE(sys.size() == 1);
  CHECK(sys[0].quality.has(QualityFlag::questionable));
}

TEST_CASE("no NIBP module: no NIBP readings at all") {
  DatexBench b;
  b.state.has_nibp = false;
  b.open();
  b.run(10s);
  const auto o = b.take();
  CHECK(readings_of(o.readings, Metric::nibp_systolic).empty());
  CHECK(readings_of(o.readings, Metric::heart_rate).size() == 2);
}

TEST_CASE("ECG noise and artifact flag HR and set the artifact condition") {
  DatexBench b;
  b.state.ecg_noise = true;
  b.open();
  b.run(5s);
  auto o = b.take();
  const auto hr = readings_of(o.readings, Metric::heart_rate);
  REQUIRE(hr.size() == 1);
  CHECK(hr[0].quality.has(QualityFlag::artifact));
  CHECK_FALSE(hr[0].quality.usable());
  REQUIRE(o.conditions.has_value());
  CHECK(o.conditions->has(DeviceCondition::artifact));
}

TEST_CASE("all ECG leads off: HR invalid and sensor off, the sensor_off condition set") {
  DatexBench b;
  b.state.leads_off = true;
  b.open();
  b.run(5s);
  const auto o = b.take();
  const auto hr = readings_of(o.readings, Metric::heart_rate);
  REQUIRE(hr.size() == 1);
  CHECK(hr[0].quality.has(QualityFlag::invalid));
  CHECK(hr[0].quality.has(QualityFlag::sensor_off));
  REQUIRE(o.conditions.has_value());
  CHECK(o.conditions->has(DeviceCondition::sensor_off));
}

TEST_CASE("with SpO2 as the heart rate source the ECG HR field is not an ECG heart rate") {
  DatexBench b;
  b.state.hr_source = dx::hr_source::spo2;
  b.open();
  b.run(5s);
  const auto o = b.take();
  CHECK(readings_of(o.readings, Metric::heart_rate).empty());
  CHECK(readings_of(o.readings, Metric::pulse_rate).size() == 1);
}

TEST_CASE("special values give invalid readings with value 0") {
  DatexBasic basic;
  basic.ecg.status = dx::status::exists;
  basic.hr = dx::kDataNotUpdated;
  basic.spo2.status = dx::status::exists;
  basic.spo2_value = dx::kDataOverRange;
  basic.spo2_pr = 64;
  const auto c = datex_continuous(basic);
  REQUIRE(c.readings.size() == 3);
  CHECK(c.readings[0].metric == Metric::heart_rate);
  CHECK(c.readings[0].quality.has(QualityFlag::invalid));
  CHECK_FALSE(c.readings[0].value);
  CHECK(c.readings[1].metric == Metric::spo2);
  CHECK(c.readings[1].quality.has(QualityFlag::invalid));
  CHECK(c.readings[2].value == 64);
  CHECK(c.readings[2].quality.usable());
}

TEST_CASE("one ECG channel of three off sets sensor_off but leaves HR usable") {
  DatexBasic basic;
  basic.ecg.status = dx::status::exists | (dx::hr_source::ecg << dx::ecg_status::hr_source_shift) |
                     dx::ecg_status::channel2_off;
  basic.ecg.label = 0x0321;
  basic.hr = 80;
  auto c = datex_continuous(basic);
  REQUIRE(c.conditions.has_value());
  CHECK(c.conditions->has(DeviceCondition::sensor_off));
  CHECK(c.readings[0].quality.usable());
  // Channel 2 unused (no lead selected): its off bit means nothing.
  basic.ecg.label = 0x0301;
  c = datex_continuous(basic);
  CHECK_FALSE(c.conditions->has(DeviceCondition::sensor_off));
  // Learning: a value, but questionable.
  basic.ecg.status |= dx::ecg_status::learning;
  c = datex_continuous(basic);
  CHECK(c.readings[0].quality.has(QualityFlag::questionable));
}

TEST_CASE("a monitor that stops sending is asked again after 15 s, with one error line") {
  DatexBench b;
  b.open();
  b.run(10s);
  b.take();
  b.monitor = DatexMonitorSim{};  // switched off and on: it forgot the request
  b.run(10s);                     // the last record came at 6 s
  CHECK(b.take().errors.empty());
  b.run(1s);
  auto o = b.take();
  REQUIRE(o.errors.size() == 1);
  CHECK(o.errors[0] == "datex: no displayed values for 15 s: requesting the transmission again");
  CHECK(b.monitor.interval() == 5s);
  b.run(10s);
  o = b.take();
  CHECK(o.errors.empty());
  CHECK_FALSE(readings_of(o.readings, Metric::heart_rate).empty());
}

TEST_CASE("a silent monitor gets the requests every 15 s and one error line") {
  DatexBench b;
  b.cable = false;
  b.open();
  b.run(60s);
  const auto o = b.take();
  CHECK(o.errors.size() == 1);
  CHECK(b.from_vigil.size() == 1 + 3);  // on open, then at 16, 31 and 46 s
}

TEST_CASE("the session never sends anything but displayed-values requests") {
  DatexBench b;
  b.open();
  b.run(10min);
  for (const auto& chunk : b.from_vigil) {
    for (const auto& r : records_in(chunk)) {
      REQUIRE(r.request.has_value());
      CHECK(r.main_type == dx::kMainPhysiological);
      CHECK(r.request->record_type == dx::kPhDisplayed);
      CHECK(r.request->interval_s > 0);
    }
  }
}

TEST_CASE("the session's output is the same whether bytes arrive whole or one at a time") {
  DatexMonitorState state;
  state.clock = utc(2024, 3, 5, 10, 0, 0);
  state.heart_rate = 90;
  state.spo2 = 93;
  state.pulse_rate = 91;
  state.nibp = DatexMonitorState::Nibp{140, 90, 107, state.clock};
  Bytes stream{0x00, 0x13};
  for (std::uint8_t n = 0; n < 4; ++n) {
    state.ecg_artifact = n == 2;
    const auto f = datex_frame(encode_datex_displayed(datex_displayed_for(state, n)));
    stream.insert(stream.end(), f.begin(), f.end());
  }
  auto whole = make_datex_session();
  DecodeOutput once;
  whole->on_bytes(stream, once);
  auto bytewise = make_datex_session();
  DecodeOutput all;
  for (auto byte : stream) {
    DecodeOutput o;
    bytewise->on_bytes(std::span(&byte, 1), o);
    all.readings.insert(all.readings.end(), o.readings.begin(), o.readings.end());
    all.errors.insert(all.errors.end(), o.errors.begin(), o.errors.end());
  }
  CHECK(all.readings.size() == once.readings.size());
  CHECK(once.readings.size() == 4 * 3 + 3);
  CHECK(all.errors == once.errors);
  CHECK(once.errors.size() == 1);  // the two bytes of noise
  CHECK(whole->stats().frames_ok == 4);
  CHECK(bytewise->stats().resyncs == 2);
}
