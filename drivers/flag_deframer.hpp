#pragma once
// Frames delimited by flag bytes, with byte stuffing inside (the HDLC / RFC
// 1662 family): what the Datex-Ohmeda and IntelliVue serial protocols share.
// A frame runs from a start flag to an end flag; inside it the escape byte
// announces a stuffed byte, which is restored with `unescape`. The two
// protocols differ only in the bytes, in whether one flag both ends a frame
// and starts the next (Datex) or a start inside a frame cuts it short
// (IntelliVue), and in what they check once a frame is complete; that check
// is the caller's.
//
// Noise outside frames is skipped, counted as resyncs and reported as every
// codec reports it (SkipCounter). Memory is bounded: a frame longer than
// max_frame is dropped up to its end flag.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/device_session.hpp"
#include "drivers/resync_scanner.hpp"

namespace vigil::drivers {

struct FlagFraming {
  std::string_view name;  // starts every error line: "datex"
  std::uint8_t start = 0;
  std::uint8_t end = 0;  // the same as start when one flag both ends and starts
  std::uint8_t escape = 0;
  std::uint8_t (*unescape)(std::uint8_t) = nullptr;
  std::size_t max_frame = 0;  // unescaped bytes, checks included
  std::string_view too_long;  // the error for a frame past max_frame
  std::string_view
      escaped_end;  // the error for an escape right before the end flag ("after N bytes" follows)
};

class FlagDeframer {
 public:
  explicit FlagDeframer(FlagFraming framing) : framing_{framing} {}

  // Calls on_frame(unescaped bytes between the flags) for each frame as its
  // end flag arrives, empty ones excepted; on_frame says what is wrong with
  // it (empty when it is good) and the deframer counts it.
  template <class OnFrame>
  void feed(std::span<const std::uint8_t> bytes, OnFrame&& on_frame, std::vector<std::string>& errors) {
    stats_.bytes += bytes.size();
    for (std::size_t i = 0; i < bytes.size();) {
      const std::uint8_t b = bytes[i];
      if (b == framing_.start || b == framing_.end) {
        on_flag(b, on_frame, errors);
        ++i;
      } else if (state_ == State::in_frame && !escaped_ && b != framing_.escape) {
        // A run of plain bytes inside a frame is taken at once: byte by byte
        // it was two thirds of decoding an IntelliVue stream.
        std::size_t end = i + 1;
        while (end < bytes.size() && !special(bytes[end])) ++end;
        take_plain(bytes.subspan(i, end - i), errors);
        i = end;
      } else {
        on_byte(b, errors);
        ++i;
      }
    }
  }
  // Forget a partial frame (the link went down and came back).
  void reset(std::vector<std::string>& errors);
  // bytes, resyncs, frames_ok (frames that passed the caller's checks) and frames_bad.
  const CodecStats& stats() const { return stats_; }
  void reject(std::string why, std::vector<std::string>& errors);

 private:
  enum class State { hunting, in_frame, discarding };

  template <class OnFrame>
  void on_flag(std::uint8_t b, OnFrame& on_frame, std::vector<std::string>& errors) {
    const bool starts = b == framing_.start;
    const bool ends = b == framing_.end;
    if (state_ == State::in_frame && ends) finish(on_frame, errors);
    if (state_ == State::in_frame && starts && !ends)
      reject("frame cut short by a new frame start after " + std::to_string(frame_.size()) + " bytes",
             errors);
    if (state_ == State::hunting && starts) skips_.frame_found(errors, framing_.name);
    if (state_ == State::hunting && !starts) skips_.skip(stats_, errors, framing_.name);
    if (state_ == State::discarding && !starts) ++stats_.resyncs;
    state_ = starts ? State::in_frame : State::hunting;
    escaped_ = false;
  }

  template <class OnFrame>
  void finish(OnFrame& on_frame, std::vector<std::string>& errors) {
    if (escaped_)
      return reject(std::string{framing_.escaped_end} + " after " + std::to_string(frame_.size()) + " bytes",
                    errors);
    // With one flag for both, two in a row are nothing between frames; with
    // two, an empty frame is a broken one and the caller's checks say so.
    if (frame_.empty() && framing_.start == framing_.end) return;
    std::string why = on_frame(std::span<const std::uint8_t>(frame_));
    if (!why.empty()) return reject(std::move(why), errors);
    ++stats_.frames_ok;
    frame_.clear();
  }

  // Inline: it runs for every byte of the stream.
  void on_byte(std::uint8_t b, std::vector<std::string>& errors) {
    if (state_ != State::in_frame) {
      if (state_ == State::hunting)
        skips_.skip(stats_, errors, framing_.name);
      else
        ++stats_.resyncs;  // the rest of an oversized frame, reported already
      return;
    }
    if (b == framing_.escape && !escaped_) {
      escaped_ = true;
      return;
    }
    frame_.push_back(escaped_ ? framing_.unescape(b) : b);
    escaped_ = false;
    if (frame_.size() > framing_.max_frame) drop_oversized(errors);
  }
  void drop_oversized(std::vector<std::string>& errors);
  bool special(std::uint8_t b) const {
    return b == framing_.start || b == framing_.end || b == framing_.escape;
  }
  // As on_byte for each byte of `run` (no flag or escape in it, in a frame,
  // not after an escape): past max_frame the frame is dropped and the rest
  // of the run counted as resyncs.
  void take_plain(std::span<const std::uint8_t> run, std::vector<std::string>& errors) {
    const std::size_t room = framing_.max_frame + 1 - frame_.size();  // a frame never stays past max_frame
    const std::size_t taken = std::min(run.size(), room);
    frame_.insert(frame_.end(), run.begin(), run.begin() + static_cast<std::ptrdiff_t>(taken));
    if (frame_.size() <= framing_.max_frame) return;
    drop_oversized(errors);
    stats_.resyncs += run.size() - taken;
  }

  FlagFraming framing_;
  State state_ = State::hunting;
  bool escaped_ = false;
  std::vector<std::uint8_t> frame_;
  SkipCounter skips_;
  CodecStats stats_;
};

}  // namespace vigil::drivers
