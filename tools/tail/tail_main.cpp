// vigil-tail: prints readings and alarms from a vigild bus, one line each.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <zmq.hpp>

#include "tools/tail/bus_line_format.hpp"
#include "tools/ctl/curve_client.hpp"
#include "tools/tail/bus_summary.hpp"

int main(int argc, char** argv) {
  CLI::App app{"vigil-tail: print readings and alarms published by vigild"};
  std::string endpoint = "tcp://127.0.0.1:5560";
  std::vector<std::string> beds;
  std::vector<std::string> kinds;
  bool json = false, heartbeats = false, summary = false;
  double seconds = 0;
  std::size_t count = 0;
  app.add_option("-e,--endpoint", endpoint, "vigild's publish endpoint")->capture_default_str();
  app.add_option("-b,--bed", beds, "only these beds (repeatable)");
  app.add_option("-k,--kind", kinds, "only these kinds: obs, alarm, link, ctx, hb (repeatable)")
      ->check(CLI::IsMember({"obs", "alarm", "link", "ctx", "hb"}));
  app.add_flag("--json", json, "one JSON object per line");
  app.add_flag("--heartbeats", heartbeats, "also print heartbeats");
  app.add_flag("--summary", summary, "at the end, print a summary per bed (readings, last values, alarms)");
  app.add_option("--seconds", seconds, "stop after this many seconds");
  app.add_option("--count", count, "stop after this many messages");
  vigil::tools::CurveClientFiles curve;
  app.add_option("--key", curve.key_file, "this client's CURVE key file, when vigild requires CURVE");
  app.add_option("--server-key", curve.server_key_file, "vigild's public key file (.pub)");
  CLI11_PARSE(app, argc, argv);

  zmq::context_t ctx{1};
  zmq::socket_t sub{ctx, zmq::socket_type::sub};
  if (auto c = vigil::tools::apply_curve(sub, curve); !c) {
    std::cerr << "vigil-tail: " << c.error() << "\n";
    return 2;
  }
  // Every kind is received (heartbeats tell a lost publisher, the summary
  // counts readings); --kind only chooses what is printed.
  if (kinds.empty()) kinds = {"obs", "alarm", "link", "ctx"};
  if (heartbeats) kinds.push_back("hb");
  for (const std::string k : {"obs", "alarm", "link", "ctx", "hb"}) {
    if (beds.empty()) sub.set(zmq::sockopt::subscribe, k + "/");
    for (const auto& b : beds) sub.set(zmq::sockopt::subscribe, k + "/" + b + "/");
  }
  if (!beds.empty()) sub.set(zmq::sockopt::subscribe, "hb/*/");
  try {
    sub.connect(endpoint);
  } catch (const zmq::error_t& e) {
    std::cerr << "vigil-tail: cannot connect to " << endpoint << ": " << e.what() << "\n";
    return 2;
  }

  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto last_heard = start;
  bool lost_reported = false;
  std::map<std::string, std::uint64_t> last_seq;
  std::size_t printed = 0;
  vigil::tools::BusSummary totals;
  // A publisher that says nothing for 3 s is gone: heartbeats come every second.
  constexpr auto kLost = std::chrono::seconds{3};
  while (true) {
    const auto now = clock::now();
    if (seconds > 0 && now - start >= std::chrono::duration<double>(seconds)) break;
    zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds{200});
    if (!(item.revents & ZMQ_POLLIN)) {
      if (!lost_reported && clock::now() - last_heard > kLost) {
        std::cout << (json ? "{\"event\":\"publisher_lost\",\"endpoint\":\"" + endpoint + "\"}"
                           : "!! PUBLISHER LOST: nothing from " + endpoint + " for 3 s")
                  << std::endl;
        lost_reported = true;
      }
      continue;
    }
    zmq::message_t topic, body;
    if (!sub.recv(topic) || !topic.more() || !sub.recv(body)) continue;
    last_heard = clock::now();
    if (lost_reported) {
      std::cout << (json ? "{\"event\":\"publisher_back\"}" : "!! publisher back") << std::endl;
      lost_reported = false;
    }
    vigil::v1::BusMessage m;
    if (!m.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      std::cerr << "vigil-tail: undecodable message on topic " << topic.to_string() << "\n";
      continue;
    }
    totals.add(m);
    const std::string kind = topic.to_string().substr(0, topic.to_string().find('/'));
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) continue;
    std::cout << (json ? vigil::tools::format_json(topic.to_string(), m) : vigil::tools::format_line(m)) << std::endl;
    if (count && ++printed >= count) break;
  }
  if (summary) std::cout << totals.text() << std::flush;
  return 0;
}
