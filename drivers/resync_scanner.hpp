#pragma once
// What a codec needs to find frames in noise: a bounded window of the bytes
// that may begin a frame (unframed serial streams), and the one noise policy
// every codec shares: a counter of the bytes skipped on the way, reported as
// one readable line per run.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/device_session.hpp"

namespace vigil::drivers {

// Holds at most N bytes; the codec examines it after every byte it adds and
// consumes or drops from the front, so it never needs to grow.
template <std::size_t N>
class ByteWindow {
 public:
  void push(std::uint8_t b) { bytes_[size_++] = b; }  // only when !full()
  void drop_front(std::size_t n) {
    std::copy(bytes_.begin() + static_cast<std::ptrdiff_t>(n),
              bytes_.begin() + static_cast<std::ptrdiff_t>(size_), bytes_.begin());
    size_ -= n;
  }
  std::uint8_t operator[](std::size_t i) const { return bytes_[i]; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ == N; }

 private:
  std::array<std::uint8_t, N> bytes_{};
  std::size_t size_ = 0;
};

// Garbage is reported when a frame is found after it, and at least every
// kReportEvery bytes while it lasts, so a wrong baud rate shows in the log
// without flooding it. The report does not depend on how bytes were chunked.
class SkipCounter {
 public:
  static constexpr std::size_t kReportEvery = 512;

  void skip(CodecStats& stats, std::vector<std::string>& errors, std::string_view where) {
    ++stats.resyncs;
    if (++run_ == kReportEvery) report(errors, where, "without finding a frame");
  }
  void frame_found(std::vector<std::string>& errors, std::string_view where) {
    if (run_ > 0) report(errors, where, "before the next frame");
  }
  // The link went down: what was skipped so far is said now, not never.
  void flush(std::vector<std::string>& errors, std::string_view where) {
    if (run_ > 0) report(errors, where, "without finding a frame");
  }
  // No skipped byte waits to be reported.
  bool idle() const { return run_ == 0; }
  // n bytes already counted as skipped but held back as harmless (MLLP's
  // line endings between frames) turn out to begin a run of noise.
  void join_run(std::size_t n, std::vector<std::string>& errors, std::string_view where) {
    for (; n > 0; --n)
      if (++run_ == kReportEvery) report(errors, where, "without finding a frame");
  }
  void skip(CodecStats& stats, DecodeOutput& out, std::string_view where) { skip(stats, out.errors, where); }
  void frame_found(DecodeOutput& out, std::string_view where) { frame_found(out.errors, where); }

 private:
  void report(std::vector<std::string>& errors, std::string_view where, std::string_view what) {
    errors.push_back(std::string(where) + ": skipped " + std::to_string(run_) +
                     (run_ == 1 ? " byte " : " bytes ") + std::string(what));
    run_ = 0;
  }
  std::size_t run_ = 0;
};

}  // namespace vigil::drivers
