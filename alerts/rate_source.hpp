#pragma once
// Which reading the rate conditions (tachycardia, bradycardia: every rule on
// the heart rate or the pulse rate) follow: the best source now, an ECG heart
// rate (a monitor's own, or vigild's from the ECG waveform) before a pulse
// rate. Two sources of one heartbeat must not both judge it: an oximeter
// counting motion as pulses would raise a tachycardia the ECG does not show,
// and a pulse deficit would clear one the ECG does.
//
// The source in use stays while its readings are usable and fresh (the last
// one usable and at most `fresh` old). A usable reading of a better kind
// takes over at once; any usable rate reading takes over from a source that
// went unusable or silent. When the kind changes, the caller hands the
// rules' states over (LimitRules::hand_over), so an active alarm neither
// drops nor sounds again because the number now comes from another sensor.
//
// An ECG heart rate flagged artifact (and nothing else wrong with it) is the
// last resort: worse than a usable pulse, but judged when no usable rate is
// fresh. Ventricular fibrillation or a very fast tachycardia looks like
// artefact on the ECG (beats under 250 ms apart, shapes that do not repeat)
// and leaves no usable pulse; a false rate alarm then is better than none.
// Pure: the time comes in as an argument.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/observation.hpp"

namespace vigil::alerts {

class RateSource {
 public:
  static constexpr core::Duration kFresh = std::chrono::seconds{10};
  // What an alarm judged from a flagged ECG rate says after its text: staff
  // must know the number may be the detector counting noise (or VF).
  static constexpr std::string_view kArtefactNote = " (ECG rate, signal flagged as artefact)";

  struct Decision {
    bool use = true;                         // let the rules evaluate this reading
    std::optional<core::Metric> taken_from;  // the kind this reading takes over from
    bool despite_artefact = false;           // judge its value although flagged artifact
  };
  static bool is_rate(core::Metric m) {
    return m == core::Metric::heart_rate || m == core::Metric::pulse_rate;
  }

  // The reading the rules judge when `despite_artefact`.
  static core::Reading without_artefact(core::Reading r);
  Decision on_reading(const std::string& device, const core::Reading& r, core::TimePoint now);
  // "monitor:ecg hr", empty before the first usable rate reading.
  std::string in_use() const;

 private:
  // One device's stream of one rate metric, as last seen.
  struct Source {
    std::string device;
    core::Metric metric{};
    core::TimePoint time{};
    std::optional<int> rank;  // lower is better; none: no rate to judge
  };
  // Usable ECG 0, usable pulse 1 (the ECG times the heartbeat itself, the
  // pulse only its arrival at a finger, which motion fakes and a weak beat
  // misses), ECG flagged artifact only 2.
  static std::optional<int> rank(const core::Reading& r);
  static bool judged_despite_artefact(const core::Reading& r);
  static bool good(const Source& s, core::TimePoint now) { return s.rank && now - s.time <= kFresh; }
  bool better_good(std::size_t than, int than_rank, core::TimePoint now) const;
  // The index of the source in seen_, added when new.
  std::size_t source(const std::string& device, core::Metric metric);

  // A bed has a few rate sources, so a list searched in order is the
  // cheapest map: a rate reading of a fresh oximeter costs no allocation.
  std::vector<Source> seen_;
  std::optional<std::size_t> current_;  // in seen_
};

}  // namespace vigil::alerts
