#pragma once
// A real VigilDaemon driven in-process, for the daemon core's unit suites:
// inproc endpoints, a journal in a temporary folder and the fake clock;
// commands go through execute() as the command channel hands them over.
// The devices' paths do not exist, so no device ever connects.
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <utility>

#include "daemon/config_loader.hpp"
#include "daemon/vigil_daemon.hpp"
#include "tests/unit/temp_dir.hpp"

namespace vigil::test {

// One bed whose oximeter never connects: all a command test needs.
inline constexpr const char* kOneBedConfig =
    R"(bed { id: "bed-1" device { id: "ox" protocol: "masimo" path: "/nonexistent/vigil-unit" } })";

struct InProcessDaemon {
  TempDir dir;
  boost::asio::io_context io;
  core::ManualClock clock;
  std::unique_ptr<daemon::VigilDaemon> vigild;
  std::string actor;    // who sends every command, unless run() names another
  std::string station;  // where from
  vigil::v1::config::DaemonConfig config;

  // `suite` names the inproc endpoints, which are per process, so that two
  // suites' daemons never share one; `beds` is the config's bed blocks.
  InProcessDaemon(const std::string& suite, const std::string& beds, std::string actor_name,
                  std::string station_name)
      : actor{std::move(actor_name)}, station{std::move(station_name)} {
    spdlog::set_level(spdlog::level::off);
    auto c = daemon::parse_config("journal_path: \"" + dir.file("journal.db") + "\"\n" +
                                      "publish_endpoint: \"inproc://" + suite + "-pub\"\n" +
                                      "command_endpoint: \"inproc://" + suite + "-cmd\"\n" + beds,
                                  "unit.conf");
    REQUIRE(c);
    config = c->config;
    open();
  }

  // A stop and a start of vigild on the same journal and config.
  void restart() {
    vigild->stop();
    vigild.reset();
    open();
  }

  vigil::v1::CommandReply run(vigil::v1::CommandRequest r) { return run(std::move(r), actor); }

  vigil::v1::CommandReply run(vigil::v1::CommandRequest r, const std::string& by) {
    r.set_request_id("r-1");
    r.set_actor(by);
    r.set_station(station);
    return vigild->execute(r);
  }

 private:
  void open() {
    vigild = std::make_unique<daemon::VigilDaemon>(io, clock, config);
    vigild->start();
  }
};

}  // namespace vigil::test
