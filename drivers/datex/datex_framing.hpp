#pragma once
// GE Datex-Ohmeda S/5, Cardiocap/5 and CARESCAPE "computer interface": the
// frame layer. One Datex-Ohmeda record travels in one frame:
//
//   0x7E | record bytes | checksum | 0x7E
//
// The checksum is the sum of the record bytes modulo 256. Inside the frame
// 0x7E and 0x7D (checksum included) are sent as 0x7D followed by the byte
// with bit 5 cleared (0x5E, 0x5D); the receiver sets bit 5 again.
//
// Sources (facts only, restated in our words):
//  - GE "S/5 Computer Interface Specification" / "Datex-Ohmeda Record
//    Specification" (document 8005313 and M1017617 for Bx50): we could not
//    read them; nanutlmhk/flora-core quotes their escaping rule ("clear the
//    5th bit" / "restore the 5th bit") and an appendix hex example.
//  - xeonfusion/VSCapture and xeonfusion/VSCaptureWave Class1.cs (C#): frame
//    character 0x7E, control character 0x7D, bit 5 restored on receive, the
//    8-bit sum checksum over the unescaped record, compared with the last
//    byte of the frame. JiaXiuSai/VSCapture is the same code.
//  - KaiWU17TUM/icu_devices ge_monitor.cpp (C++, used on a CARESCAPE B650):
//    the same framing and checksum.
//  - All four readers open the port at 19200 baud, 8 data bits, EVEN parity,
//    1 stop bit, with RTS/CTS handshake (flora-core says the specification
//    requires CTS/RTS). The protocol table carries the baud rate only.
//
// Decisions (vigil's):
//  - 0x7E delimits frames: the bytes between two flags are one frame, so a
//    flag may both end one frame and start the next (as flora-core reads
//    them), and two flags in a row are an empty frame, skipped silently.
//    Bytes before the first flag are skipped as resync bytes and reported as
//    every codec reports noise (SkipCounter). The flag and escape layer is
//    drivers/flag_deframer.hpp, shared with IntelliVue.
//  - A frame is rejected whole (one error line, counted bad) when its
//    checksum is wrong, it is too short to hold a checksum, it ends in the
//    middle of an escape, or it outgrows the largest record (1490 bytes);
//    an oversized frame is skipped up to the next flag.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "drivers/device_session.hpp"
#include "drivers/flag_deframer.hpp"

namespace vigil::drivers {

namespace datex_wire {
constexpr std::uint8_t kFlag = 0x7E;
constexpr std::uint8_t kEscape = 0x7D;
constexpr std::uint8_t kBit5 = 0x20;
constexpr std::size_t kMaxRecord = 1490;  // 40-byte header and 1450 bytes of data
}  // namespace datex_wire

std::uint8_t datex_checksum(std::span<const std::uint8_t> record);
// One complete frame, flag to flag, around a record.
std::vector<std::uint8_t> datex_frame(std::span<const std::uint8_t> record);

// Splits a byte stream into checked records, with bounded memory.
class DatexDeframer {
 public:
  using RecordHandler = std::function<void(std::span<const std::uint8_t> record)>;

  DatexDeframer();
  // Calls on_record with each good record (checksum removed) as its closing flag arrives.
  void feed(std::span<const std::uint8_t> bytes, const RecordHandler& on_record,
            std::vector<std::string>& errors);
  // Forget a partial frame (the link went down and came back).
  void reset(std::vector<std::string>& errors) { frames_.reset(errors); }
  // bytes, resyncs, frames_ok (frames with a good checksum) and frames_bad.
  const CodecStats& stats() const { return frames_.stats(); }

 private:
  FlagDeframer frames_;
};

}  // namespace vigil::drivers
