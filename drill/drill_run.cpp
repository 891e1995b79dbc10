#include "drill/drill_run.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <zmq.hpp>

#include "client/command_client.hpp"
#include "core/loopback_endpoint.hpp"
#include "drill/bus_recorder.hpp"
#include "drill/child_process.hpp"
#include "drill/drill_clock.hpp"
#include "drill/drill_evaluation.hpp"
#include "drill/drill_keys.hpp"
#include "drill/drill_plan.hpp"
#include "drill/nurse_script.hpp"
#include "drill/port_pool.hpp"

namespace vigil::drill {
namespace {
using namespace std::chrono_literals;

// The port of "tcp://host:port", or 0.
int port_of(const std::string& endpoint) {
  const auto colon = endpoint.rfind(':');
  if (colon == std::string::npos) return 0;
  try {
    return std::stoi(endpoint.substr(colon + 1));
  } catch (const std::exception&) {
    return 0;
  }
}

std::string tail_of(const std::string& path) {
  std::ifstream in{path};
  std::stringstream s;
  s << in.rdbuf();
  const auto text = s.str();
  return text.size() > 3000 ? text.substr(text.size() - 3000) : text;
}

std::string number(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

vigil::v1::CommandRequest request(const std::string& actor) {
  vigil::v1::CommandRequest r;
  r.set_actor(actor);
  r.set_station("drill runner");
  return r;
}

class Runner {
 public:
  Runner(const sim::Ward& ward, const RunOptions& o, const Say& say)
      : ward_{ward}, o_{o}, say_{say}, ports_{{port_of(o.publish), port_of(o.command)}} {}

  core::Result<DrillRecord> run() {
    std::filesystem::create_directories(o_.work_dir);
    plan_ = plan_drill(
        ward_, o_.work_dir, o_.publish, o_.command, [&] { return ports_.take(); }, o_.serial_over_tcp);
    if (wants_curve()) {
      auto keys = prepare_drill_keys(o_.keys_dir.empty() ? o_.work_dir + "/keys" : o_.keys_dir);
      if (!keys) return core::Error{"CURVE keys: " + keys.error()};
      keys_ = std::move(keys.value());
      plan_.config_text += security_config(*keys_);
      curve_ = keys_->runner();
    }
    const auto config = o_.work_dir + "/vigil.conf";
    std::ofstream{config} << plan_.config_text;
    // vigild's own words when it refuses the config (a network endpoint
    // without CURVE, a bad key): the person running the drill can act on them.
    auto conditions = run_and_read({o_.vigild, "--list-conditions", "--config", config});
    if (!conditions)
      return core::Error{o_.vigild + " --list-conditions --config " + config + " failed:\n" +
                         conditions.error()};

    // Scenario time 0: far enough ahead for both programs to be ready.
    const auto anchor_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               (std::chrono::system_clock::now() + 2500ms).time_since_epoch())
                               .count();
    zero_ = core::TimePoint{std::chrono::milliseconds{anchor_ms}};
    zmq::context_t ctx{1};
    BusRecorder bus{ctx, plan_.subscribe, zero_, curve_};
    drill::read_condition_list(*conditions, bus.record());
    bus.record().speed = o_.speed;

    auto sim = start_sim(anchor_ms);
    if (!sim) return core::Error{sim.error()};
    // vigild opens the ptys vigil-sim made; it starts a moment before time 0
    // so the wait for the first frame is short.
    if (!wait_for_ptys(*sim))
      return core::Error{"vigil-sim did not create its ports:\n" + tail_of(sim->log_path())};
    if (fast()) {
      auto c = drill::DrillClock::open(clock_file(), o_.speed);
      if (!c) return core::Error{c.error()};
      clock_ = std::move(c.value());
    }
    std::this_thread::sleep_until(std::chrono::system_clock::time_point{zero_} - 1200ms);
    auto daemon = start_vigild(config);
    if (!daemon) return core::Error{daemon.error()};
    say_("vigil-drill: vigild publishes on " + plan_.publish + ", takes commands on " + plan_.command);
    if (keys_)
      say_("vigil-drill: CURVE on: a station joins with vigild's public key " + keys_->dir + "/vigild.pub (" +
           keys_->server_public + ") and a key vigild lets in: " + keys_->dir +
           "/station.key, or its own NAME.pub put in " + keys_->dir + " before the drill");
    const auto heard_by = std::chrono::steady_clock::now() + 10s;
    while (!bus.heard_daemon()) {
      bus.pump(50ms);
      if (!daemon->running() || std::chrono::steady_clock::now() > heard_by)
        return core::Error{"vigild did not start:\n" + tail_of(daemon->log_path())};
    }
    admit_all(bus);
    say_("vigil-drill: " + std::to_string(ward_.beds.size()) + " bed(s), " +
         sim::clock_text(ward_.duration()) + " of scenario at " +
         (o_.speed == 1 ? std::string{"real time"} : number(o_.speed) + "x"));

    follow(bus, *sim, *daemon);
    // vigild first: its bus falls silent before the simulator's devices go
    // away, so their going is not recorded as part of the drill.
    bus.pump(150ms);
    daemon->stop();
    sim->stop();
    return std::move(bus.record());
  }

 private:
  core::Result<ChildProcess> start_sim(long long anchor_ms) {
    // --forever: the devices stay (at the scenario's last values) until the
    // runner stops them, so a scenario ending is not a cable pulled.
    std::vector<std::string> argv{
        o_.vigil_sim, "--speed", number(o_.speed), "--clock-anchor-ms", std::to_string(anchor_ms),
        "--forever"};
    if (fast()) argv.insert(argv.end(), {"--clock-file", clock_file()});
    for (const auto& d : plan_.sim_devices) argv.insert(argv.end(), {"--device", d});
    return ChildProcess::start(argv, o_.work_dir + "/vigil-sim.log");
  }

  core::Result<ChildProcess> start_vigild(const std::string& config) {
    std::vector<std::string> argv{o_.vigild, "--config", config};
    // Faster than real time, vigild takes the simulator's time, so a
    // simulator held up on a busy machine is not a silent device. In real
    // time it keeps the wall clock.
    if (fast()) argv.insert(argv.end(), {"--clock-rate", number(o_.speed), "--clock-file", clock_file()});
    if (!o_.capture.empty()) argv.insert(argv.end(), {"--capture", o_.capture});
    return ChildProcess::start(argv, o_.work_dir + "/vigild.log");
  }

  // The ptys, and the drill clock file, which the simulator makes first.
  bool wait_for_ptys(ChildProcess& sim) {
    auto paths = plan_.pty_links;
    if (fast()) paths.push_back(clock_file());
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline && sim.running()) {
      if (std::all_of(paths.begin(), paths.end(), [](const auto& p) { return std::filesystem::exists(p); }))
        return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  void command(BusRecorder& bus, vigil::v1::CommandRequest r, const std::string& what) {
    auto reply = client::send_command(plan_.command_client, std::move(r), 5000ms, curve_);
    if (!reply)
      bus.record().problems.push_back(what + ": " + reply.error());
    else if (!reply->ok())
      bus.record().problems.push_back(what + ": " + reply->error());
    else
      say_("vigil-drill: " + reply->message());
  }

  void admit_all(BusRecorder& bus) {
    for (const auto& b : ward_.beds) {
      auto r = request("vigil-drill");
      r.mutable_admit()->set_bed(b.id);
      r.mutable_admit()->set_patient_id(b.patient_id);
      command(bus, r, "admitting " + b.patient_id + " to " + b.id);
    }
  }

  void run_script(BusRecorder& bus, const ScriptedAction& a) {
    const auto what = action_text(a);
    auto r = scripted_request(a, bus.record());
    if (!r) {
      bus.record().problems.push_back(what + ": " + r.error());
      return;
    }
    command(bus, std::move(r.value()), what);
  }

  bool fast() const { return o_.speed != 1; }
  bool wants_curve() const {
    using Curve = RunOptions::Curve;
    if (o_.curve != Curve::automatic) return o_.curve == Curve::on;
    return !o_.keys_dir.empty() || !core::loopback_only(plan_.publish) || !core::loopback_only(plan_.command);
  }
  std::string clock_file() const { return o_.work_dir + "/drill.clock"; }

  // Where the drill is: the simulator's time when it runs fast, else the wall clock's.
  core::Duration scenario_now() const {
    if (clock_) return clock_->now() - zero_;
    return std::chrono::system_clock::now() - std::chrono::system_clock::time_point{zero_};
  }

  void follow(BusRecorder& bus, ChildProcess& sim, ChildProcess& daemon) {
    NurseScript script{ward_};
    const auto end = ward_.duration() + o_.tail;
    // A drill whose time falls far behind the asked speed (a machine too busy
    // to keep up) ends with a problem instead of running on.
    const auto give_up = std::chrono::steady_clock::now() + 30s +
                         3 * std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::duration<double>(core::to_seconds(end) / o_.speed));
    // An acknowledgement waiting for the bus at the end is still played.
    while (scenario_now() < end || !script.done()) {
      if (std::chrono::steady_clock::now() > give_up) {
        bus.record().problems.push_back("the drill fell far behind its speed; the machine is too busy for " +
                                        number(o_.speed) + "x");
        return;
      }
      for (const auto& a : bus.pump(20ms)) say_alarm(a);
      for (const auto& a : script.due(scenario_now(), bus.record())) run_script(bus, a);
      if (!daemon.running()) {
        bus.record().problems.push_back("vigild stopped during the drill (exit " +
                                        std::to_string(daemon.exit_status().value_or(-1)) + "):\n" +
                                        tail_of(daemon.log_path()));
        return;
      }
      if (!sim.running() && scenario_now() < ward_.duration()) {
        bus.record().problems.push_back("vigil-sim stopped during the drill:\n" + tail_of(sim.log_path()));
        return;
      }
    }
  }

  void say_alarm(const SeenAlarm& a) {
    // A latched alarm's condition that comes back is only an UPDATED on the
    // bus; said as such, the feed would show the alarm over while it is not.
    const bool again = a.transition == "UPDATED" && ended_latched_.erase(a.alarm_id) > 0;
    if (a.transition == "CLEARED" && a.latched) ended_latched_.insert(a.alarm_id);
    if (a.transition == "ACKNOWLEDGED" || a.transition == "RESET") ended_latched_.erase(a.alarm_id);
    if (a.transition != "RAISED" && a.transition != "ESCALATED" && a.transition != "ACKNOWLEDGED" &&
        a.transition != "CLEARED" && !again)
      return;
    std::string line = sim::clock_text(a.t) + " " + a.bed + " " + (again ? "ACTIVE AGAIN" : a.transition) +
                       " " + a.priority + " " + a.condition;
    if (a.transition == "CLEARED" && a.latched) line += " (latched until acknowledged)";
    if (!a.actor.empty() && a.transition == "ACKNOWLEDGED") line += " by " + a.actor;
    say_(line);
  }
  std::set<std::string> ended_latched_;  // alarm ids: condition over, signal latched

  const sim::Ward& ward_;
  const RunOptions& o_;
  const Say& say_;
  PortPool ports_;  // held for the whole drill: its vigild binds them late
  DrillPlan plan_;
  core::TimePoint zero_{};
  std::unique_ptr<drill::DrillClock> clock_;
  std::optional<DrillKeys> keys_;
  client::CurveClientFiles curve_;  // the runner's own, when CURVE is on
};

}  // namespace

core::Result<DrillRecord> run_drill(const sim::Ward& ward, const RunOptions& options, const Say& say) {
  try {
    return Runner{ward, options, say}.run();
  } catch (const std::runtime_error& e) {
    return core::Error{e.what()};
  }
}

}  // namespace vigil::drill
