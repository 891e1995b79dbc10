#pragma once
// Writes every device's raw bytes and link changes to a capture file
// (drivers/capture_file.hpp), for `vigild --capture FILE`. Appends, so a
// restart adds a run to the same file; flushes each record, so a crash
// loses nothing already received.
#include <cstdio>
#include <set>
#include <span>
#include <string>

#include "drivers/capture_file.hpp"

namespace vigil::daemon {

class CaptureWriter {
 public:
  // Throws std::runtime_error naming the file and the reason.
  CaptureWriter(const std::string& path, core::TimePoint now);
  ~CaptureWriter();
  CaptureWriter(const CaptureWriter&) = delete;
  CaptureWriter& operator=(const CaptureWriter&) = delete;

  void bytes(const std::string& device, const std::string& protocol, drivers::CaptureRecord::Kind kind,
             std::span<const std::uint8_t> data, core::TimePoint now);
  void link(const std::string& device, const std::string& protocol, const std::string& state,
            const std::string& reason, core::TimePoint now);

 private:
  void declare(const std::string& device, const std::string& protocol);
  void write(const std::string& text);

  std::string path_;
  std::FILE* file_ = nullptr;
  std::set<std::string> declared_;
  bool failed_ = false;
};

}  // namespace vigil::daemon
