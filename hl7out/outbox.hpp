#pragma once
// The durable queue of what is still to be delivered, per destination, in
// a SQLite file of its own (WAL): a message is on disk before it counts as
// sent, so neither a receiver that is down nor a kill -9 of vigild loses it
// or changes the order. Delivered messages are deleted; rejected (AR) and
// dead-lettered (max_ae AE replies) ones are kept and listed.
//
// The MSH-10 of a message is fixed when it is queued (V<row id>, from an
// AUTOINCREMENT key that never reuses a number), so a retry keeps it.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

struct sqlite3;

namespace vigil::hl7out {

struct QueuedMessage {
  std::int64_t id = 0;
  std::string destination;
  std::string control_id;
  std::string text;
  unsigned ae_count = 0;
  std::string state;   // queued, rejected, dead
  std::string reason;  // why rejected or dead
  core::TimePoint queued{};
};

class Outbox {
 public:
  static core::Result<std::unique_ptr<Outbox>> open(const std::string& path);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Queues the message `build(control_id)` makes; false (logged) when the
  // write failed.
  bool enqueue(const std::string& destination, const std::function<std::string(const std::string&)>& build,
               core::TimePoint now);
  // The oldest message still queued for the destination.
  std::optional<QueuedMessage> head(const std::string& destination);
  bool delivered(std::int64_t id);
  bool record_ae(std::int64_t id, unsigned ae_count, const std::string& reason);
  bool rejected(std::int64_t id, const std::string& reason);
  bool dead_letter(std::int64_t id, unsigned ae_count, const std::string& reason);
  std::size_t depth(const std::string& destination);
  // Rejected and dead, oldest first; an empty destination: every one.
  std::vector<QueuedMessage> kept(const std::string& destination);
  std::size_t kept_count(const std::string& destination);
  std::optional<QueuedMessage> find(std::int64_t id);
  // SQLite's message for the last failure.
  std::string problem() const;
  // A kept message back in the queue (its id, so its place, and its MSH-10
  // unchanged; its AE count reset). False when it is not kept.
  bool requeue(std::int64_t id);

 private:
  explicit Outbox(sqlite3* db) : db_{db} {}
  bool exec(const char* sql);
  bool set_state(std::int64_t id, const char* state, const std::string& reason);
  sqlite3* db_;
  std::int64_t last_id_ = 0;
};

}  // namespace vigil::hl7out
