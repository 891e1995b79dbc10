#pragma once
// HL7 v2 over the Minimal Lower Layer Protocol: every message is framed as
// 0x0B <message> 0x1C 0x0D, and the receiver answers each with an ACK framed
// the same way (HL7 v2.6 appendix C; the same bytes in simple-hl7's TCP server
// and node-hl7-client). The session reads ORU^R01 (IHE PCD-01) messages into
// readings and puts the ACK in DecodeOutput::to_send, so it works over TCP or
// a serial line alike.
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
//  - Acknowledgement codes are AA / AE / AR (original mode, what PCD-01
//    gateways are seen to expect) whatever MSH-15/16 ask for, except that
//    nothing is sent when both are NE. AR: not HL7, not ORU^R01, or not a
//    production (MSH-11 P) message; AE: an ORU^R01 with rows vigil could not
//    use (the usable rows are still read); AA otherwise, including messages
//    whose rows all have codes vigil does not read. A message answered AE or
//    AR counts as a bad frame.
//  - The ACK's MSH-7 is the time of the last on_tick (the original's MSH-7
//    before the first tick); its MSH-10 is a per-session counter.
//  - Expected interval 5 s (protocol_table.cpp): gateways send PCD-01 at a
//    period their site configures; vigil asks for 5 s or less, since device
//    silence is judged against it.
//  - ORU^R01 carries no device technical conditions (those come with PCD-04
//    alerts, not read yet), so DecodeOutput::conditions stays empty.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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

std::unique_ptr<DeviceSession> make_hl7_session();
// The device as vigil-sim plays it (hl7_sim_device.cpp).
std::unique_ptr<SimulatedDevice> make_hl7_sim_device();

}  // namespace vigil::drivers
