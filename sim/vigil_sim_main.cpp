// vigil-sim: simulated bedside monitors for drills, demos and tests.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <iostream>
#include <map>
#include <optional>

#include "drill/drill_clock.hpp"
#include "sim/builtin_scenarios.hpp"
#include "sim/capture_replay.hpp"
#include "sim/scenario_library.hpp"
#include "sim/sim_bed.hpp"

namespace {
using namespace vigil;

// "bed=bed-1,id=ox,protocol=NAME,pty=/run/vigil-sim/bed-1-ox"
sim::SimDeviceSpec parse_device(const std::string& text) {
  sim::SimDeviceSpec spec;
  bool has_port = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto comma = text.find(',', pos);
    auto item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? text.size() : comma + 1;
    auto eq = item.find('=');
    if (eq == std::string::npos) throw CLI::ValidationError("--device", "'" + item + "' is not key=value");
    auto key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "bed")
      spec.bed = value;
    else if (key == "id")
      spec.id = value;
    else if (key == "protocol")
      spec.protocol = value;
    else if (key == "scenario")
      spec.scenario = value;
    else if (key == "garbage")
      spec.garbage = std::stod(value);
    else if (key == "pty")
      spec.port = {sim::PortSpec::Kind::pty, value}, has_port = true;
    else if (key == "tcp-listen")
      spec.port = {sim::PortSpec::Kind::tcp_listen, value}, has_port = true;
    else if (key == "tcp-connect")
      spec.port = {sim::PortSpec::Kind::tcp_connect, value}, has_port = true;
    else
      throw CLI::ValidationError("--device", "unknown key '" + key + "'");
  }
  if (spec.protocol.empty()) throw CLI::ValidationError("--device", "'" + text + "' needs protocol=");
  if (!has_port) spec.port = {sim::PortSpec::Kind::pty, ""};
  if (spec.id.empty()) spec.id = spec.protocol;
  return spec;
}

// "bed-1/oximeter=pty:/tmp/ox" or "bed-2/monitor=tcp-connect:127.0.0.1:5575"
sim::ReplayTarget parse_replay_port(const std::string& text) {
  const auto eq = text.find('=');
  const auto colon = text.find(':', eq);
  if (eq == std::string::npos || colon == std::string::npos)
    throw CLI::ValidationError("--port", "'" + text +
                                             "' is not DEVICE=pty:PATH, DEVICE=tcp-connect:HOST:PORT or "
                                             "DEVICE=tcp-listen:HOST:PORT");
  const auto kind = text.substr(eq + 1, colon - eq - 1), where = text.substr(colon + 1);
  sim::ReplayTarget t{text.substr(0, eq), {}};
  if (kind == "pty")
    t.port = {sim::PortSpec::Kind::pty, where};
  else if (kind == "tcp-connect")
    t.port = {sim::PortSpec::Kind::tcp_connect, where};
  else if (kind == "tcp-listen")
    t.port = {sim::PortSpec::Kind::tcp_listen, where};
  else
    throw CLI::ValidationError("--port", "unknown port kind '" + kind + "' (pty, tcp-connect, tcp-listen)");
  return t;
}

struct ReplayOptions {
  std::string file;
  double speed = 1.0;
  std::string pty_dir = ".";
  std::vector<std::string> ports;
  std::vector<std::string> only;
  bool no_wait = false;
};

