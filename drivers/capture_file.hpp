#pragma once
// Capture files: every device's raw bytes with the time vigild received
// them, so a problem seen in the field can be replayed at a desk
// (`vigild --capture FILE`, then `vigil-sim replay FILE`).
//
// The format is text, one record per line, so it can be read, grepped and
// cut with ordinary tools:
//
//   # vigil capture 1
//   device bed-1/oximeter masimo
//   1732363200.123456 bed-1/oximeter rx 30322f32322f3136...
//   1732363200.200000 bed-1/cms50 tx 7d81a1808080808080
//   1732363201.000000 bed-1/oximeter link DOWN end of file on /dev/pts/4
//
// Times are Unix seconds with microseconds on vigild's clock; `rx` is what
// the device sent (hex), `tx` what vigild sent it, `link` a change of the
// link's state with its reason. A `device` line names a device's protocol
// before its first record. Beds, devices, protocols and link states are ids
// (letters, digits, '-', '_' or '.'), as vigild's config has them; a reason
// is the rest of its line. Lines starting with '#' are comments, a line may
// end in CRLF, and a file may hold several runs appended one after another.
// What parse_capture accepts, capture_line writes back to the same records.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace vigil::drivers {

struct CaptureRecord {
  enum class Kind { rx, tx, link };
  core::TimePoint time{};
  std::string device;  // "bed/device"
  Kind kind = Kind::rx;
  std::vector<std::uint8_t> bytes;  // rx, tx
  std::string state;                // link: CONNECTING, UP, DOWN, STALE
  std::string reason;               // link
};

struct CaptureDevice {
  std::string device;  // "bed/device"
  std::string protocol;
};

struct Capture {
  std::vector<CaptureDevice> devices;
  std::vector<CaptureRecord> records;  // in file order
};

std::string capture_header(core::TimePoint started);
std::string capture_device_line(const CaptureDevice& d);
std::string capture_line(const CaptureRecord& r);

// Every error is "file:line:column: message".
core::Result<Capture> parse_capture(std::string_view text, const std::string& file_for_messages);

// A night of one bed's devices is tens of MB of text; replay holds the whole
// file in memory, and a bound keeps /dev/zero or a FIFO from hanging it.
inline constexpr std::size_t kMaxCaptureFileBytes = std::size_t{256} << 20;
// The file read (through core/bounded_file) and parsed.
core::Result<Capture> read_capture(const std::string& path);

}  // namespace vigil::drivers
