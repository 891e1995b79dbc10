#pragma once
// MLLP (HL7 v2 Minimal Lower Layer Protocol, HL7 v2.6 appendix C): every
// message is framed as 0x0B <message> 0x1C 0x0D. The one framer and
// deframer of vigil: the HL7 monitor session and the ADT listener read
// frames with it, and the HL7 senders (hl7out/) read their receivers'
// acknowledgements with it.
//
// Decisions (vigil's):
//  - Bytes outside a frame are skipped and counted as resync bytes, and
//    reported as every codec reports noise (SkipCounter, resync_scanner.hpp):
//    one line when the next frame starts, and every 512 bytes while it
//    lasts, so a sender that does not frame with MLLP shows up at once, not
//    as silence. Whitespace alone between frames (line endings some senders
//    add after 0x1C 0x0D) is counted but is no noise; noise after it is
//    reported from the run's start.
//  - A frame cut short by a new 0x0B, or longer than kMaxFrame, is rejected
//    and counted bad. 0x1C not followed by 0x0D still ends a frame.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/device_session.hpp"
#include "drivers/resync_scanner.hpp"

namespace vigil::drivers {

constexpr std::uint8_t kMllpStart = 0x0B;
constexpr std::uint8_t kMllpEnd = 0x1C;
constexpr std::uint8_t kMllpCarriageReturn = 0x0D;

std::string mllp_frame(std::string_view message);
// Appends to `out` the frame around what `body(out)` appends: a reply framed
// where it is written, without a copy.
template <class Body>
void append_mllp_frame(std::string& out, Body&& body) {
  out += static_cast<char>(kMllpStart);
  body(out);
  out += static_cast<char>(kMllpEnd);
  out += static_cast<char>(kMllpCarriageReturn);
}

// Splits a byte stream into MLLP frame payloads, with bounded memory.
class MllpDeframer {
 public:
  static constexpr std::size_t kMaxFrame = 256 * 1024;

  // Calls on_frame with each payload as soon as its end byte arrives, so its
  // errors interleave with framing errors in the order things happened.
  void feed(std::span<const std::uint8_t> bytes, const std::function<void(const std::string&)>& on_frame,
            std::vector<std::string>& errors);
  // Forget a partial frame (the link went down and came back).
  void reset(std::vector<std::string>& errors);
  // bytes, resyncs and frames_bad (framing errors); frames_ok is left to the reader.
  const CodecStats& stats() const { return stats_; }

 private:
  enum class State { hunting, in_frame, after_end, discarding };
  static constexpr std::string_view kWhere = "mllp";
  void hunt(std::uint8_t b, std::vector<std::string>& errors);

  State state_ = State::hunting;
  std::string frame_;
  std::size_t slack_ = 0;  // whitespace since the last frame: skipped, not (yet) noise
  SkipCounter skips_;
  CodecStats stats_;
};

}  // namespace vigil::drivers
