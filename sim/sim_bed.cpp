#include "sim/sim_bed.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace vigil::sim {
namespace {
// "line noise": on a bad cable a burst of noise damages a message about
// every seven seconds, whatever the device's message rate.
constexpr core::Duration kLineNoiseEvery = std::chrono::seconds{7};
}  // namespace

SimBed::SimBed(boost::asio::io_context& io, std::string bed, Scenario scenario, core::TimePoint wall_start,
               Say say)
    : io_{io},
      bed_{std::move(bed)},
      scenario_{std::move(scenario)},
      model_{scenario_.patient, scenario_.seed, scenario_.model},
      wall_start_{wall_start},
      say_{std::move(say)},
      cuff_rng_{scenario_.seed + 1} {}

void SimBed::add_device(const SimDeviceSpec& spec) {
  auto d = std::make_unique<Device>();
  d->spec = spec;
  d->emitter = drivers::make_simulated_device(spec.protocol);
  if (!d->emitter)
    throw std::runtime_error("no simulator for protocol '" + spec.protocol +
                             "' (known: " + drivers::simulated_device_names() + ")");
  d->port = make_port(io_, spec.port);
  d->rng.seed(scenario_.seed + 7919 * static_cast<unsigned>(devices_.size() + 2));
  Device* raw = d.get();
  d->port->on_data([raw](std::span<const std::uint8_t> b) { raw->emitter->received(b); });
  devices_.push_back(std::move(d));
}

void SimBed::start() {
  for (auto& d : devices_) d->port->plug();
  for (const auto& e : scenario_.events)
    if (e.fault && !device(e.device))
      throw std::runtime_error("scenario line " + std::to_string(e.line) + " names device '" + e.device +
                               "', which bed " + bed_ + " does not have");
}

void SimBed::unplug_all(core::Duration at, core::Duration span) {
  for (const auto& d : devices_) {
    ScenarioEvent e;
    e.at = at;
    e.fault = FaultKind::unplug;
    e.device = d->spec.id;
    e.fault_for = span;
    e.text = "unplug " + d->spec.id + " for " +
             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(span).count()) + " s";
    scenario_.events.push_back(e);
  }
  std::stable_sort(scenario_.events.begin(), scenario_.events.end(),
                   [](const auto& a, const auto& b) { return a.at < b.at; });
}

std::vector<std::string> SimBed::describe_ports() const {
  std::vector<std::string> lines;
  for (const auto& d : devices_)
    lines.push_back(bed_ + "/" + d->spec.id + " " + d->spec.protocol + " on " + d->port->describe());
  return lines;
}

SimBed::Device* SimBed::device(const std::string& id) {
  for (auto& d : devices_)
    if (d->spec.id == id) return d.get();
  return nullptr;
}

void SimBed::apply(const ScenarioEvent& e) {
  say_(clock_text(e.at) + " " + bed_ + ": " + event_text(e) +
       (e.infusion ? " (the drill runner tells vigild, as a nurse would)" : ""));
  for (const auto& c : e.changes) {
    const double before = model_.at(e.at).get(c.param);
    model_.ramp(c.param, c.target, e.at, c.over);
    if (c.hold) model_.ramp(c.param, before, e.at + c.over + *c.hold, c.return_over);
  }
  if (e.surge) model_.surge(e.surge->systolic, e.surge->diastolic, e.at, e.surge->over);
  if (e.rhythm == Rhythm::atrial_flutter)
    model_.set_flutter(e.at, e.flutter);
  else if (e.rhythm)
    model_.set_rhythm(e.at, *e.rhythm);
  if (e.ectopics_per_min) model_.set_ectopics(e.at, *e.ectopics_per_min, e.ectopy, e.pulse_deficit);
  if (e.pause) model_.add_pause(e.at, *e.pause);
  if (e.apnoea) model_.apnoea(e.at, *e.apnoea);
  if (e.measure_nibp && !cuff_running_since_) next_cuff_start_ = e.at;
  if (!e.fault) return;
  if (*e.fault == FaultKind::cuff_failure) {
    cuff_fails_next_ = true;
    return;
  }
  Device* d = device(e.device);
  if (!d) return;
  const auto until = e.at + e.fault_for;
  switch (*e.fault) {
    case FaultKind::unplug:
      d->unplugged_until = until;
      break;
    case FaultKind::sensor_off:
      d->sensor_off_until = until;
      break;
    case FaultKind::garble:
      d->garble_until = until;
      break;
    case FaultKind::line_noise:
      d->noisy_until = until;
      break;
    case FaultKind::motion:
      d->motion_until = until;
      break;
    case FaultKind::reboot:
      // Silent while it restarts (the cable stays in: vigild hears nothing,
      // it is not told the line closed), then a few frames without values.
      d->silent_until = until;
      d->booting_until = until + std::chrono::seconds{5};
      break;
    case FaultKind::cuff_failure:
      break;
  }
}

