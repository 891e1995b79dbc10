#pragma once
// A device's end of a serial line for the benchmarks: a pseudo-terminal
// master, with a symlink a vigild config (or the peer script) names. Writes
// are non-blocking; nothing is written while nobody has the line open, as a
// serial cable with nothing at the other end carries nothing.
#include <string>
#include <string_view>

namespace vigil::bench {

class PtyDevice {
 public:
  // Throws std::runtime_error when no pseudo-terminal can be had.
  explicit PtyDevice(std::string link);
  ~PtyDevice();
  PtyDevice(const PtyDevice&) = delete;
  PtyDevice& operator=(const PtyDevice&) = delete;

  // Somebody has the line open.
  bool listening() const;
  // Writes what the line takes now; returns the count written (0 when full
  // or nobody listens).
  std::size_t write_some(std::string_view bytes);
  int fd() const { return master_; }
  const std::string& link() const { return link_; }

 private:
  std::string link_;
  int master_ = -1;
};

}  // namespace vigil::bench
