// vigil-bench-probe: the devices and the station around a monitoring daemon
// under test (vigild, or the peer script), in one process so that both ends
// of a measurement read the same CLOCK_MONOTONIC.
//
// Lines are named <dir>/bed-N.<protocol>; the daemon must name the devices by
// their protocol too ("masimo", "nonin-2"), which is how flooded readings are
// told from the rest.
//
// It makes one pseudo-terminal per simulated device (a Masimo oximeter per
// bed, optionally a Nonin format 2 pleth oximeter too) with a symlink in
// --dir, prints "ptys ready", then waits until the daemon has every line open
// and its heartbeats arrive on every --sub endpoint. Then, in order:
//   steady   every device sends at its real pace for --steady-s
//   latency  --alarms desaturation alarms on the beds in turn, over the same
//            background: a line with SpO2 80 is written, the time taken just
//            before the write() of its last byte, and again when the
//            station's SUB socket hands over the RAISED message; then a normal line
//            clears it and the next alarm follows a few ms later
//   flood    bed 1's oximeter writes lines as fast as the line takes them for
//            --flood-s; the station counts the readings and sequence gaps
//   hold     bed 1 stays desaturated at 1 line a second; every line written,
//            alarm received and new daemon_id is printed with its time, until
//            stdin closes (the restart measurement kills and restarts the
//            daemon meanwhile)
// Phase boundaries are printed as "phase NAME begin|end MONOTONIC_NS" (the
// caller samples the daemon's CPU time there); the results are one JSON line.
#include <poll.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <zmq.hpp>

#include "bench/device_feed.hpp"
#include "bench/pty_device.hpp"
#include "drivers/masimo/masimo_codec.hpp"
#include "vigil/v1/bus.pb.h"

