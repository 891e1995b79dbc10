// Every simulated device is read back by vigild's own decoder for its
// protocol: the values, the beats and the technical conditions the patient
// model produced must be what the daemon would see.
#include <doctest/doctest.h>

#include <cmath>

#include "drivers/cms50/cms50_codec.hpp"
#include "drivers/device_session.hpp"
#include "drivers/simulated_device.hpp"
#include "sim/physiology.hpp"

using namespace vigil;
using namespace vigil::sim;
using namespace std::chrono_literals;

namespace {

struct Decoded {
  std::vector<core::Reading> readings;
  std::size_t beats = 0;
  std::size_t waveforms = 0;                         // ECG segments, in which vigild finds the beats
  std::optional<core::DeviceConditions> conditions;  // the latest
  std::size_t bad = 0;
};

struct Rig {
  explicit Rig(const std::string& protocol, Vitals v = {}, ModelSettings ms = {})
      : emitter{drivers::make_simulated_device(protocol)},
        session{drivers::find_protocol(protocol)->make_session()},
        model{v, 4, ms} {
    REQUIRE(emitter);
  }

  // Runs the device from `from` to `to` with `state` switches applied to each frame.
  Decoded run(core::Duration from, core::Duration to, bool sensor_off = false, bool motion = false) {
    Decoded d;
    for (auto t = from + emitter->interval(); t <= to; t += emitter->interval()) {
      model.advance(t);
      drivers::DeviceState s;
      s.t = t;
      s.vitals = model.measured(t, 0, rng);
      s.sensor_off = sensor_off;
      s.motion = motion;
      s.patient = &model;
      s.rng = &rng;
      const std::string bytes = emitter->frame(s);
      drivers::DecodeOutput out;
      session->on_bytes(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), out);
      if (!out.to_send.empty()) emitter->received(out.to_send);
      d.readings.insert(d.readings.end(), out.readings.begin(), out.readings.end());
      d.beats += out.beats.size();
      d.waveforms += out.waveforms.size();
      if (out.conditions) d.conditions = out.conditions;
    }
    d.bad = session->stats().frames_bad;
    return d;
  }

  std::unique_ptr<drivers::SimulatedDevice> emitter;
  std::unique_ptr<drivers::DeviceSession> session;
  PatientModel model;
  std::mt19937 rng{1};
};

std::vector<double> values(const Decoded& d, core::Metric m) {
  std::vector<double> v;
  for (const auto& r : d.readings)
    if (r.metric == m && r.usable()) v.push_back(*r.value);
  return v;
}

}  // namespace

TEST_CASE("a Nonin in format 7 streams the pleth with one flagged pulse per heartbeat") {
  Vitals v;
  v.heart_rate = 84;
  v.spo2 = 96;
  Rig rig{"nonin-7", v};
  const auto d = rig.run(0s, 60s);
  CHECK(d.bad == 0);
  const auto spo2 = values(d, core::Metric::spo2);
  REQUIRE(spo2.size() > 150);  // a report per packet, three a second
  CHECK(spo2.back() == 96);
  const auto pulse = values(d, core::Metric::pulse_rate);
  CHECK(std::abs(pulse.back() - 84) <= 3);
  // The decoder needs a packet to lock on; then every heartbeat is one beat mark.
  const auto model_beats = rig.model.beats().between(1s, 60s).size();
  CHECK(d.beats >= model_beats - 2);
  CHECK(d.beats <= model_beats + 1);
}

TEST_CASE("a Nonin in format 2 flags the same pulses in its 8-bit stream") {
  Vitals v;
  v.heart_rate = 120;
  Rig rig{"nonin-2", v};
  const auto d = rig.run(0s, 30s);
  CHECK(d.bad == 0);
  CHECK(d.beats >= rig.model.beats().between(1s, 30s).size() - 2);
}

TEST_CASE("a Nonin with the finger out says so, and its values are not measurements") {
  Rig rig{"nonin-7"};
  rig.run(0s, 5s);
  const auto d = rig.run(5s, 10s, true);
  REQUIRE(d.conditions);
  CHECK(d.conditions->has(core::DeviceCondition::sensor_off));
  CHECK(values(d, core::Metric::spo2).empty());
  CHECK(d.beats == 0);
}

