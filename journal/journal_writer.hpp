#pragma once
// The journal's writer thread. Readings and link events reach it through a
// queue and are written in batches, once per flush interval or as soon as a
// batch is full, so the core thread never waits for a disk on their account.
// Between batches it prunes what is older than the retention, a small chunk
// at a time, so a large prune never holds a batch back for long.
//
// It is also what makes the core's writes survive a power cut: those commit
// without an fsync (a write to the write-ahead log, or a record of the
// intent log, which a crash of vigild cannot take back), and once per flush
// interval, when anything was written since, the writer fsyncs both logs,
// off the alarm path.
//
// It owns its own SQLite connection; nothing but the queue is shared with
// the core (and the bed and device names its readings point to, which never
// change: RowNames). The core does not take the queue's lock for every reading: it
// gathers them and hands them over together (hand_over(): at the end of each
// device read, on every tick, and whenever kHandOverRows are waiting), so
// the lock costs a read, not a reading. It says how it is doing through a callback, called on
// its own thread (the daemon posts it to the core's event loop).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "core/observation.hpp"
#include "core/time.hpp"
#include "journal/core_writes.hpp"
#include "vigil/v1/bus.pb.h"

namespace vigil::journal {

struct JournalWriterOptions {
  std::string path;
  std::chrono::milliseconds flush_interval{500};
  // Beyond this many queued readings, further readings are dropped (and
  // counted), never the core blocked; link events are always kept.
  std::size_t max_queue = 20000;
  std::size_t batch_rows = 2048;  // a queue this long is written at once, not at the next interval
  std::int64_t max_pages = 0;     // PRAGMA max_page_count; 0 leaves SQLite's
  // An alarm transition handed over (already durable in the intent log) is
  // committed this long after it, with whatever else came meanwhile: well
  // after its publication has reached the subscribers, so the commit does
  // not compete with it for a core. A context change goes at once.
  std::chrono::milliseconds bed_delay{20};
  // The journal has an intent log (IntentLog::path_for(path)): its next
  // file is made on this thread (take_next_intent_file()).
  bool intent_log = false;
};

// Every column of an observation's row but its two names: plain numbers,
// so a reading crosses to the writer thread as a copy of bytes.
struct ObservationColumns {
  std::uint64_t seq = 0;
  double value = 0;
  std::int64_t quality = 0;  // bits: invalid 1, artifact 2, sensor off 4, low perfusion 8, questionable 16
  std::optional<std::int64_t> device_time_us;
  std::int64_t received_us = 0;
  std::uint32_t mdc_code = 0;
  bool drill = false;
};

// An observation as its row in the observations table: all the writer needs
// of it, without a message's strings and parts.
struct ObservationRow {
  std::string bed;
  std::string device;
  ObservationColumns columns;
};
ObservationRow observation_row(const vigil::v1::Observation& o);
// The same row for the message wire::to_proto(o, drill) would make.
ObservationRow observation_row(const core::Observation& o, bool drill);
// Its columns alone: what JournalWriter::write(o, drill) hands over with the names.
ObservationColumns observation_columns(const core::Observation& o, bool drill);

// The bed and device names of the readings one JournalWriter takes, each
// kept once for the writer's life: a reading is handed over with two
// pointers to its names, not two strings to copy on the core thread and
// free on the writer's. One name has one pointer, so two rows are of the
// same bed exactly when their pointers are equal.
//
// Threads: only the core thread calls intern(). A name, once in, is never
// changed, moved (the set's nodes stay where they are when it grows) or
// removed, so the writer thread reads it through a pointer it was handed,
// without a lock and without looking at the set: the queue's mutex, which
// both take to pass the pointer on, orders the name's making before that
// read. vigild's names are its configuration's beds and devices (and a
// device's derived ":ecg" one): a few hundred at 128 beds, however long it
// runs.
class RowNames {
 public:
  RowNames() = default;
  RowNames(const RowNames&) = delete;
  RowNames& operator=(const RowNames&) = delete;

