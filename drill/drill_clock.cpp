#include "drill/drill_clock.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace vigil::drill {
namespace {

// The file: a magic word, the simulator's time, then how far vigild has
// caught up (0 until it says), both in nanoseconds since the Unix epoch.
constexpr std::int64_t kMagic = 0x4b4c434c49474956;  // the bytes "VIGILCLK" on a little-endian machine
constexpr std::size_t kSimulator = 1, kDaemon = 2;
constexpr std::size_t kSize = 3 * sizeof(std::int64_t);

std::int64_t load(std::int64_t* p) {
  return std::atomic_ref<std::int64_t>{*p}.load();
}
void store(std::int64_t* p, std::int64_t v) {
  std::atomic_ref<std::int64_t>{*p}.store(v);
}

core::TimePoint from_ns(std::int64_t ns) {
  return core::TimePoint{std::chrono::duration_cast<core::Duration>(std::chrono::nanoseconds{ns})};
}

std::int64_t to_ns(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

DrillClockWriter::DrillClockWriter(const std::string& path, core::TimePoint start) {
  const std::string tmp = path + ".new";
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || ftruncate(fd, kSize) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("cannot create the drill clock file " + path + ": " + std::strerror(errno));
  }
  void* m = mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (m == MAP_FAILED)
    throw std::runtime_error("cannot map the drill clock file " + path + ": " + std::strerror(errno));
  ns_ = static_cast<std::int64_t*>(m);
  ns_[0] = kMagic;
  ns_[kDaemon] = 0;
  set(start);
  // Readers find the file only once it holds a time.
  if (rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot create the drill clock file " + path + ": " + std::strerror(errno));
}

DrillClockWriter::~DrillClockWriter() {
  if (ns_) munmap(ns_, kSize);
}

void DrillClockWriter::set(core::TimePoint t) {
  store(ns_ + kSimulator, to_ns(t));
}

std::optional<core::TimePoint> DrillClockWriter::daemon_time() const {
  const auto ns = load(ns_ + kDaemon);
  if (ns == 0) return std::nullopt;
  return from_ns(ns);
}

core::Result<std::unique_ptr<DrillClock>> DrillClock::open(const std::string& path, double rate) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return core::Error{"cannot open the drill clock file " + path + ": " + std::strerror(errno)};
  void* m = mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (m == MAP_FAILED)
    return core::Error{"cannot map the drill clock file " + path + ": " + std::strerror(errno)};
  auto* ns = static_cast<std::int64_t*>(m);
  if (ns[0] != kMagic) {
    munmap(m, kSize);
    return core::Error{path + " is not a drill clock file (vigil-sim --clock-file writes one)"};
  }
  return std::unique_ptr<DrillClock>{new DrillClock{ns, rate}};
}

DrillClock::~DrillClock() {
  munmap(ns_, kSize);
}

core::TimePoint DrillClock::now() const {
  return from_ns(load(ns_ + kSimulator));
}

void DrillClock::caught_up(core::TimePoint t) const {
  store(ns_ + kDaemon, to_ns(t));
}

}  // namespace vigil::drill
