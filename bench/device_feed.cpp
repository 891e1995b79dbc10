#include "bench/device_feed.hpp"

#include <cmath>
#include <stdexcept>

#include "drivers/device_session.hpp"

namespace vigil::bench {
namespace {
// Measurement noise as the simulator's scenarios use it: values wander by a
// unit or so, as real displays do.
constexpr double kNoise = 0.5;
// A cuff cycle of 5 min, as the shipped profile expects during an infusion.
constexpr auto kCuffCycle = std::chrono::minutes{5};
}  // namespace

DeviceFeed::DeviceFeed(std::string_view protocol, unsigned seed, Waveforms waveforms)
    : emitter_{drivers::make_simulated_device(protocol)},
      model_{sim::Vitals{}, seed},
      rng_{seed},
      waveforms_{waveforms} {
  if (!emitter_)
    throw std::invalid_argument("no simulated device speaks '" + std::string{protocol} + "' (" +
                                drivers::simulated_device_names() + ")");
}

std::string DeviceFeed::next() {
  model_.advance(t_);
  drivers::DeviceState s;
  s.t = t_;
  s.wall = kFeedWallStart + t_;
  s.vitals = model_.measured(t_, kNoise, rng_);
  // Beat-flagging devices (Nonin 2/7, CMS50) time their pulses and pleth from the patient.
  s.patient = &model_;
  s.rng = &rng_;
  s.waveforms = waveforms_ == Waveforms::streamed;
  if (emitter_->measures_nibp() && t_ >= next_cuff_) {
    const auto& v = s.vitals;
    s.cuff = drivers::CuffReading{v.systolic, v.diastolic, std::round(v.mean()), s.wall, false};
    next_cuff_ += kCuffCycle;
  }
  t_ += emitter_->interval();
  return emitter_->frame(s);
}

Recording record(std::string_view protocol, core::Duration length, unsigned seed, Waveforms waveforms) {
  DeviceFeed feed{protocol, seed, waveforms};
  // The device talks with a session as it would with vigild: the session's
  // opening request, its answers to what the device sent (an IntelliVue
  // association, then polls) and its keep-alives once a second (a CMS50
  // stops streaming without them) all reach the device.
  const auto* p = drivers::find_protocol(protocol);
  auto session = p ? p->make_session() : nullptr;
  drivers::DecodeOutput host;
  if (session) session->on_open(host);
  core::Duration next_tick{};
  Recording rec;
  rec.protocol = std::string{protocol};
  rec.name = rec.protocol;
  rec.length = length;
  while (true) {
    feed.hear(host.to_send);
    host.clear();
    std::string bytes = feed.next();
    if (feed.time() >= length) break;
    if (session) {
      session->on_bytes(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), host);
      if (feed.time() >= next_tick) {
        session->on_tick(kFeedWallStart + feed.time(), host);
        next_tick += std::chrono::seconds{1};
      }
    }
    if (bytes.empty()) continue;
    rec.bytes += bytes.size();
    rec.chunks.push_back({feed.time(), std::move(bytes)});
  }
  return rec;
}

Recording record_alarm_swings(core::Duration length) {
  auto emitter = drivers::make_simulated_device("masimo");
  Recording rec;
  rec.protocol = "masimo";
  rec.name = "masimo-alarms";
  rec.length = length;
  std::mt19937 rng{1};
  for (core::Duration t{}; t < length; t += emitter->interval()) {
    const bool past = (t / emitter->interval()) % 2 == 1;
    drivers::DeviceState s;
    s.t = t;
    s.wall = kFeedWallStart + t;
    s.vitals.spo2 = past ? 80 : 98;
    s.vitals.pulse_rate = s.vitals.heart_rate = past ? 135 : 75;
    s.rng = &rng;
    std::string bytes = emitter->frame(s);
    rec.bytes += bytes.size();
    rec.chunks.push_back({t, std::move(bytes)});
  }
  return rec;
}

}  // namespace vigil::bench