TEST_CASE("motion on a Nonin flags the pulses as artefact, so the wandering numbers are not used") {
  Rig rig{"nonin-7"};
  rig.run(0s, 5s);
  const auto d = rig.run(5s, 15s, false, true);
  REQUIRE(d.conditions);
  CHECK(d.conditions->has(core::DeviceCondition::artifact));
  CHECK(values(d, core::Metric::spo2).size() < 3);
}

TEST_CASE("a Nonin in format 8 sends one packet a second without a waveform") {
  Vitals v;
  v.spo2 = 93;
  Rig rig{"nonin-8", v};
  const auto d = rig.run(0s, 20s);
  CHECK(d.bad == 0);
  const auto spo2 = values(d, core::Metric::spo2);
  REQUIRE(spo2.size() >= 15);
  CHECK(spo2.back() == 93);
  CHECK(d.beats == 0);
}

TEST_CASE("a CMS50 stays silent until vigild asks for live data, then beeps once per heartbeat") {
  Vitals v;
  v.heart_rate = 66;
  v.spo2 = 95;
  v.perfusion_index = 2.5;
  Rig rig{"cms50", v};
  drivers::DeviceState s;
  s.t = 1s;
  s.patient = &rig.model;
  rig.model.advance(1s);
  CHECK(rig.emitter->frame(s).empty());
  // The daemon's session asks as soon as the line opens.
  drivers::DecodeOutput open;
  rig.session->on_open(open);
  REQUIRE_FALSE(open.to_send.empty());
  rig.emitter->received(open.to_send);
  const auto d = rig.run(1s, 25s);
  CHECK(d.bad == 0);
  CHECK(values(d, core::Metric::spo2).back() == 95);
  CHECK(std::abs(values(d, core::Metric::pulse_rate).back() - 66) <= 3);
  const auto model_beats = rig.model.beats().between(1s, 25s).size();
  CHECK(d.beats >= model_beats - 1);
  CHECK(d.beats <= model_beats + 1);
  // Nobody asks again here: the firmware stops after 30 s.
  rig.run(25s, 32s);
  CHECK(rig.run(32s, 40s).readings.empty());
}

TEST_CASE("the Masimo and HL7 monitors show the rate from the beats") {
  Vitals v;
  v.heart_rate = 70;
  ModelSettings exact;
  exact.variability = 0;
  for (const char* protocol : {"masimo", "hl7-mllp"}) {
    CAPTURE(protocol);
    Rig rig{protocol, v, exact};
    rig.model.add_pause(20s, 5s);
    const auto d = rig.run(0s, 40s);
    CHECK(d.bad == 0);
    const auto rate =
        values(d, std::string{protocol} == "masimo" ? core::Metric::pulse_rate : core::Metric::heart_rate);
    REQUIRE(rate.size() > 5);
    CHECK(rate.front() == 70);
    // The 5 s interval enters the monitor's average: the shown rate dips.
    CHECK(*std::min_element(rate.begin(), rate.end()) < 50);
  }
}

TEST_CASE("the protocol table says which devices give vigild beat timing, as their streams show") {
  // The drill report trusts the table to tell a bed without beats (no rhythm
  // alarm can come) from one whose rhythm alarm was missed.
  for (const auto& p : drivers::protocols()) {
    if (p.family.empty()) continue;  // "auto" is no device of its own
    CAPTURE(p.name);
    Rig rig{std::string{p.name}};
    drivers::DecodeOutput open;
    rig.session->on_open(open);
    rig.emitter->received(open.to_send);
    std::size_t readings = 0, beats = 0;
    const core::Duration slice = std::max<core::Duration>(1s, rig.emitter->interval());
    for (core::Duration t{}; t < 30s; t += slice) {
      drivers::DecodeOutput tick;  // polls and keep-alives, as vigild sends them
      rig.session->on_tick(core::TimePoint{t}, tick);
      rig.emitter->received(tick.to_send);
      const auto d = rig.run(t, t + slice);
      readings += d.readings.size();
      beats += d.beats + d.waveforms;
    }
    CHECK(readings > 0);
    CHECK((beats > 0) == p.beats.has_value());
  }
}
