// vigil-bench-core: observations per second through vigild's core path, on
// one core, for each protocol. Two stages, measured side by side:
//   decode  the protocol session alone (bytes in, readings out);
//   full    decode, then the bed's path exactly as VigilDaemon wires it
//           (BedMonitor: rules, rhythm, alarm engine; BusPublisher: protobuf
//           and a ZeroMQ PUB), with a SUB socket receiving every message.
// The subscriber sits on inproc and is drained on the same thread, so the
// whole job runs on the one pinned core and nothing is left in another
// thread's queue uncounted. Its receiving is timed on its own and taken off
// the path's CPU: in a ward the subscriber is another process (the station,
// a relay), and counting its work as vigild's cost understated the path by
// about a sixth on an oximeter feed. "subscriber_cpu_share" reports what was
// taken off. Input is what the simulator's devices send for a steady patient
// (bench/device_feed.hpp), replayed in a loop with simulated time moving on;
// the HL7 monitor's ECG stream is off (Waveforms::off), so hl7-mllp is a
// vitals-only HL7 monitor: an ORU^R01 every 5 s with heart rate, SpO2 and
// pulse, and NIBP every 5 min. Two more cases show costs a steady vitals
// feed does not have: masimo-alarms (an alarm transition on nearly every
// line, no condition delay) and hl7-ecg (an ECG segment a second through the
// QRS detector and the rhythm analysis). The core's 250 ms tick and the 1 s
// heartbeats are a cost per second of real time, not per observation, so
// they run on the wall clock (with the simulated time as their "now"), as
// they would in vigild. Prints one JSON object on stdout.
#include <sched.h>
#include <spdlog/spdlog.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <zmq.hpp>

#include "alerts/alarm_profile.hpp"
#include "bench/device_feed.hpp"
#include "bench/ecg_hl7_feed.hpp"
#include "daemon/bed_monitor.hpp"
#include "daemon/bus_publisher.hpp"
#include "drivers/device_session.hpp"
#include "journal/journal.hpp"
#include "vigil/v1/config.pb.h"

namespace vigil::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTick = std::chrono::milliseconds{250};
constexpr int kTicksPerHeartbeat = 4;
// Inproc PUB to SUB holds about two thousand messages (both high-water
// marks); draining after this many readings (a few messages each at most,
// alarms included) keeps the subscriber from ever dropping one. Draining
// after every few chunks instead made the two clock reads that time the
// subscriber (system calls) a tenth of the path on an oximeter feed, with
// 75 one-frame chunks a second and a reading in ten of them.
constexpr std::size_t kDrainEveryReadings = 128;
constexpr int kDrainEveryChunks = 256;
constexpr int kTickCheckEveryChunks = 16;
const core::TimePoint kStart{std::chrono::hours{24 * 365 * 55}};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Sample {
  double wall_s = 0;
  double cpu_s = 0;
  std::uint64_t obs = 0;  // readings decoded (each one observation on the bus)
  std::uint64_t bytes = 0;
  double device_s = 0;             // seconds of device output processed
  std::uint64_t published = 0;     // messages of the bed's stream the subscriber should have had
  std::uint64_t journal_shed = 0;  // readings the journal's writer dropped at its queue bound
  std::uint64_t received = 0;      // messages of the bed's stream it had
  std::uint64_t alarms = 0;        // alarm transitions it had
  double subscriber_cpu_s = 0;     // the subscriber's receiving, not in cpu_s
};

// Times a loop over the recording until `budget` has passed; `pass()` starts
// each replay and `chunk(c, now)` handles one chunk and returns the readings
// it produced.
template <class P, class F>
Sample timed_replay(const Recording& rec, Clock::duration budget, P&& pass_start, F&& chunk) {
  Sample s;
  const auto wall0 = Clock::now();
  const double cpu0 = thread_cpu_seconds();
  for (int pass = 0; Clock::now() - wall0 < budget; ++pass) {
    pass_start();
    const core::TimePoint base = kStart + pass * rec.length;
    for (const auto& c : rec.chunks) s.obs += chunk(c, base + c.t);
    s.bytes += rec.bytes;
    s.device_s += core::to_seconds(rec.length);
  }
  s.cpu_s = thread_cpu_seconds() - cpu0;
  s.wall_s = std::chrono::duration<double>(Clock::now() - wall0).count();
  return s;
}

