#pragma once
// The outbox's writer thread: the core hands it each message it made (an
// id reserved, the text built) and never waits for the disk; the thread
// writes what is waiting in one transaction per batch on a connection of
// its own, then calls `written` (vigild posts a poke of the senders to its
// core), so a sender only ever sends what is on disk. Between batches it
// prunes messages done with before the cutoff the core gives, a small chunk
// per transaction, so a large prune never holds a batch back for long.
//
// A batch that cannot be written (a full disk) stays waiting, in order,
// and is tried again every `retry`; meanwhile problem() says why, readings
// beyond the queue's bound are shed and counted, alarms are kept
// (outbox_queue.hpp). Nothing is acknowledged as stored before its commit.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "hl7out/outbox.hpp"
#include "hl7out/outbox_queue.hpp"

namespace vigil::hl7out {

struct OutboxWriterOptions {
  std::size_t max_readings = 5000;  // PCD-01 messages waiting; beyond it they are shed
  std::size_t batch_rows = 256;     // rows per transaction
  std::size_t prune_rows = 500;     // rows deleted per pruning transaction
  std::chrono::milliseconds retry{1000};
};

class OutboxWriter {
 public:
  // `box` is the writer's own connection to the outbox file.
  OutboxWriter(std::unique_ptr<Outbox> box, OutboxWriterOptions options, std::function<void()> written);
  // Writes what is waiting (until a write fails), then stops.
  ~OutboxWriter();
  OutboxWriter(const OutboxWriter&) = delete;
  OutboxWriter& operator=(const OutboxWriter&) = delete;

  // False when the row is a reading shed at the bound. Never waits for the disk.
  bool submit(OutboxRow row);
  // Deletes, in chunks, messages done with before `before`; queued ones never.
  void prune(core::TimePoint before);
  // Waits until nothing handed over or asked for is waiting or under way
  // (written, pruned), or a write has failed.
  void sync();
  // Why the last write failed, while writes fail; empty when they work.
  std::string problem();
  std::uint64_t shed();
  // Messages for the destination handed over and not yet written.
  std::size_t waiting(const std::string& destination);
  std::uint64_t pruned();

 private:
  void run();
  bool write_batch(std::unique_lock<std::mutex>& lock);
  void prune_chunk(std::unique_lock<std::mutex>& lock);

  std::unique_ptr<Outbox> box_;
  OutboxWriterOptions options_;
  std::function<void()> written_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  OutboxQueue queue_;
  std::optional<core::TimePoint> prune_before_;
  std::string problem_;
  std::uint64_t pruned_ = 0;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vigil::hl7out