int replay(const ReplayOptions& o) {
  auto capture = drivers::read_capture(o.file);
  if (!capture) {
    std::cerr << capture.error() << "\n";
    return 1;
  }
  std::vector<sim::ReplayTarget> targets;
  try {
    for (const auto& p : o.ports) targets.push_back(parse_replay_port(p));
  } catch (const CLI::ValidationError& e) {
    std::cerr << "vigil-sim replay: " << e.what() << "\n";
    return 2;
  }
  for (const auto& d : capture->devices) {
    if (!o.only.empty() && std::find(o.only.begin(), o.only.end(), d.device) == o.only.end()) continue;
    if (std::none_of(targets.begin(), targets.end(), [&](const auto& t) { return t.device == d.device; }))
      targets.push_back({d.device, sim::default_replay_port(d.device, o.pty_dir)});
  }
  for (const auto& t : targets)
    if (std::none_of(capture->devices.begin(), capture->devices.end(),
                     [&](const auto& d) { return d.device == t.device; })) {
      std::cerr << "vigil-sim replay: " << o.file << " has no device " << t.device << "\n";
      return 2;
    }
  boost::asio::io_context io;
  auto say = [](const std::string& line) { std::cout << line << std::endl; };
  sim::CaptureReplay player{io, *capture, targets, o.speed, say};
  try {
    player.start(!o.no_wait, [&] {
      std::cout << "vigil-sim: replay finished" << std::endl;
      io.stop();
    });
  } catch (const std::exception& e) {
    std::cerr << "vigil-sim: " << e.what() << "\n";
    return 1;
  }
  for (const auto& d : capture->devices)
    std::cout << "vigil-sim: captured " << d.device << " (" << d.protocol << ")\n";
  for (const auto& line : player.describe_ports()) std::cout << "vigil-sim: replaying " << line << "\n";
  std::cout << "vigil-sim: " << sim::clock_text(player.length()) << " of capture at " << o.speed << "x"
            << (o.no_wait ? "" : ", starting when every port has a reader") << std::endl;
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  signals.async_wait([&](boost::system::error_code, int) { io.stop(); });
  io.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "vigil-sim: simulated bedside monitors speaking real device protocols over a pty or TCP.\n"
      "Example: vigil-sim --device bed=bed-1,id=ox,protocol=NAME,pty=/tmp/bed-1-ox --scenario "
      "desaturation\nProtocols: " +
      drivers::simulated_device_names()};
  std::vector<std::string> device_texts;
  std::string scenario_name = "steady";
  double speed = 1.0, noise = -1, garbage = 0;
  double disconnect_at = -1, disconnect_for = 5, anchor_ms = 0;
  std::string clock_file;
  bool forever = false, list = false;
  app.add_option(
      "-d,--device", device_texts,
      "a simulated device: bed=ID,id=ID,protocol=NAME and one of pty=LINKPATH, tcp-listen=HOST:PORT, "
      "tcp-connect=HOST:PORT; optional scenario=NAME|FILE, garbage=CHANCE (repeatable)");
  app.add_option("-s,--scenario", scenario_name, "default scenario, built-in name or file")
      ->capture_default_str();
  app.add_option("--speed", speed, "simulated seconds per real second")->check(CLI::Range(0.1, 1000.0));
  app.add_option(
      "--clock-file", clock_file,
      "write the simulated time to this drill clock file, for vigild --clock-file: when the simulator "
      "falls behind on a busy machine, the drill's time waits for it");
  app.add_option(
      "--clock-anchor-ms", anchor_ms,
      "start the scenarios at this Unix time in ms (default: now); with --speed, give vigild the same "
      "--clock-anchor-ms and --clock-rate so both agree on the time");
  app.add_option("--noise", noise, "measurement noise amplitude (overrides the scenario's)");
  app.add_option("--garbage", garbage, "chance per frame of line noise on every device")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--disconnect-at", disconnect_at, "unplug every device at this many seconds");
  app.add_option("--disconnect-for", disconnect_for, "for this many seconds")->capture_default_str();
  app.add_flag("--forever", forever, "keep the patient at the scenario's last values after it ends");
  app.add_flag("--list-scenarios", list, "list the built-in scenarios and exit");
  ReplayOptions ro;
  auto* replay_cmd =
      app.add_subcommand("replay", "play a capture file (vigild --capture) back on ptys or TCP");
  replay_cmd->add_option("file", ro.file, "the capture file")->required();
  replay_cmd->add_option("--speed", ro.speed, "how many times the original pace")
      ->check(CLI::Range(0.1, 1000.0));
  replay_cmd->add_option("--pty-dir", ro.pty_dir, "where a device's default pty link <bed>-<device> goes")
      ->capture_default_str();
  replay_cmd->add_option("--port", ro.ports,
                         "where a device goes instead: DEVICE=pty:PATH, DEVICE=tcp-connect:HOST:PORT or "
                         "DEVICE=tcp-listen:HOST:PORT, DEVICE as bed/device (repeatable)");
  replay_cmd->add_option("--only", ro.only, "replay only these devices, as bed/device (repeatable)");
  replay_cmd->add_flag("--no-wait", ro.no_wait, "start at once instead of when every port has a reader");
  CLI11_PARSE(app, argc, argv);
  if (*replay_cmd) return replay(ro);

  if (list) {
    for (const auto& b : sim::builtin_scenarios()) {
      auto s = sim::parse_scenario(b.text, b.name);
      std::cout << b.name << "  " << (s ? s->title : s.error()) << "\n";
    }
    return 0;
  }
  if (device_texts.empty()) {
    std::cerr << "vigil-sim: give at least one --device (see --help)\n";
    return 2;
  }

  boost::asio::io_context io;
  auto say = [](const std::string& line) { std::cout << line << std::endl; };
  // The devices' clocks run at the simulation's speed from the anchor, as
  // vigild's drill clock does: a cuff's measurement time means the same to both.
  const auto wall_start = anchor_ms > 0 ? core::TimePoint{std::chrono::duration_cast<core::Duration>(
                                              std::chrono::duration<double, std::milli>(anchor_ms))}
                                        : std::chrono::system_clock::now();
  // The clock file exists before any port: whoever waits for the ports finds it.
  std::unique_ptr<drill::DrillClockWriter> drill_clock;
  try {
    if (!clock_file.empty()) drill_clock = std::make_unique<drill::DrillClockWriter>(clock_file, wall_start);
  } catch (const std::exception& e) {
    std::cerr << "vigil-sim: " << e.what() << "\n";
    return 1;
  }
  std::map<std::string, std::unique_ptr<sim::SimBed>> beds;
  core::Duration duration{};
  try {
    for (const auto& text : device_texts) {
      auto spec = parse_device(text);
      if (garbage > 0 && spec.garbage == 0) spec.garbage = garbage;
      auto& bed = beds[spec.bed];
      if (!bed) {
        auto scenario = sim::find_scenario(spec.scenario.empty() ? scenario_name : spec.scenario);
        if (!scenario) {
          std::cerr << scenario.error() << "\n";
          return 1;
        }
        if (noise >= 0) scenario->noise = noise;
        bed = std::make_unique<sim::SimBed>(io, spec.bed, std::move(scenario.value()), wall_start, say);
      }
      bed->add_device(spec);
    }
    for (auto& [id, bed] : beds) {
      if (disconnect_at >= 0)
        bed->unplug_all(core::from_seconds(disconnect_at), core::from_seconds(disconnect_for));
      bed->start();
      std::cout << "vigil-sim: " << id << " scenario: " << bed->scenario().title << "\n";
      for (const auto& line : bed->describe_ports()) std::cout << "vigil-sim: " << line << "\n";
      duration = std::max(duration, bed->scenario().duration);
    }
    std::cout.flush();
  } catch (const std::exception& e) {
    std::cerr << "vigil-sim: " << e.what() << "\n";
    return 1;
  }

  // Time moves in steps no longer than this, each with its frames: after a
  // stall the simulation catches up step by step, never leaping past frames
  // it has not sent yet. With a drill clock it also stays at most kLead
  // ahead of how far vigild has caught up.
  constexpr core::Duration kMaxStep = std::chrono::milliseconds{200};
  constexpr core::Duration kLead = std::chrono::milliseconds{500};
  // With a drill clock, time also waits, for at most kConnectHold of real
  // time, while a device's TCP connection to vigild is on its way: on a busy
  // machine its answer can come many drill seconds later, every frame
  // meanwhile would be lost, and vigild would call a device that is only
  // slow to connect silent.
  constexpr auto kConnectHold = std::chrono::seconds{2};
  std::optional<std::chrono::steady_clock::time_point> connecting_since;
  const auto waiting_for_connect = [&] {
    if (!drill_clock) return false;
    const bool connecting =
        std::any_of(beds.begin(), beds.end(), [](const auto& b) { return b.second->connecting(); });
    const auto now = std::chrono::steady_clock::now();
    if (!connecting) {
      connecting_since.reset();
      return false;
    }
    if (!connecting_since) connecting_since = now;
    return now - *connecting_since < kConnectHold;
  };
  core::Duration t{};
  boost::asio::steady_timer timer{io};
  std::function<void()> step = [&] {
    const auto real = std::chrono::system_clock::now() - wall_start;
    if (real < core::Duration{}) {
      timer.expires_after(-real);
      timer.async_wait([&](boost::system::error_code ec) {
        if (!ec) step();
      });
      return;
    }
    const auto target = core::from_seconds(core::to_seconds(real) * speed);
    core::Duration due = core::Duration::max();
    bool held = false;  // waiting for vigild
    for (auto& [id, bed] : beds) due = std::min(due, bed->next_due());
    while (t < target) {
      if (waiting_for_connect()) {
        held = true;
        break;
      }
      auto limit = target;
      if (const auto daemon = drill_clock ? drill_clock->daemon_time() : std::nullopt)
        limit = std::min(limit, *daemon - wall_start + kLead);
      if (limit <= t) {
        held = true;
        break;
      }
      t = std::min(limit, t + kMaxStep);
      if (drill_clock) drill_clock->set(wall_start + t);
      due = core::Duration::max();
      for (auto& [id, bed] : beds) {
        bed->advance(t);
        due = std::min(due, bed->next_due());
      }
    }
    if (!forever && t >= duration) {
      std::cout << "vigil-sim: scenario finished at " << sim::clock_text(t) << std::endl;
      io.stop();
      return;
    }
    // Wake when the next frame is due, so frames leave on time at any speed;
    // soon, when vigild is to catch up or a connection to be made first.
    const auto wait =
        held ? std::chrono::duration<double>(0) : std::chrono::duration<double>(due - t) / speed;
    timer.expires_after(std::clamp(std::chrono::duration_cast<std::chrono::microseconds>(wait),
                                   std::chrono::microseconds{500}, std::chrono::microseconds{50'000}));
    timer.async_wait([&](boost::system::error_code ec) {
      if (!ec) step();
    });
  };
  step();
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  signals.async_wait([&](boost::system::error_code, int) { io.stop(); });
  io.run();
  return 0;
}
