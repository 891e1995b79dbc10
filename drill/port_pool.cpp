#include "drill/port_pool.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>

namespace vigil::drill {
namespace {

// Ports from below the kernel's ephemeral range: one that bind(0) chose and
// we released could be taken as the source port of any outgoing connection
// on the machine before vigild listens on it.
int ephemeral_low() {
  std::ifstream in{"/proc/sys/net/ipv4/ip_local_port_range"};
  int low = 32768;
  in >> low;
  return low > 2048 ? low : 32768;
}

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  return a;
}

bool nobody_on(int port) {
  const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return false;
  auto a = loopback(port);
  const bool free = bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(s);
  return free;
}

int any_ephemeral_port() {
  const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  auto a = loopback(0);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

// A reservation whose writer is gone. An empty file is one being written.
bool left_by_dead_process(const std::filesystem::path& file) {
  std::ifstream in{file};
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return false;
  return kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

std::filesystem::path PortPool::shared_folder() {
  std::error_code ec;
  auto tmp = std::filesystem::temp_directory_path(ec);
  return (ec ? std::filesystem::path{"/tmp"} : tmp) / "vigil-ports";
}

PortPool::PortPool(std::vector<int> taken, std::filesystem::path folder)
    : taken_{std::move(taken)}, folder_{std::move(folder)} {
  // Like /tmp: anyone may reserve, only the owner may take a file away.
  if (mkdir(folder_.c_str(), 01777) == 0) chmod(folder_.c_str(), 01777);
  folder_usable_ = access(folder_.c_str(), W_OK | X_OK) == 0;
}

PortPool::~PortPool() {
  std::error_code ignored;
  for (const auto& f : reserved_) std::filesystem::remove(f, ignored);
}

int PortPool::take() {
  const int low = ephemeral_low();
  // The upper half of the stretch below the ephemeral range: the
  // integration tests choose theirs from the lower half. Which free port is
  // chosen changes nothing a drill reports.
  std::uniform_int_distribution<int> pick{std::max(1024, low - 6000), low - 1};
  for (int tries = 0; tries < 500; ++tries) {
    const int port = pick(rng_);
    if (std::find(taken_.begin(), taken_.end(), port) != taken_.end()) continue;
    if (reserve(port)) return port;
  }
  return any_ephemeral_port();
}

bool PortPool::reserve(int port) {
  const auto file = folder_ / std::to_string(port);
  // Without the shared folder (not writable by this user) drills can
  // still collide, but a drill runs.
  if (folder_usable_ && !claim(file)) return false;
  if (!nobody_on(port)) {
    if (folder_usable_) {
      std::error_code ignored;
      std::filesystem::remove(file, ignored);
    }
    return false;
  }
  taken_.push_back(port);
  if (folder_usable_) reserved_.push_back(file);
  return true;
}

bool PortPool::claim(const std::filesystem::path& file) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int fd = open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) {
      const auto pid = std::to_string(getpid());
      const bool written = write(fd, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size());
      close(fd);
      if (written) return true;
      std::error_code ignored;
      std::filesystem::remove(file, ignored);
      return false;
    }
    if (errno != EEXIST || !left_by_dead_process(file)) return false;
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
  }
  return false;
}

}  // namespace vigil::drill
