#pragma once
// One bed on the core thread: the bus side of alerts::BedAlarms. Stamps
// readings into observations, feeds the bed's alarm logic, and publishes
// readings, alarm transitions and context changes in order on the bed's stream.
// Alarm transitions and context changes are journalled, with the bed's state
// after them, before they are published; readings are queued for the
// journal's writer after they are published.
#include <map>
#include <span>
#include <string>
#include <vector>

#include "alerts/bed_alarms.hpp"
#include "alerts/ecg_heart_rate.hpp"
#include "core/device_condition.hpp"
#include "core/observation.hpp"
#include "daemon/bus_publisher.hpp"
#include "daemon/device_clock_anchor.hpp"
#include "daemon/ecg_beat_source.hpp"
#include "daemon/infusion_course.hpp"
#include "daemon/link_health.hpp"
#include "daemon/profile_config.hpp"
#include "journal/journal.hpp"
#include "vigil/v1/command.pb.h"
#include "vigil/v1/config.pb.h"

namespace vigil::daemon {

class BedMonitor {
 public:
  BedMonitor(const vigil::v1::config::Bed& config, alerts::AlarmProfile profile,
             core::Duration baseline_window, bool drill, BusPublisher& bus, journal::Journal& journal);

  void on_reading(const std::string& device, core::Reading r, core::TimePoint now);
  // The readings of one device read, each published as it comes; a cuff
  // measurement's readings are judged together (alerts/cuff_measurement.hpp),
  // every other reading on its own, in order.
  void on_readings(const std::string& device, std::span<const core::Reading> read, core::TimePoint now);
  void on_device_conditions(const std::string& device, core::DeviceConditions c, core::TimePoint now);
  // Beats the device flagged in one read, timed on its frame clock when it
  // has one (placed on ours by a DeviceClockAnchor per device); called for
  // every read that moves that clock, with beats or without. `clock` is
  // frame_clock(device), which the caller looks up once (when its link is
  // made), not on every read. Inline: an oximeter's 75 reads a second
  // mostly only move the clock, and the call cost more than that.
  void on_beats(const std::string& device, DeviceClockAnchor& clock, const drivers::DecodeOutput& out,
                core::TimePoint now) {
    if (out.device_clock_end) {
      const auto end = std::chrono::duration_cast<core::Duration>(*out.device_clock_end);
      if (clock.needs_restart(end, now)) [[unlikely]]
        restart_frame_clock(device, clock, end, now);
      clock.settle(end, now);
    }
    if (!out.beats.empty()) place_beats(out.device_clock_end ? &clock : nullptr, out.beats, now);
  }
  // The device's frame clock; the reference stays valid as long as the bed.
  DeviceClockAnchor& frame_clock(const std::string& device) { return frame_clocks_[device]; }
  // ECG waveform segments: the QRS detector's beats and coverage go to the
  // bed's rhythm analysis (ecg_beat_source.hpp) and its heart rate.
  void on_waveforms(const std::string& device, std::span<const drivers::WaveformSegment> segments,
                    core::TimePoint now);
  void on_link_state(const LinkStatus& link, core::TimePoint now);
  void on_link_garbled(const LinkStatus& link, core::TimePoint now);
  void tick(core::TimePoint now);
  void on_journal(bool available, const std::string& reason, core::TimePoint now);
  void on_adt_refused(const std::string& text, core::TimePoint now);
  void on_hl7_destination(const std::string& destination, bool failing, const std::string& text,
                          core::TimePoint now);

  // After a restart: the state from the journal and the profile rebuilt from
  // it. What it says (RESTORED alarms, a "restored" context event) waits for
  // publish_pending(), or goes out ahead of anything else published first.
  void restore(const alerts::BedState& s, alerts::AlarmProfile profile,
               const std::vector<core::Observation>& recent, std::optional<core::TimePoint> last_cuff,
               core::TimePoint now);
  void publish_pending(core::TimePoint now) { publish(now); }
  // Writes the bed's state as it is now (the journal is back after a failure).
  bool write_state(core::TimePoint now);

  // Runs a command against the bed; publishes what it caused. The reply
  // carries the alarm transitions too.
  template <class F>
  auto command(F&& f, core::TimePoint now, vigil::v1::CommandReply& reply) {
    const auto before = out_.alarms.size();
    auto result = f(alarms_, out_);
    for (auto i = before; i < out_.alarms.size(); ++i) *reply.add_alarms() = to_proto_alarm(out_.alarms[i]);
    publish(now);
    return result;
  }

  bool reconfigure(alerts::AlarmProfile profile) { return alarms_.reconfigure(std::move(profile)); }
  vigil::v1::BedStatus status(core::TimePoint now, const std::vector<LinkStatus>& links) const;
  const std::string& id() const { return id_; }
  const alerts::BedAlarms& alarms() const { return alarms_; }
  InfusionCourse& infusion_course() { return infusion_course_; }
  bool drill() const { return drill_; }

 private:
  void publish(core::TimePoint now);
  // on_beats' rare and per-beat parts, out of line.
  void restart_frame_clock(const std::string& device, DeviceClockAnchor& clock, core::Duration end,
                           core::TimePoint now);
  void place_beats(const DeviceClockAnchor* clock, std::span<const drivers::BeatMark> marks,
                   core::TimePoint now);
  // On the bus and queued for the journal; returns the reading as judged
  // (a device time in the future replaced by ours).
  const core::Reading& publish_reading(const std::string& device, core::Reading r, core::TimePoint now);
  vigil::v1::AlarmEvent to_proto_alarm(const alerts::AlarmEvent& e) const;
  // Another ECG stream is in use: its beats start the heart rate afresh.
  void switch_ecg_rate(core::TimePoint now);

  std::string id_;
  bool drill_;
  BusPublisher& bus_;
  BusPublisher::Stream* stream_ = nullptr;  // the bed's, from its first reading
  journal::Journal& journal_;
  alerts::BedAlarms alarms_;
  alerts::BedOutput out_;
  InfusionCourse infusion_course_;
  std::map<core::Metric, core::Observation> latest_;
  // By device; entries are never erased (links hold references to them).
  std::map<std::string, DeviceClockAnchor> frame_clocks_;
  EcgBeatSource ecg_;
  EcgOutput ecg_out_;
  // vigild's heart rate from the stream in use, published as a reading of
  // "<device>:ecg" (core/derived_device.hpp) on every tick that has one.
  alerts::EcgHeartRate ecg_rate_;
  std::string ecg_rate_device_;
  std::vector<core::Reading> measurement_;  // on_readings()'s, reused
};

}  // namespace vigil::daemon
