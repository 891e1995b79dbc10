#include "bench/pty_device.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace vigil::bench {

PtyDevice::PtyDevice(std::string link) : link_{std::move(link)} {
  int slave = -1;
  char name[256] = {};
  if (openpty(&master_, &slave, name, nullptr, nullptr) != 0)
    throw std::runtime_error("cannot create a pseudo-terminal for " + link_);
  termios tio{};
  tcgetattr(slave, &tio);
  cfmakeraw(&tio);
  tcsetattr(slave, TCSANOW, &tio);
  // With our copy of the slave closed, the master reports POLLHUP until a
  // reader opens the line: that is how listening() knows.
  close(slave);
  fcntl(master_, F_SETFD, FD_CLOEXEC);
  fcntl(master_, F_SETFL, fcntl(master_, F_GETFL) | O_NONBLOCK);
  std::filesystem::remove(link_);
  std::filesystem::create_symlink(name, link_);
}

PtyDevice::~PtyDevice() {
  close(master_);
  std::error_code ec;
  std::filesystem::remove(link_, ec);
}

bool PtyDevice::listening() const {
  pollfd p{master_, POLLOUT, 0};
  poll(&p, 1, 0);
  return (p.revents & POLLHUP) == 0;
}

std::size_t PtyDevice::write_some(std::string_view bytes) {
  if (!listening()) return 0;
  const auto n = ::write(master_, bytes.data(), bytes.size());
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

}  // namespace vigil::bench
