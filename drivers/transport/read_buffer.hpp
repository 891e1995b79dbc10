#pragma once
// A device link's read buffer, sized to what the link sends.
//
// A line or a frame a second, or a paced link's 40 ms of frames, is far
// below kSmall. A read that fills the buffer left more behind (a flood, a
// start-up backlog, a device that sends large messages such as HL7), so the
// link reads kLarge at a time from then on. Once its reads have fitted the
// small buffer kSmallReadsToShrink times in a row, the flood or backlog is
// over and the large buffer is given back: at 128 beds the backlog of
// start-up grew nearly every one of the 256 links' buffers, and kept, they
// held 0.5 MB (docs/journal.md, "Memory at 128 beds, fourth round"). A link
// whose reads keep exceeding kSmall (HL7) keeps the large buffer.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vigil::drivers {

class ReadBuffer {
 public:
  static constexpr std::size_t kSmall = 512, kLarge = 4096;
  // Over two seconds of a paced 75 Hz oximeter, a minute of a Masimo line:
  // a burst a few reads apart does not allocate the large buffer anew.
  static constexpr int kSmallReadsToShrink = 64;

  std::uint8_t* data() { return bytes_.data(); }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }
  // What the buffer holds in memory.
  std::size_t capacity() const { return bytes_.capacity(); }

  // After a read of n bytes into it, once they have been handed on (a
  // resize may move or free them).
  void after_read(std::size_t n) {
    if (n == bytes_.size() && n < kLarge) {
      bytes_.resize(kLarge);
      small_reads_ = 0;
    } else if (bytes_.size() > kSmall) {
      small_reads_ = n <= kSmall ? small_reads_ + 1 : 0;
      if (small_reads_ >= kSmallReadsToShrink) {
        bytes_ = std::vector<std::uint8_t>(kSmall);  // a resize would keep the capacity
        small_reads_ = 0;
      }
    }
  }

 private:
  std::vector<std::uint8_t> bytes_ = std::vector<std::uint8_t>(kSmall);
  int small_reads_ = 0;  // in a row, while large
};

}  // namespace vigil::drivers
