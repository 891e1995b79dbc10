// vigil-station: the nurse station. Watches one or many vigild (one bedside
// PC per bed or per room), serves the dashboard, and shows a terminal view
// (--tui) or one line per event (the default; for logs).
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "station/https_context.hpp"
#include "station/login_gate.hpp"
#include "station/login_session_file.hpp"
#include "station/page_channel.hpp"
#include "station/station_config.hpp"
#include "station/station_service.hpp"
#include "station/terminal_view.hpp"
#include "station/user_file.hpp"
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

// One line from stdin; not echoed when someone types it at a terminal.
std::string read_password() {
  termios before{};
  const bool terminal = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &before) == 0;
  if (terminal) {
    std::cerr << "password: " << std::flush;
    termios quiet = before;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(std::cin, password);
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &before);
    std::cerr << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

int add_user(const vigil::v1::station::StationConfig& config, const std::string& config_path,
             const std::string& name) {
  if (config.users_file().empty()) {
    std::cerr << config_path
              << ": no users_file: say where the users go (users_file: \"/etc/vigil/station-users\")\n";
    return 1;
  }
  auto done = vigil::station::set_user_password(config.users_file(), name, read_password());
  if (!done) {
    std::cerr << "vigil-station: " << done.error() << "\n";
    return 1;
  }
  std::cout << (done.value() ? "added " : "new password for ") << name << " in " << config.users_file()
            << "\n";
  return 0;
}

// A login that nobody could pass is said at start, not found at the first login.
std::string users_problem(const vigil::v1::station::StationConfig& config) {
  if (!vigil::station::login_required(config)) return "";
  auto users = vigil::station::read_users(config.users_file());
  if (!users) return users.error();
  if (users->empty())
    return config.users_file() + ": no users: add one with vigil-station --config FILE --add-user NAME";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "vigil-station: the nurse station over one or many vigild.\n"
      "Serves the dashboard (default http://127.0.0.1:8080) and prints one line per event,\n"
      "or shows a terminal view with --tui."};
  std::string config_path, listen, operator_name, new_user;
  bool tui = false, no_web = false, check = false;
  app.add_option("-c,--config", config_path, "station config (protobuf text format)")->required();
  app.add_option("--listen", listen, "dashboard address host:port (overrides the config's listen)");
  app.add_flag("--no-web", no_web, "no dashboard: terminal or lines only");
  app.add_flag("--tui", tui, "terminal view instead of log lines");
  app.add_option("--operator", operator_name, "your name, to acknowledge from the terminal view");
  app.add_flag("--check-config", check, "validate the config and exit (0 when valid)");
  app.add_option("--add-user", new_user,
                 "add a user who may log in to the dashboard, or give them a new password (read from stdin), "
                 "in the config's users_file");
  CLI11_PARSE(app, argc, argv);

  auto config = vigil::station::load_station_config(config_path);
  if (!config) {
    std::cerr << config.error() << "\n";
    return 1;
  }
  if (!new_user.empty()) return add_user(config.value(), config_path, new_user);
  if (const auto why = users_problem(config.value()); !why.empty()) {
    std::cerr << "vigil-station: " << why << "\n";
    return 1;
  }
  if (check) {
    std::cout << config_path << ": ok (" << config->daemon_size() << " daemons)\n";
    return 0;
  }
  if (!listen.empty()) config->set_listen(listen);
  if (const auto why =
          vigil::station::listen_problem(config->listen(), vigil::station::login_required(*config));
      !no_web && !why.empty()) {
    std::cerr << "vigil-station: " << why << "\n";
    return 1;
  }

  boost::asio::io_context io;
  vigil::core::SystemClock clock;
  vigil::station::StationService service{io, config.value(), clock};
  std::unique_ptr<vigil::station::LoginGate> login;
  std::unique_ptr<vigil::station::PageChannel> pages;
  std::unique_ptr<vigil::station::TerminalView> terminal;
  try {
    service.start();
    vigil::station::WebSecurity security;
    if (config->has_tls()) {
      auto tls = vigil::station::make_https_context(config->tls());
      if (!tls) throw std::runtime_error(tls.error());
      security.tls = tls.value();
    }
    if (vigil::station::login_required(*config)) {
      const char* state_directory = std::getenv("STATE_DIRECTORY");  // systemd's StateDirectory=
      login = std::make_unique<vigil::station::LoginGate>(
          io, config->users_file(),
          config->sessions_file().empty() ? vigil::station::default_sessions_file(state_directory)
                                          : config->sessions_file(),
          vigil::station::SessionRules{std::chrono::hours{config->session_hours()},
                                       std::chrono::minutes{config->idle_minutes()}},
          clock, [&service](const std::string& line) { service.line(line); });
      // Each login event goes to every vigild's journal too (docs/station.md).
      login->on_event([&service](vigil::v1::StationLogin e) { service.journal_login(std::move(e)); });
      security.login = login.get();
      security.client_certificates = !config->tls().client_ca_file().empty();
    }
    if (!no_web)
      pages =
          std::make_unique<vigil::station::PageChannel>(io, service, config->listen(), std::move(security));
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
    if (pages)
      std::cout << "; dashboard on " << (config->has_tls() ? "https://" : "http://") << config->listen()
                << "/" << (login ? " (login required)" : "");
    std::cout << std::endl;
  }
  if (login) {
    login->restore_sessions();  // says in the log what it kept, so after the listeners
    login->follow_users_file();
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
