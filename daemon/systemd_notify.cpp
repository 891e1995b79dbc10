#include "daemon/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace vigil::daemon {

namespace {

std::optional<std::int64_t> environment_number(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr) return std::nullopt;
  const std::string_view s{text};
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return n;
}

}  // namespace

std::optional<std::string> notify_systemd(std::string_view state) {
  const char* name = std::getenv("NOTIFY_SOCKET");
  if (name == nullptr || *name == '\0') return std::nullopt;
  const std::string_view path{name};
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if ((path[0] != '/' && path[0] != '@') || path.size() >= sizeof(address.sun_path))
    return "NOTIFY_SOCKET=" + std::string{path} + " is neither a socket path nor an abstract socket name";
  path.copy(address.sun_path, path.size());
  // "@name" is the abstract namespace, where the name starts with a NUL.
  if (path[0] == '@') address.sun_path[0] = '\0';
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string{"cannot make a socket for systemd: "} + std::strerror(errno);
  const auto sent =
      ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&address), length);
  const int error = errno;
  ::close(fd);
  if (sent != static_cast<ssize_t>(state.size()))
    return "cannot tell systemd " + std::string{state} + " through " + std::string{path} + ": " +
           std::strerror(error);
  return std::nullopt;
}

std::optional<std::chrono::microseconds> systemd_watchdog_interval() {
  const auto usec = environment_number("WATCHDOG_USEC");
  if (!usec || *usec <= 0) return std::nullopt;
  // A child the service started inherits the variables; only the process
  // systemd named is watched.
  if (std::getenv("WATCHDOG_PID") != nullptr && environment_number("WATCHDOG_PID") != ::getpid())
    return std::nullopt;
  return std::chrono::microseconds{*usec};
}

}  // namespace vigil::daemon
