// vigil-sim: simulated bedside monitors for drills, demos and tests.
#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>
#include <map>

#include "sim/builtin_scenarios.hpp"
#include "sim/sim_bed.hpp"

namespace {
using namespace vigil;

// "bed=bed-1,id=ox,protocol=masimo,pty=/run/vigil-sim/bed-1-ox"
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
    if (key == "bed") spec.bed = value;
    else if (key == "id") spec.id = value;
    else if (key == "protocol") spec.protocol = value;
    else if (key == "scenario") spec.scenario = value;
    else if (key == "garbage") spec.garbage = std::stod(value);
    else if (key == "pty") spec.port = {sim::PortSpec::Kind::pty, value}, has_port = true;
    else if (key == "tcp-listen") spec.port = {sim::PortSpec::Kind::tcp_listen, value}, has_port = true;
    else if (key == "tcp-connect") spec.port = {sim::PortSpec::Kind::tcp_connect, value}, has_port = true;
    else throw CLI::ValidationError("--device", "unknown key '" + key + "'");
  }
  if (spec.protocol.empty()) throw CLI::ValidationError("--device", "'" + text + "' needs protocol=");
  if (!has_port) spec.port = {sim::PortSpec::Kind::pty, ""};
  if (spec.id.empty()) spec.id = spec.protocol;
  return spec;
}

core::Result<sim::Scenario> find_scenario(const std::string& name) {
  for (const auto& b : sim::builtin_scenarios())
    if (name == b.name) return sim::parse_scenario(b.text, std::string{"(built-in) "} + b.name + ".scn");
  if (name.find('/') == std::string::npos && name.find('.') == std::string::npos) {
    std::string known;
    for (const auto& b : sim::builtin_scenarios()) known += (known.empty() ? "" : ", ") + std::string{b.name};
    return core::Error{"no built-in scenario '" + name + "' (built in: " + known + "); or give a file path"};
  }
  return sim::load_scenario(name);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vigil-sim: simulated bedside monitors speaking real device protocols over a pty or TCP.\n"
               "Example: vigil-sim --device bed=bed-1,id=ox,protocol=masimo,pty=/tmp/bed-1-ox --scenario desaturation"};
  std::vector<std::string> device_texts;
  std::string scenario_name = "steady";
  double speed = 1.0, noise = -1, garbage = 0;
  double disconnect_at = -1, disconnect_for = 5, anchor_ms = 0;
  bool forever = false, list = false;
  app.add_option("-d,--device", device_texts,
                 "a simulated device: bed=ID,id=ID,protocol=NAME and one of pty=LINKPATH, tcp-listen=HOST:PORT, "
                 "tcp-connect=HOST:PORT; optional scenario=NAME|FILE, garbage=CHANCE (repeatable)");
  app.add_option("-s,--scenario", scenario_name, "default scenario, built-in name or file")->capture_default_str();
  app.add_option("--speed", speed, "simulated seconds per real second")->check(CLI::Range(0.1, 1000.0));
  app.add_option(
      "--clock-anchor-ms", anchor_ms,
      "start the scenarios at this Unix time in ms (default: now); with --speed, give vigild the same "
      "--clock-anchor-ms and --clock-rate so both agree on the time");
  app.add_option("--noise", noise, "measurement noise amplitude (overrides the scenario's)");
  app.add_option("--garbage", garbage, "chance per frame of line noise on every device")->check(CLI::Range(0.0, 1.0));
  app.add_option("--disconnect-at", disconnect_at, "unplug every device at this many seconds");
  app.add_option("--disconnect-for", disconnect_for, "for this many seconds")->capture_default_str();
  app.add_flag("--forever", forever, "keep the patient at the scenario's last values after it ends");
  app.add_flag("--list-scenarios", list, "list the built-in scenarios and exit");
  CLI11_PARSE(app, argc, argv);

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
  std::map<std::string, std::unique_ptr<sim::SimBed>> beds;
  core::Duration duration{};
  try {
    for (const auto& text : device_texts) {
      auto spec = parse_device(text);
      if (garbage > 0 && spec.garbage == 0) spec.garbage = garbage;
      auto& bed = beds[spec.bed];
      if (!bed) {
        auto scenario = find_scenario(spec.scenario.empty() ? scenario_name : spec.scenario);
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
      if (disconnect_at >= 0) bed->unplug_all(std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(disconnect_at)),
                                              std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(disconnect_for)));
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
    const auto t = std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(real) * speed);
    core::Duration due = core::Duration::max();
    for (auto& [id, bed] : beds) {
      bed->advance(t);
      due = std::min(due, bed->next_due());
    }
    if (!forever && t >= duration) {
      std::cout << "vigil-sim: scenario finished at " << sim::clock_text(t) << std::endl;
      io.stop();
      return;
    }
    // Wake when the next frame is due, so frames leave on time at any speed.
    const auto wait = std::chrono::duration<double>(due - t) / speed;
    timer.expires_after(std::clamp(std::chrono::duration_cast<std::chrono::microseconds>(wait),
                                   std::chrono::microseconds{500}, std::chrono::microseconds{50'000}));
    timer.async_wait([&](boost::system::error_code ec) { if (!ec) step(); });
  };
  step();
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  signals.async_wait([&](boost::system::error_code, int) { io.stop(); });
  io.run();
  return 0;
}
