// vigil-station: the nurse station. Watches one or many vigild (one bedside
// PC per bed or per room), serves the dashboard, and shows a terminal view
// (--tui) or one line per event (the default; for logs).
#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "station/page_channel.hpp"
#include "station/station_config.hpp"
#include "station/station_service.hpp"
#include "station/terminal_view.hpp"
#include "station/web_server.hpp"

namespace {

std::string clock_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "vigil-station: the nurse station over one or many vigild.\n"
      "Serves the dashboard (default http://127.0.0.1:8080) and prints one line per event,\n"
      "or shows a terminal view with --tui."};
  std::string config_path, listen, operator_name;
  bool tui = false, no_web = false, check = false;
  app.add_option("-c,--config", config_path, "station config (protobuf text format)")->required();
  app.add_option("--listen", listen, "dashboard address host:port (overrides the config's listen)");
  app.add_flag("--no-web", no_web, "no dashboard: terminal or lines only");
  app.add_flag("--tui", tui, "terminal view instead of log lines");
  app.add_option("--operator", operator_name, "your name, to acknowledge from the terminal view");
  app.add_flag("--check-config", check, "validate the config and exit (0 when valid)");
  CLI11_PARSE(app, argc, argv);

  auto config = vigil::station::load_station_config(config_path);
  if (!config) {
    std::cerr << config.error() << "\n";
    return 1;
  }
  if (check) {
    std::cout << config_path << ": ok (" << config->daemon_size() << " daemons)\n";
    return 0;
  }
  if (!listen.empty()) config->set_listen(listen);
  if (const auto why = vigil::station::listen_problem(config->listen()); !no_web && !why.empty()) {
    std::cerr << "vigil-station: " << why << "\n";
    return 1;
  }

  boost::asio::io_context io;
  vigil::core::SystemClock clock;
  vigil::station::StationService service{io, config.value(), clock};
  std::unique_ptr<vigil::station::PageChannel> pages;
  std::unique_ptr<vigil::station::TerminalView> terminal;
  try {
    service.start();
    if (!no_web) pages = std::make_unique<vigil::station::PageChannel>(io, service, config->listen());
  } catch (const std::exception& e) {
    std::cerr << "vigil-station: " << e.what() << "\n";
    return 1;
  }
  if (tui) {
    terminal = std::make_unique<vigil::station::TerminalView>(io, service, operator_name, [&] { io.stop(); });
  } else {
    service.on_line([](const std::string& line) { std::cout << clock_now() << " " << line << std::endl; });
    std::cout << clock_now() << " vigil-station " << config->name() << ": watching " << config->daemon_size()
              << " vigild";
    if (pages) std::cout << "; dashboard on http://" << config->listen() << "/";
    std::cout << std::endl;
  }
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  signals.async_wait([&](boost::system::error_code, int) {
    service.stop();
    io.stop();
  });
  io.run();
  terminal.reset();  // gives the terminal back before anything else is printed
  return 0;
}
