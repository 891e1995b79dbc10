#include "daemon/link_health.hpp"

#include <chrono>
#include <utility>

namespace vigil::daemon {

LinkHealth::LinkHealth(core::Duration silence, std::string where, core::TimePoint now)
    : silence_{silence}, where_{std::move(where)}, since_{now} {}

LinkChange LinkHealth::set(LinkState s, std::string reason, core::TimePoint now) {
  if (s == state_ && reason == reason_) return LinkChange::none;
  const bool new_state = s != state_;
  if (new_state) since_ = now;
  state_ = s;
  reason_ = std::move(reason);
  return new_state ? LinkChange::state : LinkChange::reason;
}

LinkChange LinkHealth::opening(std::string reason, core::TimePoint now) {
  // A second connection opening while frames flow changes nothing.
  if (state_ == vigil::v1::UP) return LinkChange::none;
  return set(vigil::v1::CONNECTING, std::move(reason), now);
}

LinkChange LinkHealth::frames_decoded(const std::string& source, core::TimePoint now) {
  last_frame_ = now;
  if (state_ == vigil::v1::UP) return LinkChange::none;
  return set(vigil::v1::UP, "receiving from " + source, now);
}

LinkChange LinkHealth::failed(std::string reason, core::TimePoint now) {
  return set(vigil::v1::DOWN, std::move(reason), now);
}

LinkChange LinkHealth::check_silence(core::TimePoint now, const drivers::CodecStats& stats) {
  if (state_ == vigil::v1::DOWN || state_ == vigil::v1::STALE) return LinkChange::none;
  // Counted from the last frame, or from when the link (re)opened: frames
  // from before a reconnection say nothing about this connection.
  const core::TimePoint reference = last_frame_ && *last_frame_ > since_ ? *last_frame_ : since_;
  if (now - reference <= silence_) return LinkChange::none;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - reference).count();
  std::string why =
      "no valid frame for " + std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
  if (stats.frames_bad > 0) why += " (" + std::to_string(stats.frames_bad) + " bad frames so far)";
  return set(vigil::v1::STALE, why + " from " + where_, now);
}

bool LinkHealth::check_garbling(core::TimePoint now, const drivers::CodecStats& stats) {
  if (now - window_start_ < kGarbleWindow) return false;
  const auto ok = stats.frames_ok - window_stats_.frames_ok;
  const auto bad = stats.frames_bad - window_stats_.frames_bad;
  window_start_ = now;
  window_stats_ = stats;
  const bool garbled = bad >= kGarbledMinBad && bad * 5 > ok + bad;
  if (garbled == garbled_) return false;
  garbled_ = garbled;
  garbled_reason_ = garbled ? std::to_string(bad) + " of " + std::to_string(ok + bad) +
                                  " frames bad in the last 10 s from " + where_
                            : "frames are clean again";
  return true;
}

}  // namespace vigil::daemon
