// vigild: the bedside monitoring daemon.
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include "alerts/bed_alarms.hpp"
#include "core/json_string.hpp"
#include "daemon/config_loader.hpp"
#include "daemon/logging.hpp"
#include "daemon/profile_config.hpp"
#include "daemon/vigil_daemon.hpp"
#include "drill/drill_clock.hpp"
#include "drivers/device_session.hpp"
#include "drivers/transport/port_listing.hpp"
#include "drivers/transport/serial_ports.hpp"
#include "drivers/udev_rules.hpp"

namespace {

int list_ports() {
  std::cout << vigil::drivers::describe_ports(vigil::drivers::list_serial_ports());
  return 0;
}

// The whole registry, one object per protocol, for programs and tests that
// are not C++ (the integration tests take their protocol lists from it).
int list_protocols_json() {
  std::string out = "[";
  bool first = true;
  for (const auto& p : vigil::drivers::protocols()) {
    out += first ? "\n" : ",\n";
    first = false;
    out += "  {\"name\": " + vigil::core::json_string(p.name) +
           ", \"title\": " + vigil::core::json_string(p.title) +
           ", \"family\": " + vigil::core::json_string(p.family) +
           ", \"device\": " + vigil::core::json_string(vigil::drivers::device_kind_name(p.device)) +
           ", \"transport\": " + vigil::core::json_string(vigil::drivers::transport_name(p.transport)) +
           ", \"default_baud\": " + std::to_string(p.default_baud) +
           ", \"parity\": " + vigil::core::json_string(std::string(1, p.parity)) +
           ", \"rts_cts\": " + (p.rts_cts ? "true" : "false") +
           ", \"expected_interval_ms\": " + std::to_string(p.expected_interval.count()) +
           ", \"talks_unasked\": " + (p.needs_request ? "false" : "true") + ", \"beats\": " +
           (p.beats ? vigil::core::json_string(vigil::drivers::beat_source_name(*p.beats)) : "null");
    if (p.usb) {
      char ids[16];
      std::snprintf(ids, sizeof ids, "%04x:%04x", p.usb->vid, p.usb->pid);
      out += ", \"usb_vid_pid\": " + vigil::core::json_string(ids);
    }
    out += "}";
  }
  std::cout << out << "\n]\n";
  return 0;
}

int list_protocols(bool json) {
  if (json) return list_protocols_json();
  for (const auto& p : vigil::drivers::protocols())
    std::cout << p.name << "  " << p.title << "  baud=" << p.default_baud
              << "  interval=" << p.expected_interval.count() << "ms" << (p.needs_request ? "  (polled)" : "")
              << (p.beats ? "  beats=" + std::string{vigil::drivers::beat_source_name(*p.beats)} : "")
              << "\n";
  return 0;
}

// Every condition the beds of this config (or the built-in profiles) can
// raise, one per line: "<condition> <kind> <priority>[,<priority>]  <label>";
// a rhythm condition adds " beats=<source>[,<source>]" before the label: the
// beats rhythm analysis raises it from. The drill runner reads it to tell a
// missed alarm from one this vigild cannot raise at all, or not on a bed
// whose devices give no such beats.
int list_conditions(const std::string& config_path) {
  vigil::v1::config::DaemonConfig config;
  if (!config_path.empty()) {
    auto loaded = vigil::daemon::load_config(config_path);
    if (!loaded) {
      std::cerr << loaded.error() << "\n";
      return 1;
    }
    config = loaded->config;
  }
  auto profiles = vigil::daemon::build_profiles(config);
  if (!profiles) {
    std::cerr << profiles.error() << "\n";
    return 1;
  }
  std::vector<std::string> seen;
  for (const auto& [name, profile] : *profiles) {
    for (const auto& c : vigil::alerts::known_conditions(profile)) {
      if (std::find(seen.begin(), seen.end(), c.condition) != seen.end()) continue;
      seen.push_back(c.condition);
      std::string levels;
      for (auto p : c.priorities)
        levels += (levels.empty() ? "" : ",") + std::string{vigil::alerts::to_string(p)};
      std::string beats;
      for (auto b : c.beats)
        beats += (beats.empty() ? " beats=" : ",") + std::string{vigil::alerts::source_name(b)};
      std::cout << c.condition << " " << vigil::alerts::to_string(c.kind) << " " << levels << beats << "  "
                << c.label << "\n";
    }
  }
  return 0;
}

// A drill clock is for drills and tests only: a fast clock with real
// patients would stamp every reading and alarm with a wrong time.
std::unique_ptr<vigil::core::Clock> make_clock(double rate, double anchor_ms, const std::string& file,
                                               bool drill) {
  if (rate == 1.0 && file.empty()) return std::make_unique<vigil::core::SystemClock>();
  if (!drill) {
    std::cerr << "vigild: --clock-rate and --clock-file are for drills and tests only; the config must say "
                 "'drill: true'\n";
    return nullptr;
  }
  if (!file.empty()) {
    auto c = vigil::drill::DrillClock::open(file, rate);
    if (!c) {
      std::cerr << "vigild: " << c.error() << "\n";
      return nullptr;
    }
    return std::move(c.value());
  }
  const auto anchor = anchor_ms > 0
                          ? vigil::core::TimePoint{std::chrono::duration_cast<vigil::core::Duration>(
                                std::chrono::duration<double, std::milli>(anchor_ms))}
                          : std::chrono::system_clock::now();
  return std::make_unique<vigil::core::ScaledClock>(rate, anchor);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "vigild: bedside vital-signs monitoring daemon.\n"
      "Reads the monitors at the bed, checks every reading against the patient's limits,\n"
      "and publishes readings and alarms on ZeroMQ."};
  std::string config_path, check_path;
  bool ports = false, protocols = false, json = false, conditions = false, udev_rules = false;
  double clock_rate = 1.0, clock_anchor_ms = 0;
  std::string capture_path, clock_file;
  app.add_option("-c,--config", config_path, "config file (protobuf text format)");
  app.add_option("--check-config", check_path, "validate a config file and exit (0 when valid)");
  app.add_flag("--list-ports", ports, "list serial ports with their USB identity and exit");
  auto* list_protocols_flag =
      app.add_flag("--list-protocols", protocols, "list the device protocols vigild speaks and exit");
  app.add_flag("--json", json, "with --list-protocols: print the protocol registry as JSON")
      ->needs(list_protocols_flag);
  app.add_flag("--udev-rules", udev_rules,
               "print the udev rules that name monitors under /dev/vigil/ (systemd/60-vigil-monitors.rules), "
               "made from the protocols' USB hints, and exit");
  app.add_option("--capture", capture_path,
                 "record every device's raw bytes with timestamps to this file (appended); replay it with "
                 "'vigil-sim replay FILE'");
  app.add_flag("--list-conditions", conditions,
               "list the alarm conditions vigild can raise (with --config: that config's profiles) and exit");
  app.add_option(
         "--clock-rate", clock_rate,
         "DRILLS AND TESTS ONLY: run the clock this many times faster than real time (needs 'drill: true')")
      ->check(CLI::Range(1.0, 100.0));
  app.add_option(
      "--clock-file", clock_file,
      "DRILLS AND TESTS ONLY: read the time from the drill clock file vigil-sim --clock-file writes "
      "(with --clock-rate: the speed it runs at)");
  app.add_option("--clock-anchor-ms", clock_anchor_ms,
                 "with --clock-rate: the Unix time in ms from which the clock runs fast (default: now); give "
                 "vigil-sim the same one so both agree on the time");
  CLI11_PARSE(app, argc, argv);

  if (ports) return list_ports();
  if (protocols) return list_protocols(json);
  if (udev_rules) {
    std::cout << vigil::drivers::udev_rules();
    return 0;
  }
  if (conditions) return list_conditions(config_path);
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

  auto clock = make_clock(clock_rate, clock_anchor_ms, clock_file, loaded->config.drill());
  if (!clock) return 2;
  if (!clock_file.empty())
    spdlog::warn("drill clock: the simulator's time from {} (about {}x real time)", clock_file, clock_rate);
  else if (clock_rate != 1.0)
    spdlog::warn("drill clock: {}x real time", clock_rate);

  boost::asio::io_context io;
  vigil::daemon::VigilDaemon daemon{io, *clock, loaded->config};
  if (!capture_path.empty()) daemon.capture_to(capture_path);
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
