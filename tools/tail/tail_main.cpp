// vigil-tail: prints readings and alarms from a vigild bus, one line each.
// It reads through the clone client: every message once and in order, and a
// line when something was missed, the publisher went quiet or came back, or
// the daemon restarted. With the command channel it starts from a snapshot
// and recovers what it missed; without, it starts from the first heartbeat.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <iostream>

#include "client/clone_client.hpp"
#include "client/curve_client.hpp"
#include "client/vigild_replay.hpp"
#include "display/bus_line_format.hpp"
#include "tools/tail/bus_summary.hpp"

namespace {

// Ctrl-C or SIGTERM end the tail as --seconds does, summary included.
volatile std::sig_atomic_t g_interrupted = 0;
void on_interrupt(int) {
  g_interrupted = 1;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

std::string event_line(vigil::client::ClientEvent e, bool json) {
  if (!json) {
    e.source.clear();  // one publisher: naming it on every line says nothing
    return "!! " + vigil::client::describe(e);
  }
  std::string line = "{\"event\":" + json_string(vigil::client::to_string(e.kind));
  if (!e.bed.empty()) line += ",\"bed\":" + json_string(e.bed);
  if (e.kind == vigil::client::EventKind::gap)
    line += ",\"have\":" + std::to_string(e.have) + ",\"seen\":" + std::to_string(e.seen);
  if (!e.how.empty()) line += ",\"how\":" + json_string(e.how) + ",\"seq\":" + std::to_string(e.have);
  if (!e.detail.empty()) line += ",\"detail\":" + json_string(e.detail);
  return line + "}";
}

std::string snapshot_line(const vigil::v1::BedStatus& s, bool json) {
  if (json)
    return "{\"event\":\"snapshot\",\"bed\":" + json_string(s.bed()) +
           ",\"seq\":" + std::to_string(s.last_seq()) + ",\"alarms\":" + std::to_string(s.alarms_size()) +
           "}";
  std::string line = "== " + std::string{s.drill() ? "DRILL " : ""} + s.bed() + " snapshot at #" +
                     std::to_string(s.last_seq()) + ": ";
  line += s.patient_id().empty() ? "no patient admitted" : "patient " + s.patient_id();
  if (s.infusion_running()) line += ", infusion running";
  return line + ", " + std::to_string(s.alarms_size()) + " alarm(s) with a signal";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vigil-tail: print readings and alarms published by vigild"};
  std::string endpoint = "tcp://127.0.0.1:5560";
  std::string command_endpoint;
  std::vector<std::string> beds;
  std::vector<std::string> kinds;
  bool json = false, heartbeats = false, summary = false;
  double seconds = 0;
  std::size_t count = 0;
  app.add_option("-e,--endpoint", endpoint, "vigild's publish endpoint")->capture_default_str();
  app.add_option("-c,--command-endpoint", command_endpoint,
                 "vigild's command endpoint: start from a snapshot and recover missed messages "
                 "(without it, gaps are only reported)");
  app.add_option("-b,--bed", beds, "only these beds (repeatable)");
  app.add_option("-k,--kind", kinds, "only these kinds: obs, alarm, link, ctx, hb (repeatable)")
      ->check(CLI::IsMember({"obs", "alarm", "link", "ctx", "hb"}));
  app.add_flag("--json", json, "one JSON object per line");
  app.add_flag("--heartbeats", heartbeats, "also print heartbeats");
  app.add_flag("--summary", summary,
               "at the end (--seconds, --count, Ctrl-C or SIGTERM), print a summary per bed (readings, last "
               "values, alarms)");
  app.add_option("--seconds", seconds, "stop after this many seconds");
  app.add_option("--count", count, "stop after this many messages");
  vigil::client::CurveClientFiles curve;
  app.add_option("--key", curve.key_file, "this client's CURVE key file, when vigild requires CURVE");
  app.add_option("--server-key", curve.server_key_file, "vigild's public key file (.pub)");
  CLI11_PARSE(app, argc, argv);

  // Every kind is received (heartbeats tell a lost publisher, the summary
  // counts readings); --kind only chooses what is printed.
  if (kinds.empty()) kinds = {"obs", "alarm", "link", "ctx"};
  if (heartbeats) kinds.push_back("hb");

  std::size_t printed = 0;
  bool done = false;
  vigil::tools::BusSummary totals;
  vigil::client::ClientOptions options;
  options.name = "vigil-tail";
  options.publish_endpoint = endpoint;
  options.command_endpoint = command_endpoint;
  options.beds = beds;
  options.replay = vigil::client::vigild_replay_protocol();
  options.secure_socket = [&](zmq::socket_t& s) {
    if (auto c = vigil::client::apply_curve(s, curve); !c) throw std::runtime_error(c.error());
  };
  vigil::client::ClientCallbacks callbacks;
  callbacks.snapshot = [&](const vigil::v1::BedStatus& s) {
    std::cout << snapshot_line(s, json) << std::endl;
  };
  callbacks.update = [&](const std::string& topic, const vigil::v1::BusMessage& m) {
    if (done) return;
    totals.add(m);
    const std::string kind = topic.substr(0, topic.find('/'));
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) return;
    std::cout << (json ? vigil::display::format_json(topic, m) : vigil::display::format_line(m)) << std::endl;
    if (count && ++printed >= count) done = true;
  };
  callbacks.event = [&](const vigil::client::ClientEvent& e) {
    std::cout << event_line(e, json) << std::endl;
  };

  zmq::context_t ctx{1};
  try {
    vigil::client::CloneClient client{ctx, options, callbacks};
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    client.start(start);
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    while (!done && !g_interrupted) {
      if (seconds > 0 && clock::now() - start >= std::chrono::duration<double>(seconds)) break;
      try {
        client.poll(vigil::client::CloneClient::kTick);
      } catch (const zmq::error_t& e) {
        if (e.num() != EINTR) throw;  // a signal cut the wait short: the loop looks at why
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "vigil-tail: " << e.what() << "\n";
    return 2;
  }
  if (summary) std::cout << totals.text() << std::flush;
  return 0;
}
