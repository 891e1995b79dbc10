#pragma once
// Whether a device link is healthy, judged on the injected clock from what
// the link saw: opened, frames decoded, failed, frames bad. Pure: no I/O, no
// clock of its own, nothing logged, so every rule is unit-tested with a fake
// clock. DeviceLink owns one and reports what it says; the bed gets its
// LinkStatus, a value, never the link.
//
// States: CONNECTING (opened or listening, no valid frame yet), UP (valid
// frames arrive), STALE (none for the silence allowance: a device that
// stopped talking is as lost as one unplugged), DOWN (the transport failed;
// DeviceLink reopens it with backoff).
#include <optional>
#include <string>

#include "core/time.hpp"
#include "drivers/device_session.hpp"
#include "vigil/v1/bus.pb.h"

namespace vigil::daemon {

using LinkState = vigil::v1::LinkState;

// What the rest of vigild knows of a link at one moment.
struct LinkStatus {
  std::string bed;
  std::string device;
  std::string protocol;
  LinkState state = vigil::v1::CONNECTING;
  std::string reason;
  std::optional<core::TimePoint> last_frame;
  drivers::CodecStats stats;
  bool garbled = false;
  std::string garbled_reason;

  bool lost() const { return state == vigil::v1::DOWN || state == vigil::v1::STALE; }
};

// What an event did to a link's health: the log says every new reason, the
// bed and the bus hear of a new state.
enum class LinkChange { none, reason, state };

class LinkHealth {
 public:
  // A line is garbled when, over kGarbleWindow, at least kGarbledMinBad
  // frames and more than a fifth of all frames were bad.
  static constexpr std::chrono::seconds kGarbleWindow{10};
  static constexpr std::uint64_t kGarbledMinBad = 3;

  // `where` names the link in reasons ("/dev/ttyUSB0", "tcp 10.0.0.5:4001").
  LinkHealth(core::Duration silence, std::string where, core::TimePoint now);

  LinkChange opening(std::string reason, core::TimePoint now);
  LinkChange frames_decoded(const std::string& source, core::TimePoint now);
  LinkChange failed(std::string reason, core::TimePoint now);
  // Silence: UP or CONNECTING for longer than the allowance becomes STALE.
  LinkChange check_silence(core::TimePoint now, const drivers::CodecStats& stats);
  // Garbling, judged once per window from the running totals; returns
  // whether garbled() changed.
  bool check_garbling(core::TimePoint now, const drivers::CodecStats& stats);

  LinkState state() const { return state_; }
  const std::string& reason() const { return reason_; }
  std::optional<core::TimePoint> last_frame() const { return last_frame_; }
  core::Duration silence_limit() const { return silence_; }
  bool garbled() const { return garbled_; }
  const std::string& garbled_reason() const { return garbled_reason_; }

 private:
  LinkChange set(LinkState s, std::string reason, core::TimePoint now);

  core::Duration silence_;
  std::string where_;
  LinkState state_ = vigil::v1::CONNECTING;
  std::string reason_ = "opening";
  core::TimePoint since_;  // of the current state
  std::optional<core::TimePoint> last_frame_;
  core::TimePoint window_start_{};
  drivers::CodecStats window_stats_;
  bool garbled_ = false;
  std::string garbled_reason_;
};

}  // namespace vigil::daemon
