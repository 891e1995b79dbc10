// vigil-bench-floor: the least a program can do for the benchmark's job, as
// a control measured beside vigild and the peer script. It reads Masimo lines
// from its ptys in one poll loop, takes SPO2, BPM and PI with a plain scan
// (no validation, no rules engine, no technical conditions, no logging),
// publishes each as an observation and raises or clears desaturation at the
// benchmark profile's limit (below 85, clear above 86), with the same topics,
// messages, sequence numbers and heartbeats. What it costs is the machine's
// share of every measurement: the pty's way through the kernel, ZeroMQ over
// loopback, the scheduler's wake-ups on a busy machine.
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "vigil/v1/bus.pb.h"

namespace {

struct Line {
  std::string bed;
  int fd = -1;
  std::string pending;
  bool alarmed = false;
};

class Bus {
 public:
  explicit Bus(const std::string& endpoint) : pub_{ctx_, zmq::socket_type::pub} {
    pub_.set(zmq::sockopt::sndhwm, 10000);
    pub_.bind(endpoint);
    std::random_device rd;
    id_ = std::to_string(rd()) + std::to_string(rd());
  }
  void send(const std::string& kind, const std::string& bed, vigil::v1::BusMessage& m) {
    const auto seq = ++seq_[bed];
    if (m.has_observation()) m.mutable_observation()->set_seq(seq);
    if (m.has_alarm()) m.mutable_alarm()->set_seq(seq);
    const std::string topic = kind + "/" + bed + "/", body = m.SerializeAsString();
    pub_.send(zmq::buffer(topic), zmq::send_flags::sndmore);
    pub_.send(zmq::buffer(body), zmq::send_flags::none);
  }
  void heartbeat() {
    vigil::v1::BusMessage m;
    m.mutable_heartbeat()->set_bed("*");
    m.mutable_heartbeat()->set_daemon_id(id_);
    m.mutable_heartbeat()->set_interval_ms(1000);
    const std::string topic = "hb/*/", body = m.SerializeAsString();
    pub_.send(zmq::buffer(topic), zmq::send_flags::sndmore);
    pub_.send(zmq::buffer(body), zmq::send_flags::none);
  }

 private:
  zmq::context_t ctx_{1};
  zmq::socket_t pub_;
  std::string id_;
  std::map<std::string, std::uint64_t> seq_;
};

// The number after "KEY=" in the line, when it starts with a digit.
bool field(const std::string& line, const char* key, double& value) {
  const auto at = line.find(key);
  if (at == std::string::npos) return false;
  const char* start = line.c_str() + at + std::strlen(key);
  char* end = nullptr;
  value = std::strtod(start, &end);
  return end != start;
}

void handle(Line& l, const std::string& text, Bus& bus) {
  static const std::pair<const char*, const char*> kFields[] = {
      {"SPO2=", "spo2"}, {"BPM=", "pulse"}, {"PI=", "pi"}};
  double spo2 = -1;
  for (const auto& [key, metric] : kFields) {
    double v;
    if (!field(text, key, v)) continue;
    if (std::string_view{metric} == "spo2") spo2 = v;
    vigil::v1::BusMessage m;
    auto* o = m.mutable_observation();
    o->set_bed(l.bed);
    o->set_device("masimo");
    o->set_metric(metric);
    o->set_value(v);
    bus.send("obs", l.bed, m);
  }
  const bool raise = spo2 >= 0 && !l.alarmed && spo2 < 85;
  const bool clear = l.alarmed && spo2 > 86;
  if (!raise && !clear) return;
  l.alarmed = raise;
  vigil::v1::BusMessage m;
  auto* a = m.mutable_alarm();
  a->set_bed(l.bed);
  a->set_condition("desaturation");
  a->set_transition(l.alarmed ? vigil::v1::RAISED : vigil::v1::CLEARED);
  a->set_value(spo2);
  bus.send("alarm", l.bed, m);
}

void run(std::vector<Line>& lines, Bus& bus) {
  std::vector<pollfd> fds;
  for (const auto& l : lines) fds.push_back({l.fd, POLLIN, 0});
  auto next_hb = std::chrono::steady_clock::now();
  char buf[4096];
  while (true) {
    if (std::chrono::steady_clock::now() >= next_hb) {
      bus.heartbeat();
      next_hb += std::chrono::seconds{1};
    }
    ::poll(fds.data(), fds.size(), 100);
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      const auto n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) continue;
      auto& l = lines[i];
      l.pending.append(buf, static_cast<std::size_t>(n));
      for (std::size_t end; (end = l.pending.find('\n')) != std::string::npos;) {
        handle(l, l.pending.substr(0, end), bus);
        l.pending.erase(0, end + 1);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vigil-bench-floor: a minimal Masimo-to-bus relay, the benchmark's control"};
  std::string endpoint;
  std::vector<std::string> ports;
  app.add_option("--publish", endpoint, "ZeroMQ endpoint to bind")->required();
  app.add_option("--port", ports, "BED=PATH, once per oximeter")->required();
  CLI11_PARSE(app, argc, argv);
  std::vector<Line> lines;
  for (const auto& spec : ports) {
    const auto eq = spec.find('=');
    Line l;
    l.bed = spec.substr(0, eq);
    l.fd = ::open(spec.substr(eq + 1).c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (l.fd < 0) {
      std::perror(spec.c_str());
      return 1;
    }
    termios tio{};
    tcgetattr(l.fd, &tio);
    cfmakeraw(&tio);
    tcsetattr(l.fd, TCSANOW, &tio);
    lines.push_back(std::move(l));
  }
  Bus bus{endpoint};
  run(lines, bus);
}
