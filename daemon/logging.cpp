#include "daemon/logging.hpp"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

namespace vigil::daemon {

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("vigild");
  if (std::getenv("JOURNAL_STREAM")) {
    // journald adds its own timestamps; "<N>" prefixes are syslog priorities.
    logger->set_pattern("%^%l%$: %v");
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %l: %v");
  }
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level == "warn" ? "warning" : level));
  spdlog::flush_on(spdlog::level::info);
  // protobuf complains on stderr about hostile input (invalid UTF-8 in a
  // command); the command's error reply already says it, so this is debug.
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel, const char* file, int line, const std::string& msg) {
        spdlog::debug("protobuf {}:{}: {}", file, line, msg);
      });
}

}  // namespace vigil::daemon
