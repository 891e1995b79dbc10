#pragma once
// Streaming pulse-onset detector for a plethysmogram (or arterial pressure)
// waveform, with its own signal-quality index. Pure: samples in (any rate,
// any units), onsets out as sample indices; no clock, no I/O.
//
// After Zong, Heldt, Moody & Mark, "An open-source algorithm to detect onset
// of arterial blood pressure pulses", Computers in Cardiology 30:259-262
// (2003) (PhysioNet's wabp), restated in our own words and adapted to a
// stream at any rate:
//  1. 8 Hz low-pass (the pulse has little above 5 Hz; motion noise has);
//  2. slope sum function: the sum of the positive sample-to-sample rises over
//     the last 128 ms, which turns each upstroke into one clean hump;
//  3. a pulse when the slope sum crosses 60 % of an adaptive level (first
//     set to 3x the mean slope sum of the first 3 s, then following the
//     height of accepted pulses), at least 250 ms after the previous onset
//     (faster than 240 /min is not a pulse);
//  4. the onset by the intersecting-tangent method (the tangent at the
//     steepest point of the upstroke within 150 ms of the crossing meets the
//     level of the foot, the lowest point in the 300 ms before), which is
//     less disturbed by noise than the first rise of the slope sum.
//
// Quality index, on purpose never above 0.8: a pulse onset moves with pulse
// transit time, vasomotion and probe motion, so its interval carries tens of
// milliseconds of jitter that a QRS interval does not; 0.8 is the best a
// pulse beat can claim. Below that it is 0.8 times the smaller of
//  - shape agreement: the correlation of the filtered waveform from 100 ms
//    before to 200 ms after the onset with the running template of earlier
//    pulses, 1 above 0.9, 0 below 0.5 (template matching, as in the PPG
//    quality indices of Li & Clifford, Physiol Meas 33:1491, 2012); until
//    three pulses have built the template it is 0.5;
//  - amplitude consistency: the hump height against the mean of the last 8,
//    1 within 0.6-1.6x, 0 outside 0.25-3x;
// and 0 while the signal is flat (probe off, saturated front end).
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "alerts/biquad_filter.hpp"

namespace vigil::alerts {

inline constexpr double kPulseQualityCeiling = 0.8;

struct PulseOnset {
  std::int64_t sample = 0;  // counted from the first sample fed
  double quality = 0;
};

class PulseOnsetDetector {
 public:
  explicit PulseOnsetDetector(double sampling_hz);

  // Appends onsets decided on by the end of `samples` (250 ms after the
  // upstroke crosses the threshold), in time order.
  void add(std::span<const float> samples, std::vector<PulseOnset>& out);
  double sampling_hz() const { return fs_; }
  bool flat() const;

 private:
  void step(double x, std::vector<PulseOnset>& out);
  void decide(std::vector<PulseOnset>& out);
  double ssf_at(std::int64_t index) const;
  double quality(double height, std::int64_t onset);
  std::vector<double> segment(std::int64_t onset) const;
  std::int64_t intersecting_tangent(std::int64_t crossing) const;
  double filtered_at(std::int64_t index) const;

  double fs_;
  std::int64_t slope_window_, refractory_, decision_delay_, trough_search_, upstroke_search_, learning_;
  Biquad low_pass_;
  std::vector<double> ssf_ring_, filtered_ring_;
  std::int64_t ring_size_;
  std::deque<double> rises_;
  double ssf_sum_ = 0;
  double previous_y_ = 0;
  std::int64_t n_ = 0;

  double learn_sum_ = 0;
  double level_ = 0;  // the adaptive threshold base
  std::optional<std::int64_t> crossing_;
  std::optional<std::int64_t> last_onset_;
  std::int64_t last_pulse_at_ = 0;
  std::deque<double> recent_heights_;
  std::vector<double> template_;  // mean shape of recent good pulses
  int template_pulses_ = 0;
  std::int64_t segment_before_, segment_after_;

  std::int64_t flat_run_ = 0;
  double previous_x_ = 0;
};

}  // namespace vigil::alerts
