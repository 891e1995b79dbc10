#pragma once
// The durable queue of what is still to be delivered, per destination, in
// a SQLite file of its own (WAL): a message is on disk before a sender can
// take it, so neither a receiver that is down nor a kill -9 of vigild loses
// it or changes the order. Delivered, rejected (AR) and dead-lettered
// (max_ae AE replies) messages stay as a record of what went where, with
// the time they were done, until prune() removes them after the retention;
// a queued message is never pruned. Rejected and dead ones are listed.
//
// The MSH-10 of a message is fixed when its id is reserved (V<row id>; the
// highest id ever given is kept by AUTOINCREMENT, so none is reused), so a
// retry keeps it. A message of one reading is stored as its parts
// (reading_parts.hpp: the value, and a reference to a send context stored
// once for the many readings that share it), an eighth of the bytes of its
// text, and its text built when read; a send context goes once no row is
// left that may refer to it. A reading for several destinations is stored
// once (hl7_readings) and each destination's copy is a row of its own in the
// queue (its id, state, AE count), counting how many copies are left, so
// each destination delivers, dead-letters and prunes its copy on its own. vigild writes rows from the outbox
// writer's thread (outbox_writer.hpp) on a connection of its own; the core's connection reads the queue and
// records the replies.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "hl7out/reading_parts.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace vigil::hl7out {

struct QueuedMessage {
  std::int64_t id = 0;
  std::string destination;
  std::string control_id;
  std::string text;
  unsigned ae_count = 0;
  std::string state;   // queued, delivered, rejected, dead
  std::string reason;  // why rejected or dead
  core::TimePoint queued{};
};

// A message as the writer stores it, its id reserved on the core.
struct OutboxRow {
  std::int64_t id = 0;
  std::string destination;
  std::string text;  // MSH-10 is "V<id>"
  core::TimePoint queued{};
  bool reading = false;  // PCD-01: may be shed at the writer's bound; an alarm never is
  // One reading for one or more destinations as its parts: a message per
  // copy, each with its own id; `id`, `destination` and `text` unused then.
  std::optional<SharedReading> parts;

  // How many messages the row holds for the destination.
  std::size_t messages_for(const std::string& name) const;
};

class Outbox {
 public:
  // `clock` stamps when a message was done with (delivered, rejected, dead).
  static core::Result<std::unique_ptr<Outbox>> open(const std::string& path, const core::Clock& clock);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  static std::string control_id(std::int64_t id) { return "V" + std::to_string(id); }
  // The next id (and so MSH-10); never given again, written or not.
  std::int64_t reserve_id() { return ++last_id_; }
  // The rows in one transaction, in order; false (nothing written, `why`
  // set) when it failed.
  bool insert(const std::vector<OutboxRow>& rows, std::string* why = nullptr);
  // Reserves an id and writes `build(control_id)` at once; false (logged) when the write failed.
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
  // This connection never checkpoints the write-ahead log (which may fsync):
  // for the core's, so the writer thread's commits do it instead.
  bool leave_checkpoints_to_others() { return exec("PRAGMA wal_autocheckpoint=0"); }
  // SQLite's message for the last failure.
  std::string problem() const;
  // A kept message back in the queue (its id, so its place, and its MSH-10
  // unchanged; its AE count reset). False when it is not kept.
  bool requeue(std::int64_t id);
  // Deletes at most `limit` messages done with (delivered, rejected, dead)
  // before `before`, and the send contexts no row is left to refer to; how
  // many messages, or nothing when the delete failed.
  std::optional<std::size_t> prune(core::TimePoint before, std::size_t limit);

 private:
  struct Prepared;
  Outbox(sqlite3* db, const core::Clock& clock);
  // `slot`, prepared from `sql` the first time; null when that failed.
  sqlite3_stmt* prepared(sqlite3_stmt*& slot, const char* sql);
  bool exec(const char* sql);
  bool migrate();
  bool done(std::int64_t id, const char* state, std::optional<unsigned> ae_count, const std::string& reason);
  // The id of the stored context, stored now if new; nothing when that failed.
  std::optional<std::int64_t> context_id(const SendContext& c, std::int64_t row_id);
  // Forgets `copies` pruned copies of each reading, and a reading with none left.
  bool release_readings(const std::map<std::int64_t, std::int64_t>& copies);
  sqlite3* db_;
  const core::Clock& clock_;
  std::int64_t last_id_ = 0;
  // The contexts this connection stored or found, by id; emptied when a
  // transaction that may have added one fails and when prune() deletes any.
  std::map<SendContext, std::int64_t> contexts_;
  std::string prune_failure_;  // why the last prune() failed (its rollback clears SQLite's message)
  std::unique_ptr<Prepared> prepared_;
};

}  // namespace vigil::hl7out