std::unique_ptr<drivers::DeviceSession> open_session(const std::string& protocol) {
  auto session = drivers::find_protocol(protocol)->make_session();
  drivers::DecodeOutput opening;
  session->on_open(opening);
  return session;
}

Sample run_decode(const Recording& rec, Clock::duration budget) {
  std::unique_ptr<drivers::DeviceSession> session;
  // Each replay is a conversation from its start (a polled device's answers
  // fit only the session that asked), so each gets a fresh session.
  auto pass = [&] { session = open_session(rec.protocol); };
  drivers::DecodeOutput out;
  auto chunk = [&](const Recording::Chunk& c, core::TimePoint) {
    out.clear();
    session->on_bytes(std::span(reinterpret_cast<const std::uint8_t*>(c.bytes.data()), c.bytes.size()), out);
    return out.readings.size();
  };
  timed_replay(rec, budget / 10, pass, chunk);  // warm caches and allocator
  return timed_replay(rec, budget, pass, chunk);
}

// The bed's path as VigilDaemon::on_output and VigilDaemon::tick drive it.
class CorePath {
 public:
  CorePath(const std::string& protocol, alerts::AlarmProfile profile)
      : journal_path_{journal_path()},
        journal_{journal_options(journal_path_), [](const journal::JournalWriterReport&) {}},
        bus_{zmq_, "inproc://bench-core", "bench"},
        sub_{zmq_, zmq::socket_type::sub},
        bed_{bed_config(), std::move(profile), std::chrono::minutes{10}, false, bus_, journal_},
        protocol_{protocol} {
    // The path includes the journal as vigild has it: readings queued for
    // the writer thread, which batches them to SQLite beside the core.
    if (!journal_.open("bench", core::SystemClock{}.now()))
      throw std::runtime_error("bench journal: " + journal_.problem());
    sub_.set(zmq::sockopt::subscribe, "");
    sub_.connect("inproc://bench-core");
  }

  ~CorePath() {
    journal_.close(core::SystemClock{}.now());
    std::filesystem::remove_all(std::filesystem::path{journal_path_}.parent_path());
  }
  CorePath(const CorePath&) = delete;
  CorePath& operator=(const CorePath&) = delete;

  // A fresh session for each replay of the conversation (see run_decode).
  void new_pass() { session_ = open_session(protocol_); }

  std::size_t chunk(const Recording::Chunk& c, core::TimePoint now) {
    if (++chunks_since_tick_check_ >= kTickCheckEveryChunks) tick_if_due(now);
    out_.clear();
    session_->on_bytes(std::span(reinterpret_cast<const std::uint8_t*>(c.bytes.data()), c.bytes.size()),
                       out_);
    bed_.on_readings(device_, out_.readings, now);
    if (out_.conditions) bed_.on_device_conditions(device_, *out_.conditions, now);
    if (!out_.beats.empty() || out_.device_clock_end) bed_.on_beats(device_, frame_clock_, out_, now);
    if (!out_.waveforms.empty()) bed_.on_waveforms(device_, out_.waveforms, now);
    journal_.hand_over();
    readings_since_drain_ += out_.readings.size();
    if (++chunks_since_drain_ >= kDrainEveryChunks || readings_since_drain_ >= kDrainEveryReadings) drain();
    return out_.readings.size();
  }

  void drain() {
    chunks_since_drain_ = 0;
    readings_since_drain_ = 0;
    const double cpu0 = thread_cpu_seconds();
    zmq::message_t topic, body;
    while (sub_.recv(topic, zmq::recv_flags::dontwait)) {
      // Every sequenced message of the bed counts, derived readings (the
      // ECG heart rate from an HL7 waveform) and alarms too: counting only
      // the device's own readings made the difference wrap below zero.
      if (topic.to_string_view().ends_with("/bed-1/") && !topic.to_string_view().starts_with("hb/"))
        ++received_;
      if (topic.to_string_view().starts_with("alarm/")) ++alarms_;
      (void)sub_.recv(body, zmq::recv_flags::none);
    }
    subscriber_cpu_s_ += thread_cpu_seconds() - cpu0;
  }
  double subscriber_cpu_s() const { return subscriber_cpu_s_; }
  std::uint64_t published() const { return bus_.last_seq("bed-1"); }
  std::uint64_t journal_shed() const { return journal_.readings_shed(); }
  std::uint64_t received() const { return received_; }
  std::uint64_t alarms() const { return alarms_; }

