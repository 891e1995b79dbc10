#include "daemon/capture_writer.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "core/bounded_file.hpp"

namespace vigil::daemon {

CaptureWriter::CaptureWriter(const std::string& path, core::TimePoint now) : path_{path} {
  // Opening a FIFO to append would wait for a reader: vigild would hang at start.
  if (const auto why = core::special_file(path); !why.empty())
    throw std::runtime_error("cannot open the capture file " + why);
  file_ = std::fopen(path.c_str(), "a");
  if (!file_) throw std::runtime_error("cannot open the capture file " + path + ": " + std::strerror(errno));
  write(drivers::capture_header(now));
}

CaptureWriter::~CaptureWriter() {
  if (file_) std::fclose(file_);
}

void CaptureWriter::declare(const std::string& device, const std::string& protocol) {
  if (declared_.insert(device).second) write(drivers::capture_device_line({device, protocol}));
}

void CaptureWriter::bytes(const std::string& device, const std::string& protocol,
                          drivers::CaptureRecord::Kind kind, std::span<const std::uint8_t> data,
                          core::TimePoint now) {
  if (data.empty()) return;
  declare(device, protocol);
  drivers::CaptureRecord r;
  r.time = now;
  r.device = device;
  r.kind = kind;
  r.bytes.assign(data.begin(), data.end());
  write(drivers::capture_line(r));
}

void CaptureWriter::link(const std::string& device, const std::string& protocol, const std::string& state,
                         const std::string& reason, core::TimePoint now) {
  declare(device, protocol);
  drivers::CaptureRecord r;
  r.time = now;
  r.device = device;
  r.kind = drivers::CaptureRecord::Kind::link;
  r.state = state;
  r.reason = reason;
  write(drivers::capture_line(r));
}

void CaptureWriter::write(const std::string& text) {
  if (!file_) return;
  const bool ok = std::fwrite(text.data(), 1, text.size(), file_) == text.size() && std::fflush(file_) == 0;
  // A full disk must not stop the monitoring: say it once, keep running.
  if (!ok && !failed_)
    spdlog::error("capture file {}: write failed ({}); capture incomplete", path_, std::strerror(errno));
  failed_ = failed_ || !ok;
}

}  // namespace vigil::daemon