void SimBed::run_cuff(core::Duration t) {
  if (!cuff_running_since_ && t >= next_cuff_start_) {
    cuff_running_since_ = next_cuff_start_;
    next_cuff_start_ += scenario_.nibp_cycle;
  }
  if (cuff_running_since_ && t >= *cuff_running_since_ + scenario_.nibp_takes) {
    const auto done = *cuff_running_since_ + scenario_.nibp_takes;
    const Vitals v = model_.measured(done, scenario_.noise, cuff_rng_);
    drivers::CuffReading r{v.systolic, v.diastolic, std::round(v.mean()), wall_start_ + done,
                           cuff_fails_next_};
    cuff_fails_next_ = false;
    for (auto& d : devices_)
      if (d->emitter->measures_nibp()) d->pending_cuff = r;
    cuff_running_since_.reset();
  }
}

void SimBed::emit(Device& d, core::Duration t) {
  const bool unplugged = t < d.unplugged_until;
  if (unplugged && d.plugged) {
    d.port->unplug();
    d.plugged = false;
    say_(clock_text(t) + " " + bed_ + "/" + d.spec.id + ": cable unplugged");
  } else if (!unplugged && !d.plugged) {
    d.port->plug();
    d.plugged = true;
    say_(clock_text(t) + " " + bed_ + "/" + d.spec.id + ": cable back in, " + d.port->describe());
  }
  if (unplugged || t < d.silent_until) return;
  drivers::DeviceState s;
  s.t = t;
  s.wall = wall_start_ + t;
  s.vitals = model_.measured(t, scenario_.noise, d.rng);
  s.sensor_off = t < d.sensor_off_until;
  s.motion = t < d.motion_until;
  s.booting = t < d.booting_until;
  s.cuff = d.pending_cuff;
  s.patient = &model_;
  s.rng = &d.rng;
  s.waveforms = scenario_.waveforms;
  s.numerics = scenario_.numerics;
  if (s.motion) {
    // A moving finger: the oximeter's numbers wander (a false dip, a jumpy
    // rate); devices that can tell flag them, others cannot.
    s.vitals.spo2 = std::round(s.vitals.spo2 - std::uniform_real_distribution<double>{0, 8}(d.rng));
    const double jump = std::uniform_real_distribution<double>{-20, 20}(d.rng);
    s.vitals.heart_rate = std::round(s.vitals.heart_rate + jump);
    s.vitals.pulse_rate = std::round(s.vitals.pulse_rate + jump);
  }
  d.pending_cuff.reset();
  std::string bytes = d.emitter->frame(s);
  std::uniform_int_distribution<int> byte{0, 255};
  if (t < d.garble_until) {
    // A broken line: as many bytes as a frame, none of them a frame. A text
    // protocol's line ending survives (noise hits the bytes, not the timing),
    // so the receiver sees one bad frame per frame sent, as on a real line.
    const std::size_t keep = bytes.ends_with("\r\n")                          ? 2
                             : bytes.ends_with('\n') || bytes.ends_with('\r') ? 1
                                                                              : 0;
    for (std::size_t i = 0; i + keep < bytes.size(); ++i) bytes[i] = static_cast<char>(byte(d.rng));
  } else if (const double chance = t < d.noisy_until
                                       ? std::max(d.spec.garbage, core::to_seconds(d.emitter->interval()) /
                                                                      core::to_seconds(kLineNoiseEvery))
                                       : d.spec.garbage;
             chance > 0 && !bytes.empty() &&
             std::uniform_real_distribution<double>{0.0, 1.0}(d.rng) < chance) {
    // Occasional line noise: a few flipped bytes and a burst of junk before the frame.
    std::uniform_int_distribution<std::size_t> where{0, bytes.size() - 1};
    for (int i = 0; i < 3; ++i) bytes[where(d.rng)] = static_cast<char>(byte(d.rng));
    std::string junk;
    for (int i = 0; i < 8; ++i) junk += static_cast<char>(byte(d.rng));
    bytes = junk + bytes;
  }
  d.port->send(bytes);
  if (auto w = d.emitter->take_warning()) say_(bed_ + "/" + d.spec.id + ": " + *w);
}

void SimBed::advance(core::Duration t) {
  while (next_event_ < scenario_.events.size() && scenario_.events[next_event_].at <= t)
    apply(scenario_.events[next_event_++]);
  model_.advance(t);
  run_cuff(t);
  for (auto& d : devices_) {
    d->port->service();
    while (d->next_frame <= t) {
      emit(*d, d->next_frame);
      d->next_frame += d->emitter->interval();
    }
  }
}

bool SimBed::connecting() const {
  return std::any_of(devices_.begin(), devices_.end(), [](const auto& d) { return d->port->connecting(); });
}

core::Duration SimBed::next_due() const {
  core::Duration due = core::Duration::max();
  for (const auto& d : devices_) due = std::min(due, d->next_frame);
  if (next_event_ < scenario_.events.size()) due = std::min(due, scenario_.events[next_event_].at);
  if (cuff_running_since_)
    due = std::min(due, *cuff_running_since_ + scenario_.nibp_takes);
  else
    due = std::min(due, next_cuff_start_);
  return due;
}

}  // namespace vigil::sim