namespace vigil::bench {
namespace {

using Mono = std::chrono::steady_clock;
using std::chrono::milliseconds;
constexpr auto kAlarmTimeout = std::chrono::seconds{2};
constexpr double kDesaturated = 80;  // below every desaturation limit
constexpr double kNormal = 97;

std::int64_t mono_ns(Mono::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

void say(const std::string& line) {
  std::cout << line << std::endl;  // flushed: the caller acts on each line
}

std::string masimo_line(double spo2) {
  drivers::MasimoFrame f;
  f.spo2 = spo2;
  f.pulse = 75;
  f.pi = 3.1;
  f.serial = "0000012345";
  f.exceptions = drivers::masimo_exc::masimo_set;
  return drivers::encode_masimo(f);
}

struct Device {
  std::unique_ptr<PtyDevice> pty;
  DeviceFeed feed;
  Mono::time_point next;
  std::uint64_t overruns = 0;  // frames the line did not take whole
};

struct Bed {
  std::string id;
  std::vector<Device> devices;  // [0] is the Masimo oximeter
  bool held = false;            // its oximeter speaks for a measurement, not the feed
};

struct Arrival {
  std::string topic;
  vigil::v1::BusMessage msg;
  Mono::time_point at;
};

class Probe {
 public:
  Probe(const std::string& dir, int beds, bool pleth, const std::vector<std::string>& endpoints)
      : endpoints_{endpoints}, sub_{zmq_, zmq::socket_type::sub} {
    for (int i = 1; i <= beds; ++i) {
      Bed b;
      b.id = "bed-" + std::to_string(i);
      const auto start = Mono::now() + milliseconds{1000 * (i - 1) / beds};  // beds not in lockstep
      b.devices.push_back({std::make_unique<PtyDevice>(dir + "/" + b.id + ".masimo"),
                           DeviceFeed{"masimo", static_cast<unsigned>(i)}, start});
      if (pleth)
        b.devices.push_back({std::make_unique<PtyDevice>(dir + "/" + b.id + ".nonin-2"),
                             DeviceFeed{"nonin-2", static_cast<unsigned>(i)}, start});
      beds_.push_back(std::move(b));
    }
    // A station reconnects quickly to a restarted daemon; the default 100 ms
    // would be measured as the daemon's restart time.
    sub_.set(zmq::sockopt::reconnect_ivl, 10);
    sub_.set(zmq::sockopt::rcvhwm, 0);
    sub_.set(zmq::sockopt::subscribe, "");
    for (const auto& e : endpoints_) sub_.connect(e);
  }

  bool wait_until_ready(Mono::duration timeout);
  std::string steady(Mono::duration length);
  std::string latency(int alarms);
  std::string flood(Mono::duration length);
  void hold();

 private:
  // Runs the background devices and hands every bus message to `on`, until
  // `on` returns true or `until` passes. Returns whether `on` stopped it.
  bool pump(Mono::time_point until, const std::function<bool(const Arrival&)>& on);
  void write_due(Mono::time_point now, Mono::time_point& next_due);
  std::optional<Mono::time_point> write_line(Bed& b, const std::string& line);
  bool wait_alarm(const std::string& bed, vigil::v1::AlarmTransition t, Mono::time_point& at);

  std::vector<std::string> endpoints_;
  std::vector<Bed> beds_;
  zmq::context_t zmq_{1};
  zmq::socket_t sub_;
  std::uint64_t alarms_seen_ = 0;
  bool eof_stop_ = false;  // hold: stdin closed
};

void Probe::write_due(Mono::time_point now, Mono::time_point& next_due) {
  for (auto& b : beds_) {
    for (std::size_t i = 0; i < b.devices.size(); ++i) {
      auto& d = b.devices[i];
      while (d.next <= now) {
        const std::string frame = d.feed.next();
        d.next += d.feed.interval();
        if (i == 0 && b.held) continue;
        if (!frame.empty() && d.pty->listening() && d.pty->write_some(frame) != frame.size()) ++d.overruns;
      }
      next_due = std::min(next_due, d.next);
    }
  }
}

bool Probe::pump(Mono::time_point until, const std::function<bool(const Arrival&)>& on) {
  zmq::message_t topic, body;
  std::vector<zmq::pollitem_t> items{{sub_.handle(), 0, ZMQ_POLLIN, 0},
                                     {nullptr, STDIN_FILENO, ZMQ_POLLIN, 0}};
  while (true) {
    const auto now = Mono::now();
    Mono::time_point next_due = until;
    write_due(now, next_due);
    // Past `until`, one look at what has arrived and no waiting.
    const auto wait = now >= until
                          ? milliseconds{0}
                          : std::chrono::duration_cast<milliseconds>(next_due - now) + milliseconds{1};
    zmq::poll(items.data(), eof_stop_ ? 2 : 1, wait);
    if (eof_stop_ && (items[1].revents & ZMQ_POLLIN)) {
      char c;
      if (::read(STDIN_FILENO, &c, 1) <= 0) return true;
    }
    while (sub_.recv(topic, zmq::recv_flags::dontwait)) {
      const auto at = Mono::now();
      (void)sub_.recv(body, zmq::recv_flags::none);
      Arrival a{topic.to_string(), {}, at};
      a.msg.ParseFromArray(body.data(), static_cast<int>(body.size()));
      if (a.msg.has_alarm()) ++alarms_seen_;
      if (on(a)) return true;
    }
    if (now >= until) return false;
  }
}

bool Probe::wait_until_ready(Mono::duration timeout) {
  const auto deadline = Mono::now() + timeout;
  auto all_open = [&] {
    for (const auto& b : beds_)
      for (const auto& d : b.devices)
        if (!d.pty->listening()) return false;
    return true;
  };
  while (!all_open()) {
    if (Mono::now() > deadline) return false;
    ::usleep(5000);
  }
  // Heartbeats from every publisher: the subscriptions have reached them all.
  std::set<std::string> daemons;
  return pump(deadline, [&](const Arrival& a) {
    if (a.msg.has_heartbeat()) daemons.insert(a.msg.heartbeat().daemon_id());
    return daemons.size() >= endpoints_.size();
  });
}

std::string Probe::steady(Mono::duration length) {
  const auto alarms0 = alarms_seen_;
  say("phase steady begin " + std::to_string(mono_ns(Mono::now())));
  std::uint64_t obs = 0;
  pump(Mono::now() + length, [&](const Arrival& a) {
    obs += a.msg.has_observation();
    return false;
  });
  say("phase steady end " + std::to_string(mono_ns(Mono::now())));
  std::uint64_t overruns = 0;
  for (const auto& b : beds_)
    for (const auto& d : b.devices) overruns += d.overruns;
  return "{\"seconds\": " + std::to_string(std::chrono::duration<double>(length).count()) +
         ", \"obs_received\": " + std::to_string(obs) +
         ", \"alarms\": " + std::to_string(alarms_seen_ - alarms0) +
         ", \"overruns\": " + std::to_string(overruns) + "}";
}

// Returns the time taken just before the write() that carried the line's
// last byte: a reading after it returns could come late (the probe may lose
// the CPU in between, while the daemon already answers) and make the latency
// look shorter than it was; this way it includes the write call itself.
std::optional<Mono::time_point> Probe::write_line(Bed& b, const std::string& line) {
  auto& pty = *b.devices[0].pty;
  std::size_t done = 0;
  Mono::time_point last_write{};
  const auto give_up = Mono::now() + milliseconds{100};
  while (done < line.size() && Mono::now() < give_up) {
    last_write = Mono::now();
    done += pty.write_some(std::string_view{line}.substr(done));
  }
  if (done < line.size()) return std::nullopt;
  return last_write;
}

bool Probe::wait_alarm(const std::string& bed, vigil::v1::AlarmTransition t, Mono::time_point& at) {
  return pump(Mono::now() + kAlarmTimeout, [&](const Arrival& a) {
    if (!a.msg.has_alarm()) return false;
    const auto& e = a.msg.alarm();
    if (e.bed() != bed || e.condition() != "desaturation" || e.transition() != t) return false;
    at = a.at;
    return true;
  });
}

std::string Probe::latency(int alarms) {
  say("phase latency begin " + std::to_string(mono_ns(Mono::now())));
  std::mt19937 rng{7};
  std::uniform_int_distribution<int> gap_ms{2, 20};
  std::vector<double> raised_us, cleared_us;
  int lost = 0;
  for (int k = 0; k < alarms; ++k) {
    Bed& b = beds_[static_cast<std::size_t>(k) % beds_.size()];
    b.held = true;
    Mono::time_point got;
    const auto sent = write_line(b, masimo_line(kDesaturated));
    if (sent && wait_alarm(b.id, vigil::v1::RAISED, got))
      raised_us.push_back(std::chrono::duration<double, std::micro>(got - *sent).count());
    else
      ++lost;
    const auto cleared = write_line(b, masimo_line(kNormal));
    if (cleared && wait_alarm(b.id, vigil::v1::CLEARED, got))
      cleared_us.push_back(std::chrono::duration<double, std::micro>(got - *cleared).count());
    b.held = false;
    pump(Mono::now() + milliseconds{gap_ms(rng)}, [](const Arrival&) { return false; });
  }
  say("phase latency end " + std::to_string(mono_ns(Mono::now())));
  auto list = [](const std::vector<double>& v) {
    std::ostringstream s;
    for (std::size_t i = 0; i < v.size(); ++i)
      s << (i ? "," : "") << static_cast<std::int64_t>(v[i] * 10) / 10.0;
    return s.str();
  };
  return "{\"alarms\": " + std::to_string(alarms) + ", \"lost\": " + std::to_string(lost) +
         ", \"raised_us\": [" + list(raised_us) + "], \"cleared_us\": [" + list(cleared_us) + "]}";
}

std::string Probe::flood(Mono::duration length) {
  Bed& b = beds_.front();
  b.held = true;
  const Recording rec = record("masimo", std::chrono::minutes{10});
  std::string lines;
  for (const auto& c : rec.chunks) lines += c.bytes;
  std::uint64_t obs = 0, lines_written = 0, gaps = 0;
  std::map<std::string, std::uint64_t> last_seq;
  // Readings of the flooded line only: other devices go on at their pace.
  auto flooded = [&](const Arrival& a) {
    return a.msg.has_observation() && a.msg.observation().bed() == b.id &&
           a.msg.observation().device() == "masimo";
  };
  auto count = [&](const Arrival& a) {
    std::uint64_t seq = 0;
    if (a.msg.has_observation()) seq = a.msg.observation().seq(), obs += flooded(a);
    if (a.msg.has_alarm()) seq = a.msg.alarm().seq();
    if (a.msg.has_link()) seq = a.msg.link().seq();
    if (seq == 0) return;
    const auto bed = a.topic.substr(a.topic.find('/') + 1);
    auto& last = last_seq[bed];
    if (last && seq > last + 1) gaps += seq - last - 1;
    last = seq;
  };
  pump(Mono::now(), [&](const Arrival& a) { return count(a), false; });
  const auto obs0 = obs;
  Mono::time_point last_obs = Mono::now();
  say("phase flood begin " + std::to_string(mono_ns(Mono::now())));
  const auto start = Mono::now(), stop = start + length;
  std::size_t at = 0;
  auto& pty = *b.devices[0].pty;
  pollfd out{pty.fd(), POLLOUT, 0};
  while (Mono::now() < stop) {
    const std::size_t n = pty.write_some(std::string_view{lines}.substr(at));
    for (std::size_t i = at; i < at + n; ++i) lines_written += lines[i] == '\n';
    at = (at + n) % lines.size();
    pump(Mono::now(), [&](const Arrival& a) {
      count(a);
      if (flooded(a)) last_obs = a.at;
      return false;
    });
    ::poll(&out, 1, 1);
  }
  // What is still on its way: until the station has been quiet for 0.5 s.
  while (pump(Mono::now() + milliseconds{500}, [&](const Arrival& a) {
    count(a);
    if (flooded(a)) last_obs = a.at;
    return flooded(a);
  })) {
  }
  say("phase flood end " + std::to_string(mono_ns(Mono::now())));
  b.held = false;
  const double secs = std::chrono::duration<double>(last_obs - start).count();
  return "{\"lines_written\": " + std::to_string(lines_written) +
         ", \"obs_received\": " + std::to_string(obs - obs0) + ", \"seq_gaps\": " + std::to_string(gaps) +
         ", \"seconds\": " + std::to_string(secs) + "}";
}

void Probe::hold() {
  Bed& b = beds_.front();
  b.held = true;
  eof_stop_ = true;
  std::string daemon;
  auto next_line = Mono::now();
  say("phase hold begin " + std::to_string(mono_ns(Mono::now())));
  // The oximeter keeps saying SpO2 80 once a second, as a real one would.
  while (!pump(next_line, [&](const Arrival& a) {
    if (a.msg.has_heartbeat() && a.msg.heartbeat().daemon_id() != daemon) {
      daemon = a.msg.heartbeat().daemon_id();
      say("daemon " + daemon + " " + std::to_string(mono_ns(a.at)));
    }
    if (a.msg.has_alarm() && a.msg.alarm().condition() == "desaturation")
      say("alarm " + vigil::v1::AlarmTransition_Name(a.msg.alarm().transition()) + " " + a.msg.alarm().bed() +
          " " + std::to_string(mono_ns(a.at)));
    return false;
  })) {
    if (b.devices[0].pty->listening() && b.devices[0].pty->write_some(masimo_line(kDesaturated)))
      say("line " + std::to_string(mono_ns(Mono::now())));
    next_line += std::chrono::seconds{1};
  }
}

}  // namespace
}  // namespace vigil::bench

int main(int argc, char** argv) {
  using namespace vigil::bench;
  CLI::App app{"vigil-bench-probe: simulated devices on ptys and a station on the bus, timing both ends"};
  std::string dir;
  int beds = 1, alarms = 0;
  bool pleth = false, hold = false;
  double steady_s = 0, flood_s = 0, ready_s = 30;
  std::vector<std::string> subs;
  app.add_option("--dir", dir, "where the pty symlinks go (bed-N.masimo, bed-N.nonin-2)")->required();
  app.add_option("--beds", beds, "simulated beds")->check(CLI::Range(1, 1000));
  app.add_flag("--pleth", pleth, "each bed also has a Nonin format 2 oximeter (pleth, 75 frames/s)");
  app.add_option("--sub", subs, "bus endpoints to subscribe to (one per daemon)")->required();
  app.add_option("--ready-timeout", ready_s, "seconds to wait for the daemon to open every line");
  app.add_option("--steady-s", steady_s, "seconds of steady streaming");
  app.add_option("--alarms", alarms, "desaturation alarms to time");
  app.add_option("--flood-s", flood_s, "seconds of bed 1's oximeter writing as fast as the line takes");
  app.add_flag("--hold", hold, "keep bed 1 desaturated and print alarms until stdin closes");
  CLI11_PARSE(app, argc, argv);

  Probe probe{dir, beds, pleth, subs};
  say("ptys ready");
  const auto ready = std::chrono::duration_cast<Mono::duration>(std::chrono::duration<double>(ready_s));
  if (!probe.wait_until_ready(ready)) {
    std::cerr << "vigil-bench-probe: the daemon did not open every line and publish within " << ready_s
              << " s\n";
    return 1;
  }
  say("daemon ready");
  if (hold) {
    probe.hold();
    return 0;
  }
  auto secs = [](double s) {
    return std::chrono::duration_cast<Mono::duration>(std::chrono::duration<double>(s));
  };
  std::string json = "{\"beds\": " + std::to_string(beds) + ", \"pleth\": " + (pleth ? "true" : "false");
  if (steady_s > 0) json += ", \"steady\": " + probe.steady(secs(steady_s));
  if (alarms > 0) json += ", \"latency\": " + probe.latency(alarms);
  if (flood_s > 0) json += ", \"flood\": " + probe.flood(secs(flood_s));
  say(json + "}");
  return 0;
}
