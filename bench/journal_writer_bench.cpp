// What the journal's writer thread costs per reading it commits:
//   journal_writer_bench [--beds N] [--readings N] [--rate N] [folder]
// Readings go to a JournalWriter as vigild's core hands them over (a
// core::Observation each, the beds taking turns, each bed's sequence
// numbers rising): without --rate, in
// rows of 64, as fast as the writer takes them but never beyond half its
// queue's bound, so nothing is shed and every reading is committed; with
// --rate, that many readings a second in all, handed over every 10 ms, as
// vigild's beds send them (128 beds of a Masimo and a 75 Hz Nonin: about
// 1200 a second, so `--beds 128 --rate 1200 --readings 24000`). Reports readings committed
// per CPU-second of the writer thread (the process's CPU less this thread's)
// and per second of wall time, and what handing them over cost this thread
// (the core's, in vigild) a reading: the hand-off of readings that are all
// committed, none shed at the queue's bound. One bed is the full-path bench's flood
// (`vigil-bench-core --stage full`); 128 is vigild's scale case, whose
// batches touch every bed's leaves of the readings' indexes.
// Numbers only, no pass/fail: tests never assert timings.

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/thread_cpu.hpp"
#include "core/observation.hpp"
#include "journal/journal_schema.hpp"
#include "journal/journal_writer.hpp"
#include "journal/sqlite_database.hpp"

using namespace vigil;
using namespace std::chrono;

namespace {

bool parse_count(std::string_view text, std::uint64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out > 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t beds = 1, readings = 400000, rate = 0;
  std::string folder;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--beds" || arg == "--readings" || arg == "--rate") && i + 1 < argc) {
      if (!parse_count(argv[++i], arg == "--beds" ? beds : arg == "--readings" ? readings : rate)) {
        std::fprintf(stderr, "journal_writer_bench: %s wants a whole number above 0, not '%s'\n", arg.data(),
                     argv[i]);
        return 2;
      }
    } else if (!arg.starts_with("-") && folder.empty()) {
      folder = arg;
    } else {
      std::fprintf(stderr, "usage: journal_writer_bench [--beds N] [--readings N] [--rate N] [folder]\n");
      return 2;
    }
  }
  const bool own_folder = folder.empty();
  if (own_folder) {
    char pattern[] = "/tmp/vigil-writer-bench-XXXXXX";
    folder = mkdtemp(pattern);
  }
  const auto path = (std::filesystem::path{folder} / "writer-bench.db").string();
  {
    journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_write_create};
    journal::configure_journal_connection(db, {.synchronous_full = false});
    journal::migrate_journal(db);
  }

  std::atomic<std::uint64_t> written{0}, dropped{0};
  journal::JournalWriterOptions options{.path = path};
  journal::JournalWriter writer{options, [&](const journal::JournalWriterReport& r) {
                                  written.store(r.rows_written, std::memory_order_release);
                                  dropped.store(r.rows_dropped, std::memory_order_release);
                                }};

  std::vector<core::Observation> observations(beds);
  for (std::uint64_t b = 0; b < beds; ++b) {
    observations[b].bed = "bed-" + std::to_string(b + 1);
    observations[b].device = "masimo";
    observations[b].reading.metric = core::Metric::spo2;
    observations[b].reading.device_time = core::TimePoint{seconds{1'700'000'000}};
  }
  const auto started = core::TimePoint{duration_cast<core::Duration>(system_clock::now().time_since_epoch())};

  const double cpu_start = bench::process_cpu_us(), feeder_start = bench::thread_cpu_us();
  const auto wall_start = steady_clock::now();
  const auto bound = options.max_queue / 2;
  std::uint64_t handed = 0;
  // This thread's CPU while it made and handed over readings, not while it
  // waited for the writer (two reads of its clock a hand-over included).
  double handing_us = 0;
  constexpr auto kPace = milliseconds{10};
  while (handed < readings) {
    std::uint64_t due = journal::JournalWriter::kHandOverRows;
    if (rate > 0) {
      const auto ticks = static_cast<std::uint64_t>((steady_clock::now() - wall_start) / kPace) + 1;
      due = std::min(readings, ticks * rate * kPace.count() / 1000) - handed;
      if (due == 0) {
        std::this_thread::sleep_until(wall_start + kPace * ticks);
        continue;
      }
    } else if (handed - written.load(std::memory_order_acquire) >= bound) {
      std::this_thread::sleep_for(microseconds{200});
      continue;
    }
    const double handing_start = bench::thread_cpu_us();
    for (std::uint64_t i = 0; i < due && handed < readings; ++i, ++handed) {
      auto& o = observations[handed % beds];
      ++o.seq;
      o.reading.value = 90 + static_cast<double>(o.seq % 10);
      o.received = started + microseconds{10 * static_cast<std::int64_t>(handed)};
      *o.reading.device_time += microseconds{10};
      writer.write(o, false);
    }
    writer.hand_over();
    handing_us += bench::thread_cpu_us() - handing_start;
  }
  if (rate == 0) writer.commit_now();
  while (written.load(std::memory_order_acquire) + dropped.load(std::memory_order_acquire) < readings)
    std::this_thread::sleep_for(microseconds{500});
  const double wall_s = duration<double>(steady_clock::now() - wall_start).count();
  const double writer_cpu_s =
      (bench::process_cpu_us() - cpu_start - (bench::thread_cpu_us() - feeder_start)) / 1e6;
  writer.stop();

  std::printf(
      "beds %llu: %llu readings committed (%llu dropped), writer thread %.3f CPU-s, %.0f readings per "
      "writer CPU-second, %.0f per wall second, %.2f CPU-us each; handed over at %.0f CPU-ns each\n",
      static_cast<unsigned long long>(beds), static_cast<unsigned long long>(written.load()),
      static_cast<unsigned long long>(dropped.load()), writer_cpu_s,
      static_cast<double>(readings) / writer_cpu_s, static_cast<double>(readings) / wall_s,
      writer_cpu_s * 1e6 / static_cast<double>(readings), handing_us * 1e3 / static_cast<double>(readings));
  if (own_folder) std::filesystem::remove_all(folder);
  return dropped.load() == 0 ? 0 : 1;
}
