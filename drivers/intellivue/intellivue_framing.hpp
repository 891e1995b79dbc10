#pragma once
// Philips IntelliVue MP/MX "Data Export" over the MIB/RS232 port: the frame
// layer ("Fixed Baudrate Protocol", 115200 baud 8N1 by default). Every
// Data Export message travels in one frame:
//
//   0xC0 | 0x11 0x01 LEN_HI LEN_LO | user data (LEN bytes) | FCS_LO FCS_HI | 0xC1
//
// 0x11 is the Data Export protocol id, 0x01 the "AWS protocol data" message
// type, LEN the user data length (big-endian). The FCS is the PPP FCS-16 of
// RFC 1662 (CRC-16/CCITT, reflected polynomial 0x8408, initial 0xFFFF) over
// header and user data before escaping; the sender transmits its ones'
// complement, low byte first, so a receiver running the CRC over header,
// data and FCS ends at 0xF0B8. Between BOF and EOF the bytes 0xC0, 0xC1 and
// 0x7D are sent as 0x7D followed by the byte XOR 0x20 (header and FCS
// included); 0x7D 0xC1 aborts the frame.
//
// Sources (facts only, restated in our words):
//  - Philips "Data Export Interface Programming Guide" (IntelliVue X2, MP and
//    MX series, 4535 642 59271), chapter 4 "Transport Protocols for the
//    MIB/RS232 Interface": framing, header, FCS, transparency, frame abort.
//    We could read its table of contents, not its full text: the facts below
//    were confirmed in the two readers that follow.
//  - xeonfusion/VSCaptureMP Class3.cs (C#): the FCS table and the ones'
//    complement sent low byte first, header 0x11 0x01 + length, BOF/EOF/0x7D
//    constants, the 0x7D 0xC1 frame abort, 115200 8N1.
//  - mdpnp/mdpnp OpenICE FCSOutputStream.java, IntellivueByteSplitter.java and
//    RS232Adapter.java (Java): escaping covers header and FCS too, the good
//    final FCS value 0xF0B8, and known frames for two test inputs
//    (TestFCSOutputStream.java) that our tests reproduce.
//  - mindleaving/patient-monitor-datalogger (C#): a frame recorded from a
//    monitor (DataExploration.cs) whose FCS our code accepts, and the rule
//    that a BOF inside a frame aborts it.
//
// Decisions (vigil's):
//  - Bytes outside a frame are skipped and counted as resync bytes and
//    reported as every codec reports noise (SkipCounter), so a wrong baud
//    rate shows up as errors, not silence. The flag and escape layer is
//    drivers/flag_deframer.hpp, shared with Datex.
//  - A frame is rejected whole (one error line, counted bad) when its FCS,
//    protocol id, message type or length field is wrong, when it is cut short
//    by a new BOF, aborted by the sender, or longer than kMaxUserData.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "drivers/device_session.hpp"
#include "drivers/flag_deframer.hpp"

namespace vigil::drivers {

namespace intellivue_wire {
constexpr std::uint8_t kBof = 0xC0;
constexpr std::uint8_t kEof = 0xC1;
constexpr std::uint8_t kEscape = 0x7D;
constexpr std::uint8_t kEscapeXor = 0x20;
constexpr std::uint8_t kProtocolDataExport = 0x11;
constexpr std::uint8_t kMessageAwsData = 0x01;
constexpr std::uint16_t kFcsInitial = 0xFFFF;
constexpr std::uint16_t kFcsGood = 0xF0B8;
constexpr std::size_t kHeaderSize = 4;
constexpr std::size_t kFcsSize = 2;
}  // namespace intellivue_wire

// Runs the FCS-16 over bytes, starting from fcs (no final complement).
std::uint16_t intellivue_fcs_update(std::uint16_t fcs, std::span<const std::uint8_t> bytes);
// The FCS a sender appends after these bytes (the complemented CRC).
std::uint16_t intellivue_fcs(std::span<const std::uint8_t> bytes);

// One complete frame, BOF to EOF, around a Data Export message.
std::vector<std::uint8_t> intellivue_frame(std::span<const std::uint8_t> user_data);

// Splits a byte stream into checked frames, with bounded memory.
class IntellivueDeframer {
 public:
  static constexpr std::size_t kMaxUserData = 8192;
  using FrameHandler = std::function<void(std::span<const std::uint8_t> user_data)>;

  IntellivueDeframer();
  // Calls on_frame with each good frame's user data as soon as its EOF arrives.
  void feed(std::span<const std::uint8_t> bytes, const FrameHandler& on_frame,
            std::vector<std::string>& errors);
  // Forget a partial frame (the link went down and came back).
  void reset(std::vector<std::string>& errors) { frames_.reset(errors); }
  // bytes, resyncs, frames_ok (frames that passed the frame checks) and frames_bad.
  const CodecStats& stats() const { return frames_.stats(); }

 private:
  FlagDeframer frames_;
};

}  // namespace vigil::drivers