  const std::string* intern(std::string_view name);
  // The same, trying the caller's `last` one of this kind first (a device
  // read's readings are of one bed and one device), and keeping the answer there.
  const std::string* intern(std::string_view name, const std::string*& last) {
    if (last && *last == name) return last;
    return last = intern(name);
  }
  std::size_t size() const { return names_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> names_;
};

// A reading as the core hands it to the writer thread: its columns, and its
// names as the writer's RowNames holds them.
struct InternedRow {
  const std::string* bed = nullptr;
  const std::string* device = nullptr;
  ObservationColumns columns;
};

struct JournalWriterReport {
  bool ok = true;
  std::string problem;  // why the last batch or prune failed
  std::size_t batch_rows = 0;
  std::chrono::microseconds batch_time{};   // the batch's transaction, commit included
  std::chrono::microseconds oldest_wait{};  // how long its first row waited in the queue
  std::uint64_t rows_written = 0;
  std::uint64_t rows_dropped = 0;
  std::uint64_t rows_pruned = 0;
  std::uint64_t log_syncs = 0;  // fsyncs of the write-ahead log that succeeded
};

class JournalWriter {
 public:
  using Report = std::function<void(const JournalWriterReport&)>;

  JournalWriter(JournalWriterOptions options, Report report);
  // Writes what is queued, then stops.
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  static constexpr std::size_t kHandOverRows = 64;

  // An observation or link event as published (seq stamped), kept on the
  // core's side until the next hand_over() (a link event is handed over at
  // once). Never blocks for longer than a queue push.
  void write(vigil::v1::BusMessage m);
  void write(ObservationRow row);
  // A reading: its columns (observation_columns(o, drill)) and its names,
  // interned, gathered where the writer's queue takes them from.
  void write(const core::Observation& o, bool drill);
  // What the core gathered goes to the writer's queue; readings beyond the
  // queue's bound are dropped and counted there.
  void hand_over();
  // Deletes rows older than `before` from every table but the bed states;
  // a signed record's rows only once their own retention has ended at `now`.
  void prune(core::TimePoint before, core::TimePoint now);
  // Readings dropped at the queue's bound since the start, as of now.
  std::uint64_t shed() const { return shed_.load(std::memory_order_relaxed); }
  // Another connection committed to the journal: fsync the log within a flush interval.
  void committed() { unsynced_.store(true, std::memory_order_release); }
  // An empty file for IntentLog::rotate() to put in the intent log's place,
  // made on this thread ahead of the rotation; -1 when none is ready (the
  // log is then rotated at a later chance). Until close_rotated(), no other
  // is made: one made while the core renames the one it took would be the
  // same file as the new log.
  int take_next_intent_file();
  // The intent log's old file after IntentLog::rotate() (-1 when the
  // rotation failed): closed on this thread (which frees its blocks, a wait
  // for the disk the core must not have), and the folder fsync'd with the
  // logs, so the new file's name survives a power cut. The next file is
  // made at this thread's next wake.
  void close_rotated(int fd);

  // One of the core's durable writes (an alarm transition or context change
  // with the bed's state, a command, a sequence reservation), committed on
  // this thread in the order handed over; one that fails is tried again at
  // each wake until it goes in. `now`: commit it without waiting bed_delay.
  // Returns its ticket (1, 2, ...).
  std::uint64_t write_core(CoreWrite w, bool now);
  // Commits what the core handed over, its writes and the readings queued,
  // at once rather than after bed_delay or the flush interval (a query
  // waits for it).
  void commit_now();
  // Waits until the write with this ticket is committed (true), or was tried
  // and failed (false; it is tried again later), at most `timeout`.
  bool wait_bed(std::uint64_t ticket, std::chrono::milliseconds timeout);
  std::uint64_t beds_handed() const { return beds_handed_; }
  // How many of them are in SQLite (or dropped as refused by SQLite as they
  // are, with an error line): all of them when equal to beds_handed().
  std::uint64_t beds_committed();
  // How many of them were committed or tried and failed.
  std::uint64_t beds_tried();
  // Why the last try of a core write failed ("" since one succeeded).
  std::string bed_problem();
  // Readings and link events handed over so far (those dropped at the
  // queue's bound not counted), and how many of them were committed or
  // tried and failed: all of them when equal.
  std::uint64_t readings_handed();
  std::uint64_t readings_tried();
  // Writes what is queued and stops the thread; then nothing more is written.
  void stop();

