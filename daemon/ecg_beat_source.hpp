#pragma once
// One bed's ECG beats from the waveform segments its devices stream: a
// streaming QRS detector per device and lead, each detection a beat with its
// signal-quality index, timed on the waveform's own sample clock. Pure: the
// receive time comes in as an argument, nothing is logged or sent.
//
// Timing. A stream's sample clock is placed on our clock by a
// DeviceClockAnchor (device_clock_anchor.hpp): a beat at sample n is at
// anchor + n / rate, however the segments were bunched by the link, and the
// anchor settles on the least delayed arrival. The device's own time for a
// segment (HL7 OBX-14 / OBR-7) is used to see gaps, never as our time:
// device clocks are often minutes off.
//
// Resets (the detector starts afresh, its 2 s learning period included,
// rather than invent or lose beats across a hole):
//  - the device time of a segment is more than kJump away from where the
//    previous segment ended (a segment lost, a clock step);
//  - the sample clock has fallen more than DeviceClockAnchor::kLag behind
//    our clock (segments missing, the link stalled, or a device clock slower
//    than ours); without
//    device times also when it runs more than kAhead ahead of it (samples
//    faster than real time cannot be placed);
//  - a new sampling rate; the device's link going down (forget()).
//
// One stream feeds the bed at a time (two leads of one heartbeat would be two
// beats): the stream in use stays until it stops for its silence allowance;
// then the next stream to deliver takes over, lead II first when several
// arrive together. While it runs, another stream whose signal-quality index
// is kBetter above it (or that is not flat when it is) takes over, at most
// once per kDwell so two leads of similar quality do not take turns. All
// streams keep their detectors running so a takeover starts warm.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "alerts/beat.hpp"
#include "alerts/qrs_detector.hpp"
#include "core/time.hpp"
#include "daemon/device_clock_anchor.hpp"
#include "drivers/device_session.hpp"

namespace vigil::daemon {

struct EcgCoverage {
  core::TimePoint first{};  // of the segment just analysed, on our clock
  core::TimePoint end{};
  double quality = 0;  // the detector's index as of the segment's end
  bool flat = false;
  bool artefact = false;  // motion or electrode artefact (alerts/ecg_artefact.hpp)
  bool vf_like = false;   // looks like VF or a coarse fast VT (alerts/vf_detector.hpp)
};

struct EcgOutput {
  std::vector<alerts::Beat> beats;    // of the stream in use, in time order
  std::vector<EcgCoverage> coverage;  // of the stream in use, one per segment
  std::vector<std::string> notes;     // resets and takeovers, for the log
  void clear() {
    beats.clear();
    coverage.clear();
    notes.clear();
  }
};

class EcgBeatSource {
 public:
  static constexpr std::chrono::milliseconds kJump{100};
  static constexpr std::chrono::milliseconds kAhead{500};
  static constexpr double kBetter = 0.25;
  static constexpr std::chrono::seconds kDwell{5};

  // The ECG segments one read from `device` delivered at `now`.
  void on_segments(const std::string& device, std::span<const drivers::WaveformSegment> segments,
                   core::TimePoint now, EcgOutput& out);
  // The device's link went down: its streams start afresh when it is back.
  void forget(const std::string& device);
  // The stream in use ("device/channel"), empty when none.
  std::string active() const { return active_ ? active_->first + "/" + active_->second : std::string{}; }
  // The device of the stream in use, empty when none.
  std::string active_device() const { return active_ ? active_->first : std::string{}; }

 private:
  using Key = std::pair<std::string, std::string>;  // device, channel
  struct Stream {
    explicit Stream(double fs) : detector{fs} {}
    alerts::QrsDetector detector;
    DeviceClockAnchor clock;                    // of sample 0
    std::optional<core::TimePoint> device_end;  // device time where the last segment ended
    core::TimePoint last_fed{};
    core::Duration last_length{};
    std::string label;
  };

  void feed(const Key& key, const drivers::WaveformSegment& w, core::TimePoint now, EcgOutput& out);
  std::string reset_reason(const Stream& s, const drivers::WaveformSegment& w, core::TimePoint now) const;
  // The sample clock at the end of `w`, were it added to the stream.
  static core::Duration sample_clock(const Stream& s, const drivers::WaveformSegment& w);
  bool active_stopped(core::TimePoint now) const;
  // A running stream of clearly better signal than the one in use, if any.
  const Key* better_stream(core::TimePoint now) const;
  void take(const Key& key, const std::string& label, core::TimePoint now, EcgOutput& out);

  std::map<Key, Stream> streams_;
  std::optional<Key> active_;
  core::TimePoint taken_at_{};
  std::vector<alerts::QrsDetection> found_;  // reused between calls
};

}  // namespace vigil::daemon
