#include "daemon/bed_monitor.hpp"

#include <spdlog/spdlog.h>

#include "alerts/cuff_measurement.hpp"
#include "core/derived_device.hpp"
#include "daemon/infusion_bounds.hpp"
#include "journal/bus_messages.hpp"
#include "journal/journal_state.hpp"

namespace vigil::daemon {
namespace {
// A device clock ahead of ours would make a value look fresher than it is.
constexpr std::chrono::seconds kFutureTolerance{5};

const char* comparison(alerts::LimitKind k) {
  switch (k) {
    case alerts::LimitKind::above:
      return ">";
    case alerts::LimitKind::at_or_above:
      return ">=";
    case alerts::LimitKind::below:
      return "<";
    case alerts::LimitKind::at_or_below:
      return "<=";
    case alerts::LimitKind::rise_percent:
    case alerts::LimitKind::rise_absolute:
      return "rise";
  }
  return "";
}
}  // namespace

BedMonitor::BedMonitor(const vigil::v1::config::Bed& config, alerts::AlarmProfile profile,
                       core::Duration baseline_window, bool drill, BusPublisher& bus,
                       journal::Journal& journal)
    : id_{config.id()},
      drill_{drill},
      bus_{bus},
      journal_{journal},
      alarms_{config.id(), std::move(profile), baseline_window} {}

void BedMonitor::on_reading(const std::string& device, core::Reading r, core::TimePoint now) {
  on_readings(device, std::span{&r, 1}, now);
}

void BedMonitor::on_readings(const std::string& device, std::span<const core::Reading> read,
                             core::TimePoint now) {
  for (std::size_t first = 0; first < read.size();) {
    const std::size_t end = alerts::measurement_end(read, first);
    measurement_.clear();
    for (std::size_t k = first; k < end; ++k) measurement_.push_back(publish_reading(device, read[k], now));
    alarms_.on_measurement(device, measurement_, now, out_);
    publish(now);
    first = end;
  }
}

const core::Reading& BedMonitor::publish_reading(const std::string& device, core::Reading r,
                                                 core::TimePoint now) {
  if (r.device_time && *r.device_time > now + kFutureTolerance) {
    spdlog::warn("{}/{}: device time is {} s in the future; using the receive time", id_, device,
                 std::chrono::duration_cast<std::chrono::seconds>(*r.device_time - now).count());
    r.device_time.reset();
  }
  // The latest observation of the metric is updated in place and published
  // as it is, no message built for it: a reading allocates nothing here once
  // each metric has been seen.
  auto [latest, first] = latest_.try_emplace(r.metric);
  core::Observation& o = latest->second;
  if (first) o.bed = id_;
  o.device = device;
  o.reading = r;
  o.received = now;
  // The bed's stream found at its first reading and kept (a look-up by the
  // bed's name was 1 % of a reading's path).
  if (!stream_) stream_ = &bus_.stream(id_);
  bus_.publish(*stream_, o, drill_);
  journal_.queue(o, drill_);
  return o.reading;
}

void BedMonitor::on_device_conditions(const std::string& device, core::DeviceConditions c,
                                      core::TimePoint now) {
  alarms_.on_device_conditions(device, c, now, out_);
  publish(now);
}

void BedMonitor::restart_frame_clock(const std::string& device, DeviceClockAnchor& clock, core::Duration end,
                                     core::TimePoint now) {
  spdlog::info("{}/{}: beat timing starts afresh: {}", id_, device, clock.restart_reason(end, now));
  clock.reset();
}

// `clock`: the device's frame clock, settled on this read; null when the
// read did not move it (the beats are then timed by their arrival).
void BedMonitor::place_beats(const DeviceClockAnchor* clock, std::span<const drivers::BeatMark> marks,
                             core::TimePoint now) {
  for (const auto& mark : marks) {
    alerts::Beat beat;
    beat.time = clock && mark.device_clock
                    ? clock->at(std::chrono::duration_cast<core::Duration>(*mark.device_clock))
                    : now;
    beat.source = mark.source;
    if (mark.rr) beat.rr = std::chrono::duration_cast<core::Duration>(*mark.rr);
    alarms_.on_beat(beat);
  }
}

void BedMonitor::on_waveforms(const std::string& device, std::span<const drivers::WaveformSegment> segments,
                              core::TimePoint now) {
  ecg_out_.clear();
  const std::string in_use = ecg_.active();
  ecg_.on_segments(device, segments, now, ecg_out_);
  for (const auto& note : ecg_out_.notes) spdlog::info("{}/{}", id_, note);
  if (ecg_.active() != in_use) switch_ecg_rate(now);
  for (const auto& beat : ecg_out_.beats) {
    alarms_.on_beat(beat);
    ecg_rate_.on_beat(beat);
  }
  for (const auto& c : ecg_out_.coverage) {
    alarms_.on_ecg_coverage(c.first, c.end, c.quality, c.flat, c.artefact, c.vf_like);
    ecg_rate_.on_coverage(c.end, c.quality, c.flat, c.artefact);
  }
}

void BedMonitor::switch_ecg_rate(core::TimePoint now) {
  ecg_rate_.restart();
  const std::string device = core::ecg_derived_device(ecg_.active_device());
  if (device == ecg_rate_device_) return;
  // The old device's number is gone, not frozen at its last value.
  if (!ecg_rate_device_.empty()) on_reading(ecg_rate_device_, alerts::EcgHeartRate::gone(), now);
  ecg_rate_device_ = device;
}

vigil::v1::DeviceStatus to_proto(const LinkStatus& link, bool drill, core::TimePoint now) {
  vigil::v1::DeviceStatus s;
  s.set_bed(link.bed);
  s.set_device(link.device);
  s.set_protocol(link.protocol);
  s.set_state(link.state);
  s.set_reason(link.reason);
  s.set_frames_ok(link.stats.frames_ok);
  s.set_frames_bad(link.stats.frames_bad);
  s.set_resyncs(link.stats.resyncs);
  if (link.last_frame) wire::set_time(s.mutable_last_frame(), *link.last_frame);
  wire::set_time(s.mutable_time(), now);
  s.set_drill(drill);
  return s;
}

void BedMonitor::on_link_state(const LinkStatus& link, core::TimePoint now) {
  vigil::v1::BusMessage m;
  *m.mutable_link() = to_proto(link, drill_, now);
  bus_.publish(m, id_);
  journal_.queue(std::move(m));
  // Opened but not yet talking says nothing new: a lost device stays lost
  // until its first valid frame, and silence is judged by the link.
  if (link.state == vigil::v1::CONNECTING) return;
  if (link.lost()) {
    ecg_.forget(link.device);
    // Reset, not erased: the device's link holds a reference to its clock.
    if (auto it = frame_clocks_.find(link.device); it != frame_clocks_.end()) it->second.reset();
  }
  alarms_.on_link(link.device, link.protocol, link.lost(), link.reason, now, out_);
  publish(now);
}

void BedMonitor::on_link_garbled(const LinkStatus& link, core::TimePoint now) {
  alarms_.on_garbled(link.device, link.garbled, link.garbled_reason, now, out_);
  publish(now);
}

void BedMonitor::tick(core::TimePoint now) {
  if (auto r = ecg_rate_.reading(now); r && !ecg_rate_device_.empty()) on_reading(ecg_rate_device_, *r, now);
  alarms_.tick(now, out_);
  publish(now);
}

vigil::v1::AlarmEvent BedMonitor::to_proto_alarm(const alerts::AlarmEvent& e) const {
  return journal::to_proto(e, drill_);
}

void BedMonitor::on_journal(bool available, const std::string& reason, core::TimePoint now) {
  alarms_.on_journal(available, reason, now, out_);
  publish(now);
}

void BedMonitor::on_hl7_destination(const std::string& destination, bool failing, const std::string& text,
                                    core::TimePoint now) {
  alarms_.on_hl7_destination(destination, failing, text, now, out_);
  publish(now);
}

void BedMonitor::on_adt_refused(const std::string& text, core::TimePoint now) {
  alarms_.on_adt_refused(text, now, out_);
  publish(now);
}

void BedMonitor::restore(const alerts::BedState& s, alerts::AlarmProfile profile,
                         const std::vector<core::Observation>& recent,
                         std::optional<core::TimePoint> last_cuff, core::TimePoint now) {
  alarms_.restore(s, std::move(profile), recent, last_cuff, now, out_);
}

bool BedMonitor::write_state(core::TimePoint now) {
  return journal_.write_bed(id_, {}, journal::to_journal(id_, alarms_.state(), drill_), now);
}

void BedMonitor::publish(core::TimePoint now) {
  if (out_.alarms.empty() && out_.context.empty()) return;
  // The bed's held readings (bus_publisher.hpp) go out now, not with the
  // first transition: ZeroMQ's I/O thread wakes for them while the
  // transitions are made and logged, and is up when they follow.
  if (!stream_) stream_ = &bus_.stream(id_);
  bus_.flush(*stream_);
  std::vector<vigil::v1::BusMessage> messages;
  messages.reserve(out_.alarms.size() + out_.context.size());
  for (const auto& e : out_.alarms) {
    auto& m = messages.emplace_back();
    *m.mutable_alarm() = journal::to_proto(e, drill_);
    bus_.stamp(m, id_);
  }
  for (const auto& c : out_.context) {
    auto& m = messages.emplace_back();
    auto* p = m.mutable_context();
    p->set_bed(id_);
    p->set_what(c.what);
    p->set_actor(c.actor.who);
    p->set_station(c.actor.station);
    p->set_message(c.message);
    p->set_old_value(c.old_value);
    p->set_new_value(c.new_value);
    p->set_patient_id(c.patient_id);
    p->set_drill(drill_);
    wire::set_time(p->mutable_time(), now);
    bus_.stamp(m, id_);
  }
  // In the kernel's hands before anyone hears of it: one write() to the
  // intent log, and the SQLite transaction once it is out; without the log,
  // the transaction first. A failed write is the journal's alarm to raise;
  // the transitions still go out.
  const auto state = journal::to_journal(id_, alarms_.state(), drill_);
  const bool logged = journal_.log_bed(id_, messages, state, now);
  if (!logged) journal_.write_bed(id_, messages, state, now);
  for (const auto& m : messages) bus_.send(m, id_);
  if (logged) journal_.write_bed(id_, messages, state, now);
  for (const auto& e : out_.alarms) {
    const auto level = e.transition == alerts::Transition::raised && e.priority == alerts::Priority::high
                           ? spdlog::level::err
                       : e.transition == alerts::Transition::raised ? spdlog::level::warn
                                                                    : spdlog::level::info;
    spdlog::log(level, "{}: alarm {} {} [{} {}] {}", id_, alerts::to_string(e.transition), e.condition,
                alerts::to_string(e.priority), alerts::to_string(e.kind), e.message);
  }
  for (const auto& c : out_.context) spdlog::info("{}: {}", id_, c.message);
  out_.clear();
}

vigil::v1::BedStatus BedMonitor::status(core::TimePoint now, const std::vector<LinkStatus>& links) const {
  vigil::v1::BedStatus s;
  s.set_bed(id_);
  s.set_patient_id(alarms_.patient_id());
  s.set_profile(alarms_.profile().name);
  s.set_drill(drill_);
  if (const auto& inf = alarms_.infusion()) {
    s.set_infusion_running(true);
    wire::set_time(s.mutable_infusion_started(), inf->started);
    s.set_infusion_drug(inf->drug);
    s.set_infusion_regimen(inf->regimen);
    if (const auto pause = infusion_course_.pause_now(alarms_)) {
      wire::set_time(s.mutable_infusion_paused_since(), pause->since);
      s.set_infusion_pause_reason(pause->reason);
      s.set_infusion_paused_by(pause->by);
    }
    if (const auto rate = infusion_course_.rate_now(alarms_)) s.set_infusion_rate_mg_per_min(*rate);
  }
  s.set_baseline_source(alarms_.baseline_source());
  auto* b = s.mutable_baseline();
  for (const auto& [metric, value] : alarms_.baseline()) {
    switch (metric) {
      case core::Metric::nibp_systolic:
        b->set_nibp_sys(value);
        break;
      case core::Metric::nibp_diastolic:
        b->set_nibp_dia(value);
        break;
      case core::Metric::nibp_mean:
        b->set_nibp_mean(value);
        break;
      case core::Metric::heart_rate:
      case core::Metric::pulse_rate:
        b->set_heart_rate(value);
        break;
      case core::Metric::spo2:
        b->set_spo2(value);
        break;
      default:
        break;
    }
  }
  for (const auto& [metric, o] : latest_) *s.add_latest() = wire::to_proto(o, drill_);
  for (const auto& a : alarms_.engine().current(now)) *s.add_alarms() = journal::to_proto(a, drill_);
  for (const auto& l : links) *s.add_devices() = to_proto(l, drill_, now);
  for (const auto& r : alarms_.profile().rules) {
    auto* v = s.add_limits();
    v->set_condition(r.condition);
    v->set_priority(journal::to_proto(r.priority));
    v->set_metric(std::string{core::name(r.metric)});
    v->set_rule(alerts::describe_limit(r));
    v->set_threshold(r.threshold);
    v->set_delay_s(
        static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(r.delay).count()));
    v->set_enabled(r.enabled);
    v->set_comparison(comparison(r.kind));
    v->set_off_reason(r.off_reason);
    v->set_off_by(r.off_by);
  }
  *s.mutable_infusion_bounds() = infusion_bounds();
  s.set_last_seq(bus_.last_seq(id_));
  return s;
}

}  // namespace vigil::daemon
