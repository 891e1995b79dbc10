// What the journal costs, measured on the disk it is pointed at:
//   journal_bench [folder]     (default: a new folder under /tmp)
// - an alarm transition and the bed's state, as the core thread pays it:
//   the intent log's record before publishing (one write()), and handing
//   the SQLite transaction to the writer after it; then the transaction
//   committed by the writer while the core waits, as when the log cannot be
//   written: percentiles of 300 writes each;
// - a command record and a sequence reservation, as the core thread pays
//   them: wall time each, and the core thread's CPU time per write (the
//   writer's commit comes after, on its own thread);
// - the core thread's cost of handing a reading to the writer;
// - the writer's batches under 1000 readings a second for 5 s: rows per
//   batch, transaction time, and how long a reading waited to be written;
// - a replay of 1000 messages from the journal;
// - a flood: 200 000 readings handed over as fast as the core can, and the
//   process's CPU time until the writer has written them all (CPU-us per
//   reading, almost all of it the writer's inserts).
// Numbers only, no pass/fail: tests never assert timings.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/thread_cpu.hpp"
#include "journal/bus_messages.hpp"
#include "journal/journal.hpp"

using namespace vigil;
using bench::thread_cpu_us;
using namespace std::chrono;
namespace v1 = vigil::v1;

namespace {

struct Stats {
  std::vector<double> us;
  void print(const char* what) {
    std::sort(us.begin(), us.end());
    auto at = [&](double p) { return us[static_cast<std::size_t>(p * static_cast<double>(us.size() - 1))]; };
    std::printf("%-44s n=%-6zu p50=%8.1f us  p95=%8.1f us  p99=%8.1f us  max=%8.1f us\n", what, us.size(),
                at(0.5), at(0.95), at(0.99), us.back());
  }
};

v1::BusMessage alarm(std::uint64_t seq, core::TimePoint t) {
  v1::BusMessage m;
  auto* a = m.mutable_alarm();
  a->set_bed("bed-1");
  a->set_alarm_id("bed-1:desaturation:" + std::to_string(seq));
  a->set_condition("desaturation");
  a->set_transition(v1::RAISED);
  a->set_priority(v1::HIGH);
  a->set_message("Severe desaturation: spo2 83 % (limit spo2 < 85 % for 5 s)");
  a->set_seq(seq);
  wire::set_time(a->mutable_time(), t);
  return m;
}

v1::BusMessage reading(std::uint64_t seq, core::TimePoint t) {
  core::Observation o;
  o.bed = "bed-1";
  o.device = "ox";
  o.reading = core::Reading{core::Metric::spo2, 97, {}, {}};
  o.received = t;
  o.seq = seq;
  v1::BusMessage m;
  *m.mutable_observation() = wire::to_proto(o, false);
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  std::string folder = argc > 1 ? argv[1] : "";
  if (folder.empty()) {
    char pattern[] = "/tmp/vigil-bench-XXXXXX";
    folder = mkdtemp(pattern);
  }
  journal::JournalOptions o;
  o.path = (std::filesystem::path{folder} / "bench-journal.db").string();
  std::mutex mutex;
  std::vector<journal::JournalWriterReport> reports;
  journal::Journal j{o, [&](const journal::JournalWriterReport& r) {
                       std::lock_guard lock{mutex};
                       reports.push_back(r);
                     }};
  if (!j.open("bench", system_clock::now())) {
    std::fprintf(stderr, "journal_bench: %s\n", j.problem().c_str());
    return 1;
  }
  std::printf("journal %s\n", o.path.c_str());

  // A bed state as big as a busy bed's: a patient, an infusion, a baseline, three alarms.
  v1::journal::BedState state;
  state.set_bed("bed-1");
  state.set_patient_id("PAT-0042");
  state.mutable_infusion()->set_drug("ketamine");
  for (int i = 0; i < 3; ++i) *state.add_alarms()->mutable_alarm() = alarm(1, system_clock::now()).alarm();

  std::uint64_t seq = 0;
  Stats logged, after;
  for (int i = 0; i < 300; ++i) {
    const auto m = alarm(++seq, system_clock::now());
    const auto now = system_clock::now();
    const auto start = steady_clock::now();
    j.log_bed("bed-1", {m}, state, now);
    const auto published = steady_clock::now();
    j.write_bed("bed-1", {m}, state, now);  // handed to the writer
    logged.us.push_back(duration<double, std::micro>(published - start).count());
    after.us.push_back(duration<double, std::micro>(steady_clock::now() - published).count());
  }
  logged.print("alarm + bed state: intent log (before publish)");
  after.print("alarm + bed state: to the writer (after)");
  j.wait_bed_writes(seconds{5});
  Stats durable;
  for (int i = 0; i < 300; ++i) {
    const auto m = alarm(++seq, system_clock::now());
    const auto start = steady_clock::now();
    j.write_bed("bed-1", {m}, state, system_clock::now());
    durable.us.push_back(duration<double, std::micro>(steady_clock::now() - start).count());
  }
  durable.print("alarm + bed state: writer's commit, waited for");

  Stats command;
  v1::CommandRequest req;
  req.set_actor("nurse A");
  req.mutable_acknowledge()->set_bed("bed-1");
  v1::CommandReply reply;
  reply.set_ok(true);
  // Paced like staff at a station (one every 2 ms), so the writer's
  // commits come between them rather than piling up.
  double command_cpu = 0;
  for (int i = 0; i < 300; ++i) {
    const auto cpu_before = thread_cpu_us();
    const auto start = steady_clock::now();
    j.write_command(req, reply, system_clock::now());
    command.us.push_back(duration<double, std::micro>(steady_clock::now() - start).count());
    command_cpu += thread_cpu_us() - cpu_before;
    std::this_thread::sleep_for(milliseconds{2});
  }
  command.print("command record (durable, core thread)");
  std::printf("%-44s %.1f us of the core thread's CPU each\n", "command record", command_cpu / 300);
  Stats reserve;
  double reserve_cpu = 0;
  for (int i = 0; i < 300; ++i) {
    const auto cpu_before = thread_cpu_us();
    const auto start = steady_clock::now();
    j.reserve_seq("bed-1", 1000 * static_cast<std::uint64_t>(i + 1));
    reserve.us.push_back(duration<double, std::micro>(steady_clock::now() - start).count());
    reserve_cpu += thread_cpu_us() - cpu_before;
    std::this_thread::sleep_for(milliseconds{2});
  }
  reserve.print("sequence reservation (durable, core thread)");
  std::printf("%-44s %.1f us of the core thread's CPU each\n", "sequence reservation", reserve_cpu / 300);
  j.wait_bed_writes(seconds{5});

  // 1000 readings a second for 5 s, as ten busy beds would send them.
  Stats queue;
  const auto begin = steady_clock::now();
  for (int i = 0; i < 5000; ++i) {
    std::this_thread::sleep_until(begin + microseconds{1000 * i});
    const auto m = reading(++seq, system_clock::now());
    const auto start = steady_clock::now();
    j.queue(m);
    j.hand_over();  // one reading per device read, as vigild hands them over at this pace
    queue.us.push_back(duration<double, std::micro>(steady_clock::now() - start).count());
  }
  queue.print("reading handed to the writer (core thread)");
  std::this_thread::sleep_for(seconds{1});
  {
    std::lock_guard lock{mutex};
    Stats rows, batch, wait;
    for (const auto& r : reports) {
      if (r.batch_rows == 0) continue;
      rows.us.push_back(static_cast<double>(r.batch_rows));
      batch.us.push_back(static_cast<double>(r.batch_time.count()));
      wait.us.push_back(static_cast<double>(r.oldest_wait.count()));
    }
    rows.print("writer: rows per batch (count, not us)");
    batch.print("writer: batch transaction");
    wait.print("writer: first reading's wait until written");
    std::printf("writer: %llu rows written, %llu dropped\n",
                static_cast<unsigned long long>(reports.back().rows_written),
                static_cast<unsigned long long>(reports.back().rows_dropped));
  }

  Stats replay;
  for (int i = 0; i < 20; ++i) {
    journal::MessageQuery q;
    q.bed = "bed-1";
    q.after_seq = 400 + static_cast<std::uint64_t>(i) * 100;
    q.max = 1000;
    const auto start = steady_clock::now();
    const auto messages = j.reader()->messages(q);
    replay.us.push_back(duration<double, std::micro>(steady_clock::now() - start).count());
    if (messages.size() != 1000) std::fprintf(stderr, "replay returned %zu\n", messages.size());
  }
  replay.print("replay of 1000 messages from the journal");

  // The flood, after a pause so the writer starts from an empty queue.
  std::this_thread::sleep_for(seconds{1});
  constexpr std::uint64_t kFlood = 200000;
  std::uint64_t written_before = 0;
  {
    std::lock_guard lock{mutex};
    written_before = reports.back().rows_written;
  }
  const auto cpu_start = bench::process_cpu_us() / 1e6;
  const auto wall_start = steady_clock::now();
  std::uint64_t handed = 0;
  auto flood = reading(0, system_clock::now());
  while (handed < kFlood) {
    // Within the queue's bound (20 000), so nothing is shed: at most 10 000 waiting.
    std::uint64_t written = 0;
    {
      std::lock_guard lock{mutex};
      written = reports.back().rows_written - written_before;
    }
    if (handed - written >= 10000) {
      std::this_thread::sleep_for(microseconds{200});
      continue;
    }
    for (int i = 0; i < 1000; ++i, ++handed) {
      flood.mutable_observation()->set_seq(++seq);
      j.queue(flood.observation());
    }
    j.hand_over();
  }
  std::uint64_t dropped = 0;
  for (;;) {
    {
      std::lock_guard lock{mutex};
      const auto& r = reports.back();
      dropped = r.rows_dropped;
      if (r.rows_written + r.rows_dropped >= written_before + kFlood) break;
    }
    std::this_thread::sleep_for(milliseconds{5});
  }
  const auto wall = duration<double>(steady_clock::now() - wall_start).count();
  const auto cpu_s = bench::process_cpu_us() / 1e6 - cpu_start;
  std::printf("flood: %llu readings, %.2f CPU-us each (process), %.0f readings/s written, %llu dropped\n",
              static_cast<unsigned long long>(kFlood), cpu_s * 1e6 / static_cast<double>(kFlood),
              static_cast<double>(kFlood) / wall, static_cast<unsigned long long>(dropped));
  j.close(system_clock::now());
  if (argc <= 1) std::filesystem::remove_all(folder);
  return 0;
}
