#include "daemon/systemd_notify.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

using vigil::daemon::notify_systemd;
using vigil::daemon::systemd_watchdog_interval;

namespace {

// An environment variable set for one test and put back as it was after it.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const std::string& value) : name_{name} {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnvironment() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// systemd's end of the protocol: a datagram socket bound to `name` (a path,
// or "@name" for the abstract namespace).
class FakeSystemdSocket {
 public:
  explicit FakeSystemdSocket(const std::string& name) : fd_{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)} {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    name.copy(a.sun_path, name.size());
    if (name[0] == '@') a.sun_path[0] = '\0';
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a),
                   static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size())) == 0);
  }
  ~FakeSystemdSocket() { ::close(fd_); }
  FakeSystemdSocket(const FakeSystemdSocket&) = delete;
  FakeSystemdSocket& operator=(const FakeSystemdSocket&) = delete;

  std::string received() {
    char buffer[256];
    const auto n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    return n < 0 ? std::string{} : std::string(buffer, static_cast<std::size_t>(n));
  }

 private:
  int fd_;
};

std::string unique_name(const char* what) {
  return std::string{what} + "-" + std::to_string(::getpid());
}

}  // namespace

TEST_CASE("READY=1 reaches systemd's socket at the path NOTIFY_SOCKET names") {
  const auto path = (std::filesystem::temp_directory_path() / unique_name("vigil-notify-test")).string();
  std::filesystem::remove(path);
  FakeSystemdSocket systemd{path};
  ScopedEnvironment socket{"NOTIFY_SOCKET", path};
  CHECK_FALSE(notify_systemd("READY=1").has_value());
  CHECK(systemd.received() == "READY=1");
  std::filesystem::remove(path);
}

TEST_CASE("an abstract NOTIFY_SOCKET (@name) is reached too, as systemd hands it to containers") {
  const auto name = "@" + unique_name("vigil-notify-test");
  FakeSystemdSocket systemd{name};
  ScopedEnvironment socket{"NOTIFY_SOCKET", name};
  CHECK_FALSE(notify_systemd("WATCHDOG=1").has_value());
  CHECK(systemd.received() == "WATCHDOG=1");
}

TEST_CASE("without NOTIFY_SOCKET nothing is sent and nothing is wrong; a socket that is gone is said") {
  ::unsetenv("NOTIFY_SOCKET");
  CHECK_FALSE(notify_systemd("READY=1").has_value());
  ScopedEnvironment gone{"NOTIFY_SOCKET", "/nonexistent/vigil-notify"};
  const auto problem = notify_systemd("STOPPING=1");
  REQUIRE(problem.has_value());
  CHECK(problem->find("STOPPING=1") != std::string::npos);
  CHECK(problem->find("/nonexistent/vigil-notify") != std::string::npos);
  ScopedEnvironment garbled{"NOTIFY_SOCKET", "vsock:2:1234"};
  CHECK(notify_systemd("READY=1").value().find("neither a socket path") != std::string::npos);
}

TEST_CASE("the watchdog is on when WATCHDOG_USEC is set for this process, off for another's") {
  ::unsetenv("WATCHDOG_USEC");
  ::unsetenv("WATCHDOG_PID");
  CHECK_FALSE(systemd_watchdog_interval().has_value());
  ScopedEnvironment usec{"WATCHDOG_USEC", "10000000"};
  CHECK(systemd_watchdog_interval() == std::chrono::seconds{10});
  {
    ScopedEnvironment mine{"WATCHDOG_PID", std::to_string(::getpid())};
    CHECK(systemd_watchdog_interval() == std::chrono::seconds{10});
  }
  {
    ScopedEnvironment parents{"WATCHDOG_PID", std::to_string(::getppid())};
    CHECK_FALSE(systemd_watchdog_interval().has_value());
  }
  ScopedEnvironment garbled{"WATCHDOG_USEC", "ten seconds"};
  CHECK_FALSE(systemd_watchdog_interval().has_value());
}