 private:
  // A reading or a link event as handed over. Trivially copyable: the
  // gathered ones go into the queue as one copy of bytes, and neither thread
  // destroys anything of a reading's. A message (a link event) waits in its
  // buffer's `messages`.
  struct Item {
    InternedRow row;  // row.bed null: a message, messages[message]
    std::size_t message = 0;
  };
  static_assert(std::is_trivially_copyable_v<Item>);
  struct Buffer {
    std::vector<Item> items;
    std::vector<vigil::v1::BusMessage> messages;
  };
  void gather(vigil::v1::BusMessage m);
  // Appends `from`'s items to `to` (the readings beyond `max_readings` shed), and returns how many were shed.
  static std::size_t append(Buffer& to, Buffer& from, std::size_t max_readings);
  void run();
  bool take(Buffer& batch, std::chrono::steady_clock::time_point& batch_since, std::vector<CoreWrite>& beds,
            std::optional<std::int64_t>& prune_before, std::int64_t& prune_now, bool pruning);
  // The bed writes taken were committed (or tried, and failed).
  void beds_done(std::size_t committed, std::size_t tried, const std::string& problem);
  std::string sync_log(bool folder_too);  // a problem, or ""
  void make_next_intent_file();

  JournalWriterOptions options_;
  Report report_;
  std::mutex mutex_;
  std::condition_variable wake_;
  // Two buffers take turns: the core fills this one while the writer
  // writes the other, and each keeps its capacity, so a reading costs the
  // core no allocation of the queue's own.
  Buffer queue_;
  // When the first item of queue_ was handed over: what a batch's oldest row
  // waited is timed from it. One clock read a batch; a time in every item,
  // read when the core gathered it, cost a clock read every device read
  // (2 % of Masimo's path) for the one the writer reports.
  std::chrono::steady_clock::time_point queue_since_;
  std::optional<std::int64_t> prune_before_us_;
  std::int64_t prune_now_us_ = 0;
  std::uint64_t dropped_ = 0;
  bool stopping_ = false;
  // The core's writes waiting for this thread, since when, and whether they
  // and the queued readings are due now.
  std::vector<CoreWrite> beds_;
  std::chrono::steady_clock::time_point beds_since_;
  bool commit_now_ = false;
  std::uint64_t readings_taken_ = 0;  // by this thread from queue_, since the start
  std::uint64_t readings_tried_ = 0;
  std::uint64_t beds_committed_ = 0;
  std::uint64_t beds_tried_ = 0;
  std::string bed_problem_;
  std::condition_variable beds_progress_;
  std::uint64_t beds_handed_ = 0;  // the core's
  std::atomic<bool> unsynced_{false};
  std::vector<int> rotated_;         // old intent log files to close
  int next_intent_ = -1;             // the intent log's next file, ready for the core
  bool rotating_ = false;            // the core took it and has not called close_rotated() yet
  std::string next_intent_problem_;  // this thread's: why the last one could not be made
  std::atomic<std::uint64_t> shed_{0};
  // The core thread's own: gathered since the last hand_over(); the names
  // of every reading handed over (the writer thread reads only the strings
  // its rows point to, never the set); the last bed and device named.
  Buffer gathered_;
  RowNames names_;
  const std::string* last_bed_ = nullptr;
  const std::string* last_device_ = nullptr;
  std::thread thread_;
};

}  // namespace vigil::journal
