// The scenario library's device_lost windows, for devices vigild can only
// judge by their silence, against what the simulated device really sends and
// when vigild's link health calls it stale, all on the fake clock. A window
// written for the wrong last frame is met only by the evaluation's tolerance,
// and then missed when a loaded machine adds a second of scheduling delay.
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <optional>
#include <random>
#include <string>

#include "core/time.hpp"
#include "daemon/device_link.hpp"
#include "daemon/link_health.hpp"
#include "drivers/device_session.hpp"
#include "drivers/simulated_device.hpp"
#include "sim/builtin_scenarios.hpp"
#include "sim/physiology.hpp"
#include "sim/scenario.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

// vigild ticks this often on its clock (daemon/vigil_daemon.cpp), at no
// particular phase against the device's frames.
constexpr core::Duration kTick = 250ms;
const core::TimePoint kZero{std::chrono::hours{24 * 365 * 50}};

// Whether only silence tells vigild the device is gone: a restart or a
// garbled line leaves the connection open; an HL7 sender connects to vigild,
// so its closing connection says nothing either (DeviceLink::on_closed).
bool lost_by_silence(const sim::ScenarioEvent& e, const std::string& protocol) {
  if (!e.fault) return false;
  return *e.fault == sim::FaultKind::reboot || *e.fault == sim::FaultKind::garble ||
         (*e.fault == sim::FaultKind::unplug && protocol == "hl7-mllp");
}

// The device's silence allowance, as vigild derives it from its config.
core::Duration silence_of(const std::string& protocol) {
  boost::asio::io_context io;
  core::ManualClock clock;
  vigil::v1::config::Device config;
  config.set_id("device");
  config.set_protocol(protocol);
  config.set_path("/nonexistent");
  return daemon::DeviceLink{io, clock, "bed", config, {}}.silence_limit();
}

// The scenario time of the last frame vigild's decoder accepts before `until`,
// from the device's frames as vigil-sim schedules them (from time 0, one every
// interval) for the scenario's patient.
std::optional<core::Duration> last_frame_before(const sim::Scenario& s, const std::string& protocol,
                                                core::Duration until) {
  auto emitter = drivers::make_simulated_device(protocol);
  auto session = drivers::find_protocol(protocol)->make_session();
  REQUIRE(emitter);
  sim::PatientModel model{s.patient, s.seed, s.model};
  std::mt19937 rng{s.seed};
  std::optional<core::Duration> last;
  for (core::Duration t{}; t < until; t += emitter->interval()) {
    model.advance(t);
    drivers::DeviceState state;
    state.t = t;
    state.wall = kZero + t;
    state.vitals = model.measured(t, 0, rng);
    state.waveforms = s.waveforms;
    state.numerics = s.numerics;
    state.patient = &model;
    state.rng = &rng;
    const std::string bytes = emitter->frame(state);
    const auto before = session->stats().frames_ok;
    drivers::DecodeOutput out;
    session->on_bytes(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), out);
    if (!out.to_send.empty()) emitter->received(out.to_send);
    if (session->stats().frames_ok > before) last = t;
  }
  return last;
}

// When link health, ticked every kTick from `phase` on, calls the link stale
// after a last frame at `last`.
core::Duration stale_at(core::Duration last, core::Duration silence, core::Duration phase) {
  daemon::LinkHealth health{silence, "the simulator", kZero};
  health.frames_decoded("the simulator", kZero + last);
  for (auto t = last + phase; t < last + 10 * silence; t += kTick)
    if (health.check_silence(kZero + t, {}) == daemon::LinkChange::state) return t;
  FAIL("the link never went stale");
  return {};
}

}  // namespace

TEST_CASE("every device_lost window for a silent device holds the moment vigild calls it stale") {
  int judged = 0;
  for (const auto& b : sim::builtin_scenarios()) {
    auto parsed = sim::parse_scenario(b.text, b.name);
    REQUIRE_MESSAGE(parsed, b.name);
    const sim::Scenario& s = parsed.value();
    for (const auto& e : s.events) {
      std::string protocol;
      for (const auto& d : s.devices)
        if (d.id == e.device) protocol = d.protocol;
      if (protocol.empty() || !lost_by_silence(e, protocol)) continue;
      const sim::Expectation* window = nullptr;
      for (const auto& x : s.expectations)
        if (x.condition == "device_lost:" + e.device && x.to >= e.at && (!window || x.to < window->to))
          window = &x;
      if (!window) continue;
      INFO(std::string{b.name}, " line ", window->line, ": ", window->condition, " between ",
           sim::clock_text(window->from), " and ", sim::clock_text(window->to));
      const auto last = last_frame_before(s, protocol, e.at);
      REQUIRE(last);
      const auto silence = silence_of(protocol);
      for (const auto phase : {1ms, 125ms, 249ms}) {
        const auto t = stale_at(*last, silence, phase);
        INFO("last frame at ", core::to_seconds(*last), " s, stale at ", core::to_seconds(t), " s");
        CHECK(t >= window->from);
        CHECK(t <= window->to);
      }
      ++judged;
    }
  }
  // cable-pulled (the monitor), monitor-reboot (both devices), noisy-line.
  CHECK(judged >= 4);
}
