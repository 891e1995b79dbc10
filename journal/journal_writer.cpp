#include "journal/journal_writer.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <memory>
#include <numeric>
#include <span>
#include <string_view>

#include "journal/bus_messages.hpp"
#include "journal/intent_log.hpp"
#include "journal/journal_schema.hpp"

namespace vigil::journal {
namespace v1 = vigil::v1;
namespace {

// A prune deletes at most this many rows of a table per transaction, so a
// batch of readings never waits long behind it.
constexpr int kPruneChunk = 2000;
// Readings are committed at most this many at a time, and at most this
// many beds' at a time. The core's own commits (this run's record, a
// record's signature, an alarm transition the intent log could not take)
// wait for the write lock while a transaction of this thread holds it, so
// none may hold it for long: 512 rows take about what 256 did before they
// went 32 to a statement (well under a millisecond). Each bed's rows change
// its own leaf of each of the readings' two indexes: 64 beds keep a 128-bed
// batch's changed pages (about two a bed) within the writer's 1 MB page
// cache, which SQLite would otherwise spill to the log and write again.
constexpr std::size_t kCommitRows = 512;
constexpr std::size_t kCommitBeds = 64;

std::int64_t micros(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

std::int64_t micros(const google::protobuf::Timestamp& ts) {
  return micros(from_proto(ts));
}

std::int64_t quality_bits(const v1::Quality& q) {
  return (q.invalid() ? 1 : 0) | (q.artifact() ? 2 : 0) | (q.sensor_off() ? 4 : 0) |
         (q.low_perfusion() ? 8 : 0) | (q.questionable() ? 16 : 0);
}

// The bed of a message the batch writes ("" for one it does not).
std::string_view message_bed(const v1::BusMessage& m) {
  if (m.has_link()) return m.link().bed();
  return {};
}

// Where the transaction of a batch's rows (in insert_order, sorted by bed)
// that starts at `from` ends: after kCommitRows rows or kCommitBeds beds.
// `bed`: the bed of the batch's item at an index.
template <class Bed>
std::size_t readings_transaction_end(std::size_t size, const std::vector<std::size_t>& order,
                                     std::size_t from, const Bed& bed) {
  const auto last = std::min(size, from + kCommitRows);
  std::size_t beds = 1;
  for (auto i = from + 1; i < last; ++i) {
    if (bed(order[i]) != bed(order[i - 1]) && ++beds > kCommitBeds) return i;
  }
  return last;
}

// A bed's readings are inserted this many to a statement when that many
// come one after the other. Each run of a statement opens and closes a
// cursor on the readings' table and on each of its two indexes, searches
// each index from its root, and frees the buffers it built the rows'
// records in: one reading to a statement, that cost as much as the
// reading's own inserts. Within one statement a bed's next row goes beside
// the one before, which SQLite finds without a search. Rows of many beds, a
// few each (vigild's 128 beds, about five a bed a batch), go one to a
// statement as before: many to a statement, they cost vigild's writer
// about 10 % more CPU at 128 beds (docs/journal.md, "The writer's cost per
// reading").
constexpr std::size_t kRowsPerInsert = 32;
constexpr int kObservationColumns = 9;

std::string observation_insert_sql(std::size_t rows) {
  std::string sql =
      "INSERT INTO observations (bed, seq, device, mdc_code, value, quality, device_time_us, received_us, "
      "drill) VALUES ";
  for (std::size_t r = 0; r < rows; ++r) sql += r == 0 ? "(?,?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?,?)";
  return sql;
}

// Readings on their way into the observations table, in the order added:
// kRowsPerInsert of one bed to a statement, others one to a statement.
class ObservationInserts {
 public:
  explicit ObservationInserts(sqlite::Database& db)
      : many_{db.prepare(observation_insert_sql(kRowsPerInsert))},
        one_{db.prepare(observation_insert_sql(1))} {
    pending_.reserve(kRowsPerInsert);
  }
  // The row must stay as it is until flush(): SQLite does not copy its
  // strings. Its names are interned: one bed, one pointer.
  void add(const InternedRow& row) {
    if (!pending_.empty() && pending_.front()->bed != row.bed) flush();
    pending_.push_back(&row);
    if (pending_.size() == kRowsPerInsert) flush();
  }
  // Inserts every row added and not yet inserted.
  void flush() {
    if (pending_.size() == kRowsPerInsert) {
      for (std::size_t r = 0; r < pending_.size(); ++r)
        bind(many_, static_cast<int>(r) * kObservationColumns, *pending_[r]);
      pending_.clear();
      many_.run();
      return;
    }
    for (const auto* row : pending_) {
      bind(one_, 0, *row);
      one_.run();
    }
    pending_.clear();
  }

 private:
  static void bind(sqlite::Statement& s, int before, const InternedRow& row) {
    const auto& o = row.columns;
    s.bind_unchanged(before + 1, *row.bed)
        .bind(before + 2, static_cast<std::int64_t>(o.seq))
        .bind_unchanged(before + 3, *row.device)
        .bind(before + 4, std::int64_t{o.mdc_code})
        .bind(before + 5, o.value)
        .bind(before + 6, o.quality)
        .bind(before + 7, o.device_time_us)
        .bind(before + 8, o.received_us)
        .bind(before + 9, std::int64_t{o.drill});
  }
  sqlite::Statement many_, one_;
  std::vector<const InternedRow*> pending_;
};

// Prepared once per connection.
struct BatchStatements {
  explicit BatchStatements(sqlite::Database& db)
      : observations{db},
        link{db.prepare("INSERT INTO link_events (bed, seq, time_us, device, state, reason, event) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")} {}
  ObservationInserts observations;
  sqlite::Statement link;
};

// A message of the batch (readings come as rows: JournalWriter::write()
// makes one of a message's observation).
void insert(BatchStatements& st, const v1::BusMessage& m, std::string& buffer) {
  // After the readings before it, in their order.
  st.observations.flush();
  if (m.has_link()) {
    const auto& l = m.link();
    m.SerializeToString(&buffer);
    st.link.bind(1, l.bed())
        .bind(2, static_cast<std::int64_t>(l.seq()))
        .bind(3, micros(l.time()))
        .bind(4, l.device())
        .bind(5, v1::LinkState_Name(l.state()))
        .bind(6, l.reason())
        .bind_blob(7, buffer);
    st.link.run();
  }
}

// Deletes one chunk of rows older than `before` from each table; returns how many.
std::uint64_t prune_chunk(sqlite::Database& db, std::int64_t before, std::int64_t now) {
  struct Table {
    const char* name;
    const char* time;
  };
  // Rows are appended in time order, so the oldest are the lowest ids: look
  // only at the first chunk by id, never scan a whole table.
  static constexpr Table kTables[] = {{"observations", "received_us"},
                                      {"alarm_transitions", "time_us"},
                                      {"context_events", "time_us"},
                                      {"link_events", "time_us"},
                                      {"commands", "time_us"}};
  std::uint64_t n = 0;
  sqlite::Transaction t{db};
  for (const auto& table : kTables) {
    auto s = db.prepare(std::string{"DELETE FROM "} + table.name +
                        " WHERE id IN (SELECT id FROM (SELECT id, " + table.time + " AS t FROM " +
                        table.name + " ORDER BY id LIMIT " + std::to_string(kPruneChunk) + ") WHERE t < ?1)");
    s.bind(1, before).run();
    n += static_cast<std::uint64_t>(db.scalar("SELECT changes()"));
  }
  // A signed record's session rows, signatures and amendments go only when
  // its own retention (record_retention_years) has ended; few rows, no chunks.
  auto s = db.prepare(
      "DELETE FROM sessions WHERE ended_us IS NOT NULL AND ended_us < ?1 "
      "AND (keep_until_us IS NULL OR keep_until_us < ?2)");
  s.bind(1, before).bind(2, now).run();
  n += static_cast<std::uint64_t>(db.scalar("SELECT changes()"));
  for (const char* table : {"record_signatures", "record_amendments"}) {
    auto d = db.prepare(std::string{"DELETE FROM "} + table + " WHERE keep_until_us < ?1");
    d.bind(1, now).run();
    n += static_cast<std::uint64_t>(db.scalar("SELECT changes()"));
  }
  t.commit();
  return n;
}

// Commits the bed writes, all in one transaction, and removes them. If
// SQLite refuses one of them as it is (refused(): it would be refused at
// every try, and hold back every write behind it), each goes on its own and
// a refused one is dropped with an error line. Throws when SQLite cannot be
// written at all, leaving in `beds` what is not yet committed.
void commit_beds(sqlite::Database& db, CoreWriteStatements& st, std::vector<CoreWrite>& beds) {
  try {
    sqlite::Transaction t{db};
    for (const auto& w : beds) st.insert(w);
    t.commit();
    beds.clear();
    return;
  } catch (const sqlite::Error& e) {
    if (!e.refused()) throw;
  }
  while (!beds.empty()) {
    const auto& w = beds.front();
    sqlite::Transaction t{db};
    try {
      st.insert(w);
      t.commit();
    } catch (const sqlite::Error& e) {
      if (!e.refused()) throw;
      spdlog::error("journal {}: {} cannot be written and is left out of the journal (it was published): {}",
                    db.path(), describe(w), e.what());
    }
    beds.erase(beds.begin());
  }
}

}  // namespace

ObservationRow observation_row(const v1::Observation& o) {
  return {.bed = o.bed(),
          .device = o.device(),
          .columns = {
              .seq = o.seq(),
              .value = o.value(),
              .quality = quality_bits(o.quality()),
              .device_time_us = o.has_device_time() ? std::optional{micros(o.device_time())} : std::nullopt,
              .received_us = micros(o.received()),
              .mdc_code = o.mdc_code(),
              .drill = o.drill()}};
}

ObservationRow observation_row(const core::Observation& o, bool drill) {
  return {.bed = o.bed, .device = o.device, .columns = observation_columns(o, drill)};
}

ObservationColumns observation_columns(const core::Observation& o, bool drill) {
  // Times as a reader of the message gets them back: to the microsecond.
  const auto on_wire = [](core::TimePoint t) { return micros(wire::from_wire(wire::wire_time(t))); };
  return {
      .seq = o.seq,
      .value = wire::value_on_wire(o.reading),
      .quality = wire::quality_on_wire(o.reading).bits,
      .device_time_us = o.reading.device_time ? std::optional{on_wire(*o.reading.device_time)} : std::nullopt,
      .received_us = on_wire(o.received),
      .mdc_code = core::code(o.reading.metric),
      .drill = drill};
}

const std::string* RowNames::intern(std::string_view name) {
  auto it = names_.find(name);
  if (it == names_.end()) it = names_.emplace(name).first;
  return &*it;
}

JournalWriter::JournalWriter(JournalWriterOptions options, Report report)
    : options_{std::move(options)}, report_{std::move(report)}, thread_{[this] { run(); }} {}

JournalWriter::~JournalWriter() {
  stop();
}

void JournalWriter::stop() {
  if (!thread_.joinable()) return;
  hand_over();
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  // Rotated after the thread's last wake.
  for (const int fd : rotated_) ::close(fd);
  rotated_.clear();
  // Not left beside the journal (a start removes it anyway).
  if (next_intent_ >= 0) {
    ::close(std::exchange(next_intent_, -1));
    ::unlink(IntentLog::next_path_for(IntentLog::path_for(options_.path)).c_str());
  }
}

std::uint64_t JournalWriter::write_core(CoreWrite w, bool now) {
  bool wake = now;
  {
    std::lock_guard lock{mutex_};
    // The first one waiting sets when the writer wakes for it.
    if (beds_.empty()) {
      beds_since_ = std::chrono::steady_clock::now();
      wake = true;
    }
    beds_.push_back(std::move(w));
    commit_now_ = commit_now_ || now;
  }
  if (wake) wake_.notify_one();
  return ++beds_handed_;
}

bool JournalWriter::wait_bed(std::uint64_t ticket, std::chrono::milliseconds timeout) {
  std::unique_lock lock{mutex_};
  beds_progress_.wait_for(lock, timeout, [&] { return beds_tried_ >= ticket || !thread_.joinable(); });
  return beds_committed_ >= ticket;
}

std::uint64_t JournalWriter::beds_committed() {
  std::lock_guard lock{mutex_};
  return beds_committed_;
}

std::uint64_t JournalWriter::beds_tried() {
  std::lock_guard lock{mutex_};
  return beds_tried_;
}

void JournalWriter::commit_now() {
  {
    std::lock_guard lock{mutex_};
    if (beds_.empty() && queue_.items.empty()) return;
    commit_now_ = true;
  }
  wake_.notify_one();
}

std::string JournalWriter::bed_problem() {
  std::lock_guard lock{mutex_};
  return bed_problem_;
}

std::uint64_t JournalWriter::readings_handed() {
  std::lock_guard lock{mutex_};
  return readings_taken_ + queue_.items.size();
}

std::uint64_t JournalWriter::readings_tried() {
  std::lock_guard lock{mutex_};
  return readings_tried_;
}

void JournalWriter::beds_done(std::size_t committed, std::size_t tried, const std::string& problem) {
  {
    std::lock_guard lock{mutex_};
    beds_committed_ += committed;
    beds_tried_ = std::max(beds_tried_, beds_committed_ + tried);
    bed_problem_ = problem;
  }
  beds_progress_.notify_all();
}

void JournalWriter::gather(v1::BusMessage m) {
  gathered_.items.push_back({.row = {}, .message = gathered_.messages.size()});
  gathered_.messages.push_back(std::move(m));
}

void JournalWriter::write(v1::BusMessage m) {
  if (m.has_observation()) return write(observation_row(m.observation()));
  // Link events are few and say when a device was lost or came back: kept,
  // and handed over at once.
  const bool link = m.has_link();
  gather(std::move(m));
  if (link || gathered_.items.size() >= kHandOverRows) hand_over();
}

void JournalWriter::write(ObservationRow row) {
  gathered_.items.push_back(
      {.row = {names_.intern(row.bed, last_bed_), names_.intern(row.device, last_device_), row.columns}});
  if (gathered_.items.size() >= kHandOverRows) hand_over();
}

void JournalWriter::write(const core::Observation& o, bool drill) {
  gathered_.items.push_back({.row = {names_.intern(o.bed, last_bed_), names_.intern(o.device, last_device_),
                                     observation_columns(o, drill)}});
  if (gathered_.items.size() >= kHandOverRows) hand_over();
}

std::size_t JournalWriter::append(Buffer& to, Buffer& from, std::size_t max_readings) {
  const auto before = to.items.size();
  if (before + from.items.size() <= max_readings) {
    // All of them fit, as they do unless the disk falls behind a flood: one
    // copy of bytes, then each message's place in its new buffer.
    to.items.insert(to.items.end(), from.items.begin(), from.items.end());
    if (from.messages.empty()) return 0;
    for (auto i = before; i < to.items.size(); ++i)
      if (!to.items[i].row.bed) to.items[i].message += to.messages.size();
    std::move(from.messages.begin(), from.messages.end(), std::back_inserter(to.messages));
    return 0;
  }
  std::size_t shed = 0;
  for (auto item : from.items) {
    const bool reading = item.row.bed || !from.messages[item.message].has_link();
    if (reading && to.items.size() >= max_readings) {
      ++shed;
      continue;
    }
    if (!item.row.bed) {
      to.messages.push_back(std::move(from.messages[item.message]));
      item.message = to.messages.size() - 1;
    }
    to.items.push_back(item);
  }
  return shed;
}

void JournalWriter::hand_over() {
  if (gathered_.items.empty()) return;
  bool full = false;
  std::uint64_t shed = 0;
  {
    std::lock_guard lock{mutex_};
    const auto before = queue_.items.size();
    shed = append(queue_, gathered_, options_.max_queue);
    dropped_ += shed;
    if (before == 0 && !queue_.items.empty()) queue_since_ = std::chrono::steady_clock::now();
    full = before < options_.batch_rows && queue_.items.size() >= options_.batch_rows;
  }
  // One atomic add per hand-over, not one per reading shed.
  if (shed > 0) shed_.fetch_add(shed, std::memory_order_relaxed);
  gathered_.items.clear();
  gathered_.messages.clear();
  if (full) wake_.notify_one();
}

void JournalWriter::prune(core::TimePoint before, core::TimePoint now) {
  {
    std::lock_guard lock{mutex_};
    prune_before_us_ = micros(before);
    prune_now_us_ = micros(now);
  }
  wake_.notify_one();
}

bool JournalWriter::take(Buffer& batch, std::chrono::steady_clock::time_point& batch_since,
                         std::vector<CoreWrite>& beds, std::optional<std::int64_t>& prune_before,
                         std::int64_t& prune_now, bool pruning) {
  std::unique_lock lock{mutex_};
  // A prune in progress goes on at once, taking whatever readings arrived
  // meanwhile; otherwise readings gather for one flush interval, and bed
  // writes for bed_delay. Failed bed writes waiting to be tried again
  // (`beds` not empty) wait for the interval.
  const auto interval_end = std::chrono::steady_clock::now() + options_.flush_interval;
  while (!pruning && !stopping_ && !prune_before_us_ && queue_.items.size() < options_.batch_rows &&
         !commit_now_) {
    auto until = interval_end;
    if (!beds_.empty()) until = std::min(until, beds_since_ + options_.bed_delay);
    if (std::chrono::steady_clock::now() >= until) break;
    wake_.wait_until(lock, until);
  }
  std::swap(batch, queue_);
  batch_since = queue_since_;
  readings_taken_ += batch.items.size();
  std::move(beds_.begin(), beds_.end(), std::back_inserter(beds));
  beds_.clear();
  commit_now_ = false;
  if (prune_before_us_) {
    prune_before = prune_before_us_;
    prune_now = prune_now_us_;
  }
  prune_before_us_.reset();
  return !stopping_;
}

int JournalWriter::take_next_intent_file() {
  std::lock_guard lock{mutex_};
  if (next_intent_ < 0) return -1;
  rotating_ = true;
  return std::exchange(next_intent_, -1);
}

void JournalWriter::close_rotated(int fd) {
  {
    std::lock_guard lock{mutex_};
    if (fd >= 0) rotated_.push_back(fd);
    rotating_ = false;
  }
  committed();
}

void JournalWriter::make_next_intent_file() {
  if (!options_.intent_log) return;
  {
    std::lock_guard lock{mutex_};
    if (next_intent_ >= 0 || rotating_) return;
  }
  // Outside the lock: the core takes no file meanwhile (there is none), so
  // none can be renamed while this one is made.
  std::string problem;
  const int fd = open_next_intent_file(IntentLog::path_for(options_.path), problem);
  if (fd < 0) {
    // Said once while it lasts: the log is then not emptied, and past its
    // bound alarms are committed before they are published (docs/journal.md).
    if (problem != next_intent_problem_) spdlog::warn("journal {}: {}", options_.path, problem);
    next_intent_problem_ = problem;
    return;
  }
  if (!next_intent_problem_.empty())
    spdlog::info("journal {}: the intent log's next file is made again", options_.path);
  next_intent_problem_.clear();
  std::lock_guard lock{mutex_};
  next_intent_ = fd;
}

std::string JournalWriter::sync_log(bool folder_too) {
  // Every commit to the journal, this thread's and the core's, is a write to
  // SQLite's log without an fsync, and every record of the intent log a
  // write() of the core's; one fsync of each makes them all durable. The
  // folder's after a rotation of the intent log: its new file's name.
  auto folder = std::filesystem::path{options_.path}.parent_path().string();
  if (folder.empty()) folder = ".";
  const std::string logs[] = {options_.path + "-wal", IntentLog::path_for(options_.path), folder};
  for (const auto& log : std::span{logs}.first(folder_too ? 3 : 2)) {
    const int fd = ::open(log.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      // No log: a clean close checkpointed SQLite's into the file, and synced
      // that; or the intent log was never needed.
      if (errno == ENOENT) continue;
      return "opening " + log + " to sync it: " + std::strerror(errno);
    }
    const int rc = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (rc != 0) return "syncing " + log + ": " + std::strerror(error);
  }
  return "";
}

void JournalWriter::run() {
  std::unique_ptr<sqlite::Database> db;
  std::unique_ptr<BatchStatements> st;
  JournalWriterReport status;
  std::string buffer;
  // Not a std::optional: GCC 12 cannot see that it is set before use.
  bool pruning = false;
  std::int64_t prune_before = 0, prune_now = 0;
  // Rows this thread committed since the last fsync of the log.
  bool unsynced_rows = false;
  std::string sync_problem;  // until an fsync of the log works again
  auto last_sync = std::chrono::steady_clock::now();
  std::unique_ptr<CoreWriteStatements> bed_st;
  // The core's writes taken and not yet committed (a failure keeps them, in order).
  std::vector<CoreWrite> beds;
  std::string bed_problem;
  auto open = [&] {
    if (db) return;
    db = std::make_unique<sqlite::Database>(options_.path, sqlite::Database::Mode::read_write_create);
    // A 1 MB page cache, not SQLite's 2 MB: at 128 beds a batch touches
    // an estimated 260 pages (each bed's last leaf of the readings' two
    // indexes); pages beyond the cache are read back from the kernel's
    // page cache, which cost the writer about 0.05 % of a core more
    // (docs/journal.md, "Memory at 128 beds, third round").
    configure_journal_connection(
        *db,
        {.synchronous_full = false, .checkpoints = true, .max_pages = options_.max_pages, .cache_kib = 1024});
    st = std::make_unique<BatchStatements>(*db);
    bed_st = std::make_unique<CoreWriteStatements>(*db);
  };
  auto fail = [&](const std::string& problem) {
    db.reset();
    st.reset();
    bed_st.reset();
    status.ok = false;
    status.problem = problem;
  };
  bool running = true;
  make_next_intent_file();  // ready for the first rotation
  Buffer batch;
  std::chrono::steady_clock::time_point batch_since;  // when its first row was handed over
  std::vector<std::size_t> insert_order;              // of batch's items
  std::vector<int> rotated;                           // old intent log files, taken from the core
  bool folder_unsynced = false;  // the intent log was rotated since the last fsync of the folder
  while (running) {
    // Emptied, not freed: it goes back to the core at the next take(). What
    // a burst made it grow to beyond a few batches is given back once the
    // burst is over (a batch came in no larger than batch_rows): given back
    // after every batch while the burst lasted, the core grew it again page
    // by page each time, 2-4 % of a reading's cost on the core thread in a
    // flood (docs/architecture-notes.md). Both buffers are back within two
    // flush intervals of the burst's end.
    const bool burst_over = batch.items.size() <= options_.batch_rows;
    batch.items.clear();
    batch.messages.clear();
    if (burst_over && batch.items.capacity() > 4 * options_.batch_rows) batch.items.shrink_to_fit();
    std::optional<std::int64_t> requested;
    running = take(batch, batch_since, beds, requested, prune_now, pruning);
    if (requested) {
      pruning = true;
      prune_before = *requested;
    }
    status.batch_rows = 0;
    status.batch_time = {};
    status.oldest_wait = {};
    {
      std::lock_guard lock{mutex_};
      status.rows_dropped += dropped_;
      dropped_ = 0;
      rotated.swap(rotated_);
    }
    for (const int fd : rotated) ::close(fd);
    folder_unsynced = folder_unsynced || !rotated.empty();
    rotated.clear();
    make_next_intent_file();
    const auto start = std::chrono::steady_clock::now();
    // At most one fsync per flush interval, and one when stopping.
    const bool sync_due = !running || start - last_sync >= options_.flush_interval;
    const bool must_sync = sync_due && (unsynced_rows || unsynced_.load(std::memory_order_acquire));
    if (batch.items.empty() && beds.empty() && !pruning && !must_sync) continue;
    if (!beds.empty()) {
      // First, in one transaction: they are few, and the alarms among them
      // are what a restart restores.
      const auto taken = beds.size();
      try {
        open();
        commit_beds(*db, *bed_st, beds);
        unsynced_rows = true;
        bed_problem.clear();
        beds_done(taken, 0, "");
      } catch (const sqlite::Error& e) {
        bed_problem = "writing " + describe(beds.front()) + ": " + e.what() + journal_advice(e);
        fail(bed_problem);
        beds_done(taken - beds.size(), beds.size(), bed_problem);
        unsynced_rows = unsynced_rows || taken > beds.size();
      }
    }
    // Inserted bed by bed, each bed's rows in the order they came. Each
    // transaction writes every page it changed to the write-ahead log, and
    // a bed's rows go to its own last leaf of each of the readings' two
    // indexes: in the order they came, every transaction of a 128-bed batch
    // touched nearly every bed's leaves, and wrote them again; bed by bed,
    // a batch writes each about once (docs/journal.md, "The writer's page
    // writes at 128 beds").
    // A bed's rows stay in their order, and the journal holds a prefix of
    // each bed's stream after a crash between two transactions.
    const auto& items = batch.items;
    const auto bed = [&](std::size_t i) -> std::string_view {
      const auto& row = items[i].row;
      return row.bed ? std::string_view{*row.bed} : message_bed(batch.messages[items[i].message]);
    };
    insert_order.resize(items.size());
    std::iota(insert_order.begin(), insert_order.end(), std::size_t{0});
    std::stable_sort(insert_order.begin(), insert_order.end(),
                     [&](std::size_t a, std::size_t b) { return bed(a) < bed(b); });
    std::size_t written = 0;
    try {
      if (!items.empty() || pruning) open();
      while (written < items.size()) {
        const auto end = readings_transaction_end(items.size(), insert_order, written, bed);
        sqlite::Transaction t{*db};
        for (auto i = written; i < end; ++i) {
          const auto& item = items[insert_order[i]];
          if (item.row.bed)
            st->observations.add(item.row);
          else
            insert(*st, batch.messages[item.message], buffer);
        }
        st->observations.flush();
        t.commit();
        status.rows_written += end - written;
        written = end;
        unsynced_rows = true;
      }
      if (!items.empty()) {
        const auto end = std::chrono::steady_clock::now();
        status.batch_rows = items.size();
        status.batch_time = std::chrono::duration_cast<std::chrono::microseconds>(end - start);
        status.oldest_wait = std::chrono::duration_cast<std::chrono::microseconds>(end - batch_since);
      }
      if (pruning) {
        const auto n = prune_chunk(*db, prune_before, prune_now);
        status.rows_pruned += n;
        pruning = n > 0;
      }
      status.ok = true;
      status.problem.clear();
    } catch (const sqlite::Error& e) {
      // A failed batch is dropped, not retried: readings behind a full disk
      // would pile up. The daemon raises the journal alarm from this report.
      status.rows_dropped += items.size() - written;
      pruning = false;
      fail(std::string{"writing readings: "} + e.what() + journal_advice(e));
    }
    if (!items.empty()) {
      std::lock_guard lock{mutex_};
      readings_tried_ += items.size();
    }
    if (sync_due) {
      // Taken before the fsync: a commit that comes meanwhile waits for the next one.
      const bool core_commits = unsynced_.exchange(false, std::memory_order_acq_rel);
      if (unsynced_rows || core_commits) {
        last_sync = std::chrono::steady_clock::now();
        sync_problem = sync_log(folder_unsynced);
        if (sync_problem.empty()) ++status.log_syncs;
        folder_unsynced = folder_unsynced && !sync_problem.empty();
        // Not durable yet: again at the next interval.
        unsynced_rows = !sync_problem.empty();
      }
    }
    if (!bed_problem.empty()) {
      status.ok = false;
      status.problem = bed_problem;
    }
    if (!sync_problem.empty()) {
      status.ok = false;
      status.problem = sync_problem;
    }
    report_(status);
  }
}

}  // namespace vigil::journal
