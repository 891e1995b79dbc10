// What a reading costs on its way to hospital systems, every-reading cadence:
//   hl7_outbox_bench [folder]     (default: a new folder under /tmp, removed
//                                   at the end; a folder given keeps the files)
// Run once with one destination and once with two (an EMR and a second
// system taking the same readings), each time:
// - the core thread's CPU time to queue one reading for every destination
//   (Hl7Outbound::on_bus_message; the writer thread puts it on disk);
// - the core thread's CPU time for a sender's read of its next message (its
//   text built from the reading's parts) and the record of its ACK;
// - the outbox's bytes per delivered reading (all its copies delivered),
//   indexes included.
// Numbers only, no pass/fail: tests never assert timings.
#include <time.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/thread_cpu.hpp"
#include "hl7out/hl7_outbound.hpp"
#include "hl7out/outbox.hpp"

using namespace vigil;
using bench::thread_cpu_us;

namespace {

void add_destination(v1::config::DaemonConfig& config, const std::string& name, const std::string& receiver) {
  auto* d = config.add_hl7_destination();
  d->set_name(name);
  d->set_address("127.0.0.1:9");  // never started: nothing connects
  d->set_readings(true);
  d->set_sending_facility("CLINIC");
  d->set_receiving_application(receiver);
  d->set_receiving_facility("HOSP");
}

int run(const std::filesystem::path& folder, int destinations) {
  const auto path = (folder / ("outbox-" + std::to_string(destinations) + ".db")).string();
  std::filesystem::remove(path);
  boost::asio::io_context io;
  core::ManualClock clock{core::TimePoint{std::chrono::hours{24 * 365 * 56}}};
  v1::config::DaemonConfig config;
  config.set_equipment_eui64("0123456789ABCDEF");
  config.set_hl7_outbox_path(path);
  const std::vector<std::string> names{"emr", "research"};
  add_destination(config, names[0], "MIRTH");
  if (destinations > 1) add_destination(config, names[1], "RESEARCH");

  constexpr int rounds = 20,
                per_round = 2000;  // below the writer's bound of 5000 waiting, even counted per copy
  double queue_us = 0;
  {
    hl7out::Hl7Outbound out{io, clock, config, [](const std::string&) { return std::string{"PAT-0042"}; }};
    v1::BusMessage m;
    auto* o = m.mutable_observation();
    o->set_bed("bed-1");
    o->set_mdc_code(150456);
    for (int r = 0; r < rounds; ++r) {
      const double t0 = thread_cpu_us();
      for (int i = 0; i < per_round; ++i) {
        o->set_value(90 + i % 10);
        o->mutable_received()->set_seconds(1'700'000'000 + (r * per_round + i) / 2);
        out.on_bus_message(m, "bed-1");
        clock.advance(std::chrono::milliseconds{500});
      }
      queue_us += thread_cpu_us() - t0;
      out.sync();
    }
  }
  constexpr int n = rounds * per_round;
  auto box = hl7out::Outbox::open(path, clock);
  if (!box) {
    std::fprintf(stderr, "hl7_outbox_bench: %s\n", box.error().c_str());
    return 1;
  }
  const double t1 = thread_cpu_us();
  int sent = 0;
  std::size_t text_bytes = 0;
  for (int d = 0; d < destinations; ++d) {
    while (auto h = box.value()->head(names[static_cast<std::size_t>(d)])) {
      text_bytes += h->text.size();
      box.value()->delivered(h->id);
      ++sent;
    }
  }
  const double send_us = thread_cpu_us() - t1;
  box.value().reset();  // closed: the write-ahead log goes into the file
  std::printf("%d destination(s)\n", destinations);
  std::printf("  readings queued                    %d (messages sent %d, text %zu bytes each)\n", n, sent,
              sent ? text_bytes / static_cast<std::size_t>(sent) : 0);
  std::printf("  core: queue a reading              %.2f us CPU\n", queue_us / n);
  std::printf("  core: next message + its ACK       %.2f us CPU\n", sent ? send_us / sent : 0.0);
  std::printf("  outbox bytes per delivered reading %.1f\n",
              static_cast<double>(std::filesystem::file_size(path)) / n);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path folder =
      argc > 1 ? std::filesystem::path{argv[1]}
               : std::filesystem::temp_directory_path() / ("hl7-outbox-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  const int failed = run(folder, 1) || run(folder, 2);
  if (argc <= 1) std::filesystem::remove_all(folder);
  return failed;
}