 private:
  static std::string journal_path() {
    const auto dir = std::filesystem::temp_directory_path() / ("vigil-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    return (dir / "journal.db").string();
  }
  static journal::JournalOptions journal_options(const std::string& path) {
    journal::JournalOptions o;
    o.path = path;
    return o;
  }
  static vigil::v1::config::Bed bed_config() {
    vigil::v1::config::Bed b;
    b.set_id("bed-1");
    return b;
  }
  void tick_if_due(core::TimePoint now) {
    chunks_since_tick_check_ = 0;
    if (Clock::now() < next_tick_) return;
    bed_.tick(now);
    if (++ticks_ % kTicksPerHeartbeat == 0) {
      bus_.heartbeat("bed-1", now, 1000);
      bus_.heartbeat("*", now, 1000);
    }
    next_tick_ += kTick;
  }

  std::string journal_path_;
  journal::Journal journal_;
  zmq::context_t zmq_{1};
  daemon::BusPublisher bus_;
  zmq::socket_t sub_;
  daemon::BedMonitor bed_;
  // The device's name is the link's, made once as vigild's is: a string
  // literal made a std::string on every call, a cost vigild does not have.
  const std::string device_{"dev"};
  daemon::DeviceClockAnchor& frame_clock_{bed_.frame_clock(device_)};  // once, as a link has it
  std::string protocol_;
  std::unique_ptr<drivers::DeviceSession> session_;
  drivers::DecodeOutput out_;
  Clock::time_point next_tick_{Clock::now()};
  int chunks_since_tick_check_ = 0;
  std::uint64_t ticks_ = 0;
  int chunks_since_drain_ = 0;
  std::size_t readings_since_drain_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t alarms_ = 0;
  double subscriber_cpu_s_ = 0;
};

// The shipped adult profile, or for the alarm case the same rules without
// condition delays or latching, so every line past a limit raises at once
// and every line back within it clears.
alerts::AlarmProfile profile_for(const Recording& rec) {
  auto profile = alerts::ketamine_iv_adult_profile();
  if (rec.name != "masimo-alarms") return profile;
  for (auto& rule : profile.rules) {
    rule.delay = {};
    rule.latching = false;
  }
  return profile;
}

Sample run_full(const Recording& rec, Clock::duration budget) {
  CorePath path{rec.protocol, profile_for(rec)};
  auto pass = [&] { path.new_pass(); };
  auto chunk = [&](const Recording::Chunk& c, core::TimePoint now) { return path.chunk(c, now); };
  timed_replay(rec, budget / 10, pass, chunk);  // also lets the subscription reach the publisher
  path.drain();
  const auto published0 = path.published(), received0 = path.received();
  const auto shed0 = path.journal_shed();
  const auto alarms0 = path.alarms();
  const double subscriber0 = path.subscriber_cpu_s();
  Sample s = timed_replay(rec, budget, pass, chunk);
  s.subscriber_cpu_s = path.subscriber_cpu_s() - subscriber0;
  s.cpu_s -= s.subscriber_cpu_s;
  path.drain();
  s.published = path.published() - published0;
  s.received = path.received() - received0;
  s.journal_shed = path.journal_shed() - shed0;
  s.alarms = path.alarms() - alarms0;
  return s;
}

// The running CPU only: the measurement is of one core, and the kernel must
// not spread it or move it mid-run.
int pin_to_current_cpu() {
  const int cpu = sched_getcpu();
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) return -1;
  return cpu;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::vector<std::string> all_protocols() {
  std::vector<std::string> names;
  for (const auto& p : drivers::protocols())
    if (p.make_simulated_device) names.emplace_back(p.name);
  return names;
}

struct Case {
  std::string protocol;
  std::string stage;
  Recording* rec;
  std::vector<Sample> samples;
};

void print_json(const std::vector<Case>& cases, int cpu, double budget_s, int reps) {
  std::cout << "{\"cpu\": " << cpu << ", \"seconds_per_rep\": " << budget_s << ", \"reps\": " << reps
            << ", \"results\": [";
  const char* sep = "";
  for (const auto& c : cases) {
    std::vector<double> wall, cpus, dev, alarms, subscriber;
    std::uint64_t dropped = 0, shed = 0;
    for (const auto& s : c.samples) {
      shed += s.journal_shed;
      wall.push_back(static_cast<double>(s.obs) / s.wall_s);
      cpus.push_back(static_cast<double>(s.obs) / s.cpu_s);
      dev.push_back(s.device_s / s.cpu_s);
      alarms.push_back(static_cast<double>(s.alarms) / s.cpu_s);
      subscriber.push_back(s.subscriber_cpu_s / (s.cpu_s + s.subscriber_cpu_s));
      dropped += s.published - s.received;
    }
    const double obs_per_device_s = static_cast<double>(c.rec->chunks.empty() ? 0 : c.samples[0].obs) /
                                    std::max(c.samples[0].device_s, 1e-9);
    std::cout << sep << "\n  {\"protocol\": \"" << c.protocol << "\", \"stage\": \"" << c.stage
              << "\", \"obs_per_s\": " << median(wall) << ", \"obs_per_cpu_s\": " << median(cpus)
              << ", \"device_s_per_cpu_s\": " << median(dev) << ", \"obs_per_device_s\": " << obs_per_device_s
              << ", \"bytes_per_device_s\": "
              << static_cast<double>(c.rec->bytes) / core::to_seconds(c.rec->length)
              << ", \"alarms_per_cpu_s\": " << median(alarms)
              << ", \"subscriber_cpu_share\": " << median(subscriber) << ", \"dropped\": " << dropped
              << ", \"journal_shed\": " << shed << ", \"samples_obs_per_s\": [";
    for (std::size_t i = 0; i < wall.size(); ++i) std::cout << (i ? ", " : "") << wall[i];
    std::cout << "]}";
    sep = ",";
  }
  std::cout << "\n]}\n";
}

}  // namespace
}  // namespace vigil::bench

