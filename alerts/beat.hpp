#pragma once
// A heartbeat as rhythm analysis sees it: when, from which kind of signal,
// and how much to trust it.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/beat_source.hpp"
#include "core/time.hpp"

namespace vigil::alerts {

using core::BeatSource;
constexpr std::string_view source_name(BeatSource s) {
  return core::beat_source_name(s);
}

// What the QRS complex looks like against the patient's own normal beats
// (alerts/qrs_shape_classifier.hpp). Only ECG beats from vigil's own QRS
// detector carry a shape; every other beat is `unknown`. `ventricular`: unlike
// the normal beats and wider; `unlike_normal`: unlike them but not wider in
// this lead (most often still a ventricular beat; also an artefact taken for a
// beat). Neither says anything about the atria, nor does the pause after
// them, so the AF analysis leaves them out (rate and pauses still count
// every beat).
enum class BeatShape : std::uint8_t { unknown, normal, ventricular, unlike_normal };

constexpr bool outside_normal_conduction(BeatShape s) {
  return s == BeatShape::ventricular || s == BeatShape::unlike_normal;
}

// Atrial activity between beats (alerts/atrial_activity.hpp): the atrial
// cycle the baseline repeats itself after, and how closely it does (0-1).
// Flutter waves repeat at one cycle of 0.17-0.25 s; fibrillatory waves do
// not repeat, and a sinus baseline holds no repeating wave.
struct AtrialWaves {
  double cycle_s = 0;
  double regularity = 0;
};

struct Beat {
  core::TimePoint time{};
  BeatSource source = BeatSource::ecg;
  // The interval since the previous beat when the device measured it itself;
  // preferred over the difference of receive times, which carry link jitter.
  std::optional<core::Duration> rr;
  // Signal-quality index in [0, 1] from the detector that found the beat
  // (1 clean, below 0.5 not trustworthy); absent when the source gives none.
  std::optional<double> quality;
  BeatShape shape = BeatShape::unknown;
  // Atrial activity before this QRS: correlation (-1..1) of the stretch 300
  // to 70 ms before the R wave with the patient's running average of that
  // stretch. A P wave repeats beat after beat at a fixed distance before the
  // QRS (high); fibrillatory waves do not (low). ECG beats from vigil's own
  // detector only.
  std::optional<double> p_wave{};
  // The atrial activity between the beats up to this one; ECG beats from
  // vigil's own detector only, once enough stretches have been seen.
  std::optional<AtrialWaves> atrial{};
  // The QRS width (ms) the shape classifier measured, and for a beat unlike
  // normal its best match with the last beats unlike normal (a ventricular
  // focus repeats its complex, electrode jerks do not): what the ventricular
  // tachycardia condition reads (alerts/vt_episode.hpp). ECG beats from
  // vigil's own detector only.
  std::optional<double> qrs_width_ms{};
  std::optional<double> repeat_match{};
};

}  // namespace vigil::alerts
