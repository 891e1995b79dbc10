#include "drill/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

namespace vigil::drill {
namespace {

std::vector<char*> c_args(const std::vector<std::string>& argv) {
  std::vector<char*> v;
  for (const auto& a : argv) v.push_back(const_cast<char*>(a.c_str()));
  v.push_back(nullptr);
  return v;
}

}  // namespace

core::Result<ChildProcess> ChildProcess::start(const std::vector<std::string>& argv,
                                               const std::string& log_path) {
  const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0) return core::Error{"cannot write " + log_path + ": " + std::strerror(errno)};
  auto args = c_args(argv);
  const pid_t pid = fork();
  if (pid < 0) {
    close(log);
    return core::Error{std::string{"cannot start "} + argv[0] + ": " + std::strerror(errno)};
  }
  if (pid == 0) {
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    execvp(args[0], args.data());
    std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  close(log);
  return ChildProcess{pid, log_path};
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_{other.pid_}, log_{std::move(other.log_)}, status_{other.status_} {
  other.pid_ = -1;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) stop(std::chrono::milliseconds{2000});
}

void ChildProcess::reap(int raw) {
  status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : WIFSIGNALED(raw) ? -WTERMSIG(raw) : -1;
}

bool ChildProcess::running() {
  if (pid_ <= 0 || status_) return false;
  int raw = 0;
  if (waitpid(pid_, &raw, WNOHANG) == pid_) {
    reap(raw);
    return false;
  }
  return true;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (!running()) return status_.value_or(-1);
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return *status_;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  kill(pid_, SIGKILL);
  int raw = 0;
  waitpid(pid_, &raw, 0);
  reap(raw);
  return *status_;
}

core::Result<std::string> run_and_read(const std::vector<std::string>& argv) {
  int out_fds[2], err_fds[2];
  if (pipe2(out_fds, O_CLOEXEC) != 0) return core::Error{std::string{"pipe: "} + std::strerror(errno)};
  if (pipe2(err_fds, O_CLOEXEC) != 0) {
    close(out_fds[0]);
    close(out_fds[1]);
    return core::Error{std::string{"pipe: "} + std::strerror(errno)};
  }
  auto args = c_args(argv);
  const pid_t pid = fork();
  if (pid < 0) {
    const std::string why = std::strerror(errno);
    for (int fd : {out_fds[0], out_fds[1], err_fds[0], err_fds[1]}) close(fd);
    return core::Error{"cannot start " + argv[0] + ": " + why};
  }
  if (pid == 0) {
    dup2(out_fds[1], STDOUT_FILENO);
    dup2(err_fds[1], STDERR_FILENO);
    execvp(args[0], args.data());
    std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  close(out_fds[1]);
  close(err_fds[1]);
  // Both at once: a program that fills one pipe while we wait on the other would hang.
  std::string out, err;
  pollfd fds[2] = {{out_fds[0], POLLIN, 0}, {err_fds[0], POLLIN, 0}};
  std::string* into[2] = {&out, &err};
  for (int open_fds = 2; open_fds > 0;) {
    if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        into[i]->append(buf, static_cast<std::size_t>(n));
        continue;
      }
      close(fds[i].fd);
      fds[i].fd = -1;
      --open_fds;
    }
  }
  for (const auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int raw = 0;
  waitpid(pid, &raw, 0);
  if (WIFEXITED(raw) && WEXITSTATUS(raw) == 0) return out;
  while (!err.empty() && err.back() == '\n') err.pop_back();
  const auto how = WIFEXITED(raw) ? "exit " + std::to_string(WEXITSTATUS(raw))
                                  : "killed by signal " + std::to_string(WTERMSIG(raw));
  return core::Error{err.empty() ? argv[0] + " failed (" + how + ") and said nothing" : err};
}

}  // namespace vigil::drill