int main(int argc, char** argv) {
  using namespace vigil::bench;
  CLI::App app{
      "vigil-bench-core: observations per second through decode, rules, alarm engine and publish, "
      "on one core, per protocol; prints JSON"};
  double seconds = 1.0;
  int reps = 3;
  std::vector<std::string> protocols = all_protocols();
  protocols.insert(protocols.end(), {"masimo-alarms", "hl7-ecg"});
  std::vector<std::string> stages{"decode", "full"};
  app.add_option("--seconds", seconds, "time per measurement");
  app.add_option("--reps", reps, "measurements per case (the median is reported)");
  app.add_option("--protocol", protocols,
                 "protocols to measure (default: every simulated one, then masimo-alarms and hl7-ecg)");
  app.add_option("--stage", stages, "stages to measure: decode, full (default: both)")
      ->check(CLI::IsMember({"decode", "full"}));
  CLI11_PARSE(app, argc, argv);

  // Alarms are logged by BedMonitor; a steady patient raises none, and a
  // terminal's speed is not what is measured.
  spdlog::set_level(spdlog::level::off);
  const int cpu = pin_to_current_cpu();
  const auto budget = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));

  std::vector<Recording> recs;
  for (const auto& p : protocols) {
    constexpr std::chrono::minutes kLength{10};
    recs.push_back(p == "masimo-alarms" ? record_alarm_swings(kLength)
                   : p == "hl7-ecg"     ? record_ecg_hl7(kLength)
                                        : record(p, kLength, 1, Waveforms::off));
  }
  std::vector<Case> cases;
  for (auto& r : recs)
    for (const auto& stage : stages) cases.push_back({r.name, stage, &r, {}});
  // Repetitions go round all cases, so a burst of load elsewhere on the
  // machine spreads over every case instead of spoiling one.
  for (int i = 0; i < reps; ++i)
    for (auto& c : cases)
      c.samples.push_back(c.stage == "decode" ? run_decode(*c.rec, budget) : run_full(*c.rec, budget));
  print_json(cases, cpu, seconds, reps);
  return 0;
}
