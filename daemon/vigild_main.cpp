// vigild: the bedside monitoring daemon.
#include <systemd/sd-daemon.h>

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>
#include <cstdio>
#include <iostream>

#include "daemon/config_loader.hpp"
#include "daemon/logging.hpp"
#include "daemon/vigil_daemon.hpp"
#include "drivers/device_session.hpp"
#include "drivers/port_listing.hpp"
#include "drivers/serial_ports.hpp"

namespace {

int list_ports() {
  std::cout << vigil::drivers::describe_ports(vigil::drivers::list_serial_ports());
  return 0;
}

int list_protocols() {
  for (const auto& p : vigil::drivers::protocols())
    std::cout << p.name << "  " << p.title << "  baud=" << p.default_baud << "  interval=" << p.expected_interval.count()
              << "ms" << (p.needs_request ? "  (polled)" : "") << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vigild: bedside vital-signs monitoring daemon.\n"
               "Reads the monitors at the bed, checks every reading against the patient's limits,\n"
               "and publishes readings and alarms on ZeroMQ."};
  std::string config_path, check_path;
  bool ports = false, protocols = false;
  app.add_option("-c,--config", config_path, "config file (protobuf text format)");
  app.add_option("--check-config", check_path, "validate a config file and exit (0 when valid)");
  app.add_flag("--list-ports", ports, "list serial ports with their USB identity and exit");
  app.add_flag("--list-protocols", protocols, "list the device protocols vigild speaks and exit");
  CLI11_PARSE(app, argc, argv);

  if (ports) return list_ports();
  if (protocols) return list_protocols();
  if (!check_path.empty()) {
    auto loaded = vigil::daemon::load_config(check_path);
    if (!loaded) {
      std::cerr << loaded.error() << "\n";
      return 1;
    }
    std::cout << check_path << ": ok (" << loaded->config.bed_size() << " beds)\n";
    return 0;
  }
  if (config_path.empty()) {
    std::cerr << "vigild: --config FILE is required (see --help)\n";
    return 2;
  }
  auto loaded = vigil::daemon::load_config(config_path);
  if (!loaded) {
    std::cerr << loaded.error() << "\n";
    return 1;
  }
  vigil::daemon::setup_logging(loaded->config.log_level());

  boost::asio::io_context io;
  vigil::core::SystemClock clock;
  vigil::daemon::VigilDaemon daemon{io, clock, loaded->config};
  try {
    daemon.start();
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
  daemon.set_config_path(config_path);
  // SIGHUP: reload the config; a bad one is refused and the running one stays.
  boost::asio::signal_set hangup{io, SIGHUP};
  std::function<void()> wait_hangup = [&] {
    hangup.async_wait([&](boost::system::error_code ec, int) {
      if (ec) return;
      sd_notify(0, "RELOADING=1");
      auto r = daemon.reload(config_path);
      if (!r) spdlog::error("reload refused, the running config stays in force: {}", r.error());
      sd_notify(0, "READY=1");
      wait_hangup();
    });
  };
  wait_hangup();
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  signals.async_wait([&](boost::system::error_code, int sig) {
    spdlog::info("signal {}: stopping", sig);
    sd_notify(0, "STOPPING=1");
    daemon.stop();
    hangup.cancel();
    io.stop();
  });
  sd_notify(0, "READY=1");
  spdlog::info("vigild ready ({} beds)", loaded->config.bed_size());
  io.run();
  return 0;
}
