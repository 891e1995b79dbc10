#include "daemon/ecg_beat_source.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vigil::daemon {
namespace {

constexpr std::uint32_t kLeadII = 131330;  // MDC_ECG_ELEC_POTL_II
// A stream silent this long (or one segment length and a second) has stopped.
constexpr core::Duration kSilence = std::chrono::seconds{2};

std::string format_seconds(core::Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", core::to_seconds(d));
  return buf;
}

std::string channel_of(const drivers::WaveformSegment& w) {
  return w.channel.empty() ? w.label : w.channel;
}

}  // namespace

void EcgBeatSource::on_segments(const std::string& device, std::span<const drivers::WaveformSegment> segments,
                                core::TimePoint now, EcgOutput& out) {
  if (segments.empty()) return;
  if (!active_ || active_stopped(now)) {
    const auto lead_ii =
        std::find_if(segments.begin(), segments.end(),
                     [](const drivers::WaveformSegment& w) { return w.mdc_code == kLeadII; });
    const auto& pick = lead_ii != segments.end() ? *lead_ii : segments.front();
    take({device, channel_of(pick)}, pick.label, now, out);
  } else if (const Key* better = better_stream(now)) {
    take(*better, streams_.at(*better).label + " (better signal)", now, out);
  }
  for (const auto& w : segments) feed({device, channel_of(w)}, w, now, out);
}

void EcgBeatSource::forget(const std::string& device) {
  std::erase_if(streams_, [&](const auto& entry) { return entry.first.first == device; });
}

void EcgBeatSource::take(const Key& key, const std::string& label, core::TimePoint now, EcgOutput& out) {
  if (active_ == key) return;
  out.notes.push_back("ECG beats now from " + key.first + " " + label);
  active_ = key;
  taken_at_ = now;
}

const EcgBeatSource::Key* EcgBeatSource::better_stream(core::TimePoint now) const {
  if (now - taken_at_ < kDwell) return nullptr;
  const auto current = streams_.find(*active_);
  if (current == streams_.end()) return nullptr;
  const bool flat = current->second.detector.flat();
  const double quality = flat ? 0 : current->second.detector.signal_quality();
  const Key* best = nullptr;
  double best_quality = quality + kBetter;
  for (const auto& [key, s] : streams_) {
    if (key == *active_ || s.detector.flat() || now - s.last_fed > kSilence) continue;
    const double q = s.detector.signal_quality();
    if (q >= best_quality || (flat && q >= 0.5 && !best)) {
      best = &key;
      best_quality = q;
    }
  }
  return best;
}

bool EcgBeatSource::active_stopped(core::TimePoint now) const {
  const auto it = streams_.find(*active_);
  if (it == streams_.end()) return true;
  return now - it->second.last_fed > std::max(kSilence, it->second.last_length + std::chrono::seconds{1});
}

std::string EcgBeatSource::reset_reason(const Stream& s, const drivers::WaveformSegment& w,
                                        core::TimePoint now) const {
  const double fs = s.detector.sampling_hz();
  if (w.sampling_hz != fs) return "sampling rate changed to " + std::to_string(w.sampling_hz) + " /s";
  if (w.first_sample_time && s.device_end) {
    const core::Duration jump = *w.first_sample_time - *s.device_end;
    if (jump > kJump || jump < -kJump)
      return "device time jumps by " + format_seconds(jump) + " between segments";
  }
  // Without device times a stream far ahead of real time cannot be placed.
  if (!w.first_sample_time && s.clock.at(sample_clock(s, w)) - now > kAhead)
    return "samples arrive faster than real time";
  return s.clock.restart_reason(sample_clock(s, w), now);
}

core::Duration EcgBeatSource::sample_clock(const Stream& s, const drivers::WaveformSegment& w) {
  const auto end =
      static_cast<double>(s.detector.samples_seen() + static_cast<std::int64_t>(w.samples.size()));
  return core::from_seconds(end / s.detector.sampling_hz());
}

void EcgBeatSource::feed(const Key& key, const drivers::WaveformSegment& w, core::TimePoint now,
                         EcgOutput& out) {
  if (!(w.sampling_hz > 0) || w.samples.empty()) return;
  const core::Duration length = core::from_seconds(static_cast<double>(w.samples.size()) / w.sampling_hz);
  auto it = streams_.find(key);
  bool fresh = it == streams_.end();
  if (!fresh) {
    const std::string why = reset_reason(it->second, w, now);
    if (!why.empty()) {
      out.notes.push_back(key.first + " " + w.label + ": QRS detector restarted: " + why);
      streams_.erase(it);
      fresh = true;
    }
  }
  if (fresh) it = streams_.emplace(key, Stream{w.sampling_hz}).first;
  Stream& s = it->second;
  s.clock.settle(sample_clock(s, w), now);
  const double fs = w.sampling_hz;
  auto time_of = [&](std::int64_t sample) {
    return s.clock.at(core::from_seconds(static_cast<double>(sample) / fs));
  };
  const std::int64_t first = s.detector.samples_seen();
  found_.clear();
  s.detector.add(w.samples, found_);
  s.device_end = w.first_sample_time ? std::optional{*w.first_sample_time + length} : std::nullopt;
  s.last_fed = now;
  s.last_length = length;
  s.label = w.label;
  if (!active_ || *active_ != key) return;
  for (const auto& q : found_) out.beats.push_back(alerts::ecg_beat(q, time_of(q.sample)));
  const std::int64_t end = s.detector.samples_seen();
  out.coverage.push_back({time_of(first), time_of(end), s.detector.signal_quality(), s.detector.flat(),
                          s.detector.artefact(), s.detector.vf_like()});
}

}  // namespace vigil::daemon
