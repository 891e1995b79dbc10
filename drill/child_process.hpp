#pragma once
// A program the drill runner starts (vigild, vigil-sim), its output going
// to a log file, stopped with SIGTERM (then SIGKILL if it hangs).
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace vigil::drill {

class ChildProcess {
 public:
  static core::Result<ChildProcess> start(const std::vector<std::string>& argv, const std::string& log_path);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();

  bool running();
  // SIGTERM, then SIGKILL after `grace`; the exit status (-signal when killed).
  int stop(std::chrono::milliseconds grace = std::chrono::milliseconds{5000});
  std::optional<int> exit_status() const { return status_; }
  const std::string& log_path() const { return log_; }

 private:
  ChildProcess(pid_t pid, std::string log) : pid_{pid}, log_{std::move(log)} {}
  void reap(int raw);
  pid_t pid_ = -1;
  std::string log_;
  std::optional<int> status_;
};

// Runs a program to its end and returns what it printed on stdout; when it
// fails, the error is what it printed on stderr, word for word.
core::Result<std::string> run_and_read(const std::vector<std::string>& argv);

}  // namespace vigil::drill
