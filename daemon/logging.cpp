#include "daemon/logging.hpp"

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
}

}  // namespace vigil::daemon
