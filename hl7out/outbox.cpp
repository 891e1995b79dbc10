#include "hl7out/outbox.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>

#include "core/bounded_file.hpp"

namespace vigil::hl7out {
namespace {
// A prepared statement finalized on every path, or one of the connection's
// kept ones (Outbox::Prepared) for one use: reset, with its bindings cleared,
// on every path, so it holds no read transaction open.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  explicit Statement(sqlite3_stmt* kept) : s_{kept}, kept_{true} {}
  ~Statement() {
    if (!kept_)
      sqlite3_finalize(s_);
    else if (s_)
      reset();
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  explicit operator bool() const { return s_ != nullptr; }
  sqlite3_stmt* get() const { return s_; }
  void bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void bind(int i, double v) { sqlite3_bind_double(s_, i, v); }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string{p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col))} : std::string{};
  }

 private:
  sqlite3_stmt* s_ = nullptr;
  bool kept_ = false;
};

core::TimePoint from_ms(std::int64_t ms) {
  return core::TimePoint{std::chrono::milliseconds{ms}};
}

// A row of kColumns: a reading's message is built from its parts.
QueuedMessage row(const Statement& s) {
  QueuedMessage m;
  m.id = sqlite3_column_int64(s.get(), 0);
  m.destination = s.text(1);
  m.control_id = s.text(2);
  m.text = s.text(3);
  m.ae_count = static_cast<unsigned>(sqlite3_column_int(s.get(), 4));
  m.state = s.text(5);
  m.reason = s.text(6);
  m.queued = from_ms(sqlite3_column_int64(s.get(), 7));
  // Neither a context nor a shared reading is pruned while a row may refer
  // to it (prune()), so the joins find them; were one missing, the row's
  // text stays empty.
  if (sqlite3_column_type(s.get(), 8) != SQLITE_NULL && sqlite3_column_type(s.get(), 9) != SQLITE_NULL &&
      sqlite3_column_type(s.get(), 12) != SQLITE_NULL) {
    ReadingParts p;
    p.value.mdc_code = static_cast<std::uint32_t>(sqlite3_column_int64(s.get(), 9));
    p.value.value = sqlite3_column_double(s.get(), 10);
    p.value.measured = from_ms(sqlite3_column_int64(s.get(), 11));
    p.context = {s.text(12), s.text(13), s.text(14),
                 s.text(15), s.text(16), sqlite3_column_int(s.get(), 17) != 0,
                 s.text(18), s.text(19)};
    m.text = reading_text(p, m.id, m.queued);
  }
  return m;
}

// Floored, as HL7's timestamps are (hl7_text.hpp), so a text built again from them is the same.
std::int64_t ms(core::TimePoint t) {
  return std::chrono::floor<std::chrono::milliseconds>(t).time_since_epoch().count();
}

// A reading's value is in its row (layout 2) or shared by its copies (layout 3).
constexpr const char* kColumns =
    "o.id, o.destination, o.control_id, o.message, o.ae_count, o.state, o.reason, o.queued_ms, o.context,"
    " coalesce(o.mdc_code, r.mdc_code), coalesce(o.value, r.value), coalesce(o.measured_ms, r.measured_ms),"
    " c.sending_application, c.sending_facility, c.receiving_application,"
    " c.receiving_facility, c.equipment_eui64, c.test, c.bed, c.patient_id"
    " FROM hl7_outbox o %s LEFT JOIN hl7_send_contexts c ON c.id = o.context"
    " LEFT JOIN hl7_readings r ON r.id = o.reading";

// SELECT kColumns, the outbox read through `index` if one is named, then `where`.
std::string select_rows(const std::string& where, const std::string& index = {}) {
  std::string sql = std::string{"SELECT "} + kColumns + " " + where;
  sql.replace(sql.find("%s"), 2, index.empty() ? std::string{} : "INDEXED BY " + index);
  return sql;
}
}  // namespace

core::Result<std::unique_ptr<Outbox>> Outbox::open(const std::string& path, const core::Clock& clock) {
  // SQLite's open of a FIFO would wait for a writer, hanging vigild's start.
  if (const auto why = core::special_file(path); !why.empty())
    return core::Error{"cannot open the HL7 outbox " + why};
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return core::Error{"cannot open the HL7 outbox " + path + ": " + why};
  }
  std::unique_ptr<Outbox> box{new Outbox{db, clock}};
  sqlite3_busy_timeout(db, 2000);
  // WAL with synchronous NORMAL: a committed message survives a kill of the
  // process (only a power cut may lose the last commits).
  if (!box->exec("PRAGMA journal_mode=WAL") || !box->exec("PRAGMA synchronous=NORMAL") ||
      !box->exec("CREATE TABLE IF NOT EXISTS hl7_outbox ("
                 " id INTEGER PRIMARY KEY AUTOINCREMENT, destination TEXT NOT NULL, control_id TEXT NOT NULL,"
                 " message TEXT NOT NULL, queued_ms INTEGER NOT NULL, ae_count INTEGER NOT NULL DEFAULT 0,"
                 " state TEXT NOT NULL DEFAULT 'queued', reason TEXT NOT NULL DEFAULT '')") ||
      !box->migrate())
    return core::Error{"cannot set up the HL7 outbox " + path + ": " + sqlite3_errmsg(db)};
  // The highest id ever given, even if its row is gone: MSH-10 is never reused.
  Statement s{db, "SELECT seq FROM sqlite_sequence WHERE name = 'hl7_outbox'"};
  if (s && sqlite3_step(s.get()) == SQLITE_ROW) box->last_id_ = sqlite3_column_int64(s.get(), 0);
  return box;
}

// Version 1: messages done with are kept (state delivered) with the time
// they were done, for pruning after the retention. An outbox of version 0
// deleted delivered rows; its rejected and dead ones count as done when
// they were queued.
// Version 2: a reading's message as its parts (reading_parts.hpp): the value
// in the row, the rest in a send context stored once; `message` empty. `last_id` is the highest row id that
// refers to the context, so prune() can tell one no row refers to any more from the lowest id left, without
// an index on the rows.
// Version 3: a reading for several destinations is stored once, in hl7_readings, with the number of its
// copies (rows of hl7_outbox whose `reading` is its id) not yet pruned; a copy's own mdc_code, value and
// measured_ms are NULL (a reading for one destination keeps them in its row, as in version 2: a shared row
// would cost more than it saves). A count, not the lowest id left as for contexts: a destination's copies
// may be kept (queued, dead) long after the others' are pruned, and the readings are many. The queue's
// index holds only queued rows, and one of its own the kept ones (rejected, dead): delivered rows, nearly
// all of the outbox, are in neither (a quarter of a delivered row's bytes was its entry in the queue's
// index).
bool Outbox::migrate() {
  int version = 0;
  {
    // Finalized before the steps: DROP INDEX fails while a statement is pending.
    Statement v{db_, "PRAGMA user_version"};
    if (!v || sqlite3_step(v.get()) != SQLITE_ROW) return false;
    version = sqlite3_column_int(v.get(), 0);
  }
  if (version >= 3) return true;
  if (!exec("BEGIN IMMEDIATE")) return false;
  if ((version >= 1 ||
       (exec("ALTER TABLE hl7_outbox ADD COLUMN done_ms INTEGER") &&
        exec("UPDATE hl7_outbox SET done_ms = queued_ms WHERE state != 'queued'") &&
        exec("CREATE INDEX hl7_outbox_done ON hl7_outbox (done_ms) WHERE state != 'queued'"))) &&
      (version >= 2 ||
       (exec("ALTER TABLE hl7_outbox ADD COLUMN context INTEGER") &&
        exec("ALTER TABLE hl7_outbox ADD COLUMN mdc_code INTEGER") &&
        exec("ALTER TABLE hl7_outbox ADD COLUMN value REAL") &&
        exec("ALTER TABLE hl7_outbox ADD COLUMN measured_ms INTEGER") &&
        exec("CREATE TABLE hl7_send_contexts (id INTEGER PRIMARY KEY, sending_application TEXT NOT NULL,"
             " sending_facility TEXT NOT NULL, receiving_application TEXT NOT NULL,"
             " receiving_facility TEXT NOT NULL, equipment_eui64 TEXT NOT NULL, test INTEGER NOT NULL,"
             " bed TEXT NOT NULL, patient_id TEXT NOT NULL, last_id INTEGER NOT NULL,"
             " UNIQUE (sending_application, sending_facility, receiving_application, receiving_facility,"
             " equipment_eui64, test, bed, patient_id))"))) &&
      exec("DROP INDEX IF EXISTS hl7_outbox_queue") &&
      exec("CREATE INDEX hl7_outbox_queue ON hl7_outbox (destination, id) WHERE state = 'queued'") &&
      exec("CREATE INDEX hl7_outbox_kept ON hl7_outbox (destination, id) WHERE state IN ('rejected', "
           "'dead')") &&
      exec("ALTER TABLE hl7_outbox ADD COLUMN reading INTEGER") &&
      exec(
          "CREATE TABLE hl7_readings (id INTEGER PRIMARY KEY, mdc_code INTEGER NOT NULL, value REAL NOT NULL,"
          " measured_ms INTEGER NOT NULL, copies INTEGER NOT NULL)") &&
      exec("PRAGMA user_version = 3") && exec("COMMIT"))
    return true;
  exec("ROLLBACK");
  return false;
}

// The two statements of every message delivered (the head's read, the
// record of its reply), prepared once: preparing the head's join of three
// tables cost more CPU than running it.
struct Outbox::Prepared {
  sqlite3_stmt* head = nullptr;
  sqlite3_stmt* done = nullptr;
  Prepared() = default;
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;
  ~Prepared() {
    sqlite3_finalize(head);
    sqlite3_finalize(done);
  }
};

Outbox::Outbox(sqlite3* db, const core::Clock& clock)
    : db_{db}, clock_{clock}, prepared_{std::make_unique<Prepared>()} {}

Outbox::~Outbox() {
  prepared_.reset();  // a connection with statements left is not closed
  sqlite3_close(db_);
}

sqlite3_stmt* Outbox::prepared(sqlite3_stmt*& slot, const char* sql) {
  if (!slot) sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot, nullptr);
  return slot;
}

std::string Outbox::problem() const {
  return prune_failure_.empty() ? sqlite3_errmsg(db_) : prune_failure_;
}

bool Outbox::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) == SQLITE_OK) return true;
  spdlog::error("hl7 outbox: {}: {}", sql, err ? err : "?");
  sqlite3_free(err);
  return false;
}

bool Outbox::insert(const std::vector<OutboxRow>& rows, std::string* why) {
  if (rows.empty()) return true;
  const auto failed = [&] {
    if (why) *why = sqlite3_errmsg(db_);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    contexts_.clear();  // those stored in this transaction are gone
    return false;
  };
  Statement s{
      db_,
      "INSERT INTO hl7_outbox (id, destination, control_id, message, queued_ms, context, reading, mdc_code,"
      " value, measured_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"};
  Statement shared{db_,
                   "INSERT INTO hl7_readings (mdc_code, value, measured_ms, copies) VALUES (?1, ?2, ?3, ?4)"};
  Statement last{db_, "UPDATE hl7_send_contexts SET last_id = max(last_id, ?2) WHERE id = ?1"};
  if (!s || !shared || !last || sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return failed();
  std::map<std::int64_t, std::int64_t> last_ids;  // per context used: its highest row id in this batch
  // One row of the queue: a message's text, or a reading's copy with its
  // value in the row (`value`, its only copy) or shared (`reading`).
  const auto queue = [&](std::int64_t id, const std::string& destination, const std::string& text,
                         core::TimePoint queued, std::optional<std::int64_t> context,
                         std::optional<std::int64_t> reading, const ReportedValue* value) {
    s.reset();
    s.bind(1, id);
    s.bind(2, destination);
    s.bind(3, control_id(id));  // stored for whoever reads the file (a test, a person with sqlite3)
    s.bind(4, text);
    s.bind(5, ms(queued));
    if (context) s.bind(6, *context);
    if (reading) s.bind(7, *reading);
    if (value) {
      s.bind(8, static_cast<std::int64_t>(value->mdc_code));
      s.bind(9, value->value);
      s.bind(10, ms(value->measured));
    }
    return sqlite3_step(s.get()) == SQLITE_DONE;
  };
  for (const auto& r : rows) {
    if (!r.parts) {
      if (!queue(r.id, r.destination, r.text, r.queued, std::nullopt, std::nullopt, nullptr)) return failed();
      continue;
    }
    const auto& value = r.parts->value;
    const auto& copies = r.parts->copies;
    std::optional<std::int64_t> reading;
    if (copies.size() > 1) {
      shared.reset();
      shared.bind(1, static_cast<std::int64_t>(value.mdc_code));
      shared.bind(2, value.value);
      shared.bind(3, ms(value.measured));
      shared.bind(4, static_cast<std::int64_t>(copies.size()));
      if (sqlite3_step(shared.get()) != SQLITE_DONE) return failed();
      reading = sqlite3_last_insert_rowid(db_);
    }
    for (const auto& copy : copies) {
      const auto context = context_id(copy.context, copy.id);
      if (!context) return failed();
      auto& last_id = last_ids[*context];
      last_id = std::max(last_id, copy.id);
      if (!queue(copy.id, copy.destination, {}, r.queued, context, reading, reading ? nullptr : &value))
        return failed();
    }
  }
  for (const auto& [context, id] : last_ids) {
    last.reset();
    last.bind(1, context);
    last.bind(2, id);
    if (sqlite3_step(last.get()) != SQLITE_DONE) return failed();
  }
  return sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK || failed();
}

std::optional<std::int64_t> Outbox::context_id(const SendContext& c, std::int64_t row_id) {
  if (const auto known = contexts_.find(c); known != contexts_.end()) return known->second;
  // Stored by an earlier run, or new.
  Statement s{
      db_,
      "INSERT INTO hl7_send_contexts (sending_application, sending_facility, receiving_application,"
      " receiving_facility, equipment_eui64, test, bed, patient_id, last_id)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO UPDATE SET last_id = max(last_id, ?9)"
      " RETURNING id"};
  if (!s) return std::nullopt;
  s.bind(1, c.sending_application);
  s.bind(2, c.sending_facility);
  s.bind(3, c.receiving_application);
  s.bind(4, c.receiving_facility);
  s.bind(5, c.equipment_eui64);
  s.bind(6, std::int64_t{c.test ? 1 : 0});
  s.bind(7, c.bed);
  s.bind(8, c.patient_id);
  s.bind(9, row_id);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return std::nullopt;
  const auto id = sqlite3_column_int64(s.get(), 0);
  if (sqlite3_step(s.get()) != SQLITE_DONE) return std::nullopt;
  // A handful per admission and destination; the bound only guards against a flood of distinct ones.
  if (contexts_.size() >= 1024) contexts_.clear();
  contexts_.emplace(c, id);
  return id;
}

bool Outbox::enqueue(const std::string& destination,
                     const std::function<std::string(const std::string&)>& build, core::TimePoint now) {
  const std::int64_t id = reserve_id();
  std::string why;
  if (insert({{id, destination, build(control_id(id)), now, false, std::nullopt}}, &why)) return true;
  spdlog::error("hl7 outbox: cannot queue a message for {}: {}", destination, why);
  return false;
}

std::optional<QueuedMessage> Outbox::head(const std::string& destination) {
  static const std::string sql =
      select_rows("WHERE o.destination = ?1 AND o.state = 'queued' ORDER BY o.id LIMIT 1");
  Statement s{prepared(prepared_->head, sql.c_str())};
  if (!s) return std::nullopt;
  s.bind(1, destination);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return std::nullopt;
  return row(s);
}

bool Outbox::done(std::int64_t id, const char* state, std::optional<unsigned> ae_count,
                  const std::string& reason) {
  Statement s{prepared(prepared_->done,
                       "UPDATE hl7_outbox SET state = ?2, ae_count = coalesce(?3, ae_count), reason = ?4,"
                       " done_ms = ?5 WHERE id = ?1")};
  if (!s) return false;
  s.bind(1, id);
  s.bind(2, std::string{state});
  if (ae_count) s.bind(3, static_cast<std::int64_t>(*ae_count));
  s.bind(4, reason);
  s.bind(5, ms(clock_.now()));
  return sqlite3_step(s.get()) == SQLITE_DONE;
}

bool Outbox::delivered(std::int64_t id) {
  return done(id, "delivered", std::nullopt, "");
}

bool Outbox::record_ae(std::int64_t id, unsigned ae_count, const std::string& reason) {
  Statement s{db_, "UPDATE hl7_outbox SET ae_count = ?2, reason = ?3 WHERE id = ?1"};
  if (!s) return false;
  s.bind(1, id);
  s.bind(2, static_cast<std::int64_t>(ae_count));
  s.bind(3, reason);
  return sqlite3_step(s.get()) == SQLITE_DONE;
}

bool Outbox::rejected(std::int64_t id, const std::string& reason) {
  return done(id, "rejected", std::nullopt, reason);
}

bool Outbox::dead_letter(std::int64_t id, unsigned ae_count, const std::string& reason) {
  return done(id, "dead", ae_count, reason);
}

std::size_t Outbox::depth(const std::string& destination) {
  Statement s{db_, "SELECT count(*) FROM hl7_outbox WHERE destination = ?1 AND state = 'queued'"};
  if (!s) return 0;
  s.bind(1, destination);
  return sqlite3_step(s.get()) == SQLITE_ROW ? static_cast<std::size_t>(sqlite3_column_int64(s.get(), 0)) : 0;
}

std::vector<QueuedMessage> Outbox::kept(const std::string& destination) {
  std::vector<QueuedMessage> out;
  // The planner knows no sizes and would rather scan the whole outbox in id
  // order than sort the few kept rows its index holds.
  const std::string sql =
      select_rows("WHERE (?1 = '' OR o.destination = ?1) AND o.state IN ('rejected', 'dead') ORDER BY o.id",
                  "hl7_outbox_kept");
  Statement s{db_, sql.c_str()};
  if (!s) return out;
  s.bind(1, destination);
  while (sqlite3_step(s.get()) == SQLITE_ROW) out.push_back(row(s));
  return out;
}

std::size_t Outbox::kept_count(const std::string& destination) {
  Statement s{db_,
              "SELECT count(*) FROM hl7_outbox WHERE destination = ?1 AND state IN ('rejected', 'dead')"};
  if (!s) return 0;
  s.bind(1, destination);
  return sqlite3_step(s.get()) == SQLITE_ROW ? static_cast<std::size_t>(sqlite3_column_int64(s.get(), 0)) : 0;
}

std::optional<QueuedMessage> Outbox::find(std::int64_t id) {
  const std::string sql = select_rows("WHERE o.id = ?1");
  Statement s{db_, sql.c_str()};
  if (!s) return std::nullopt;
  s.bind(1, id);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return std::nullopt;
  return row(s);
}

bool Outbox::requeue(std::int64_t id) {
  Statement s{db_,
              "UPDATE hl7_outbox SET state = 'queued', ae_count = 0, reason = '', done_ms = NULL"
              " WHERE id = ?1 AND state IN ('rejected', 'dead')"};
  if (!s) return false;
  s.bind(1, id);
  return sqlite3_step(s.get()) == SQLITE_DONE && sqlite3_changes(db_) == 1;
}

std::optional<std::size_t> Outbox::prune(core::TimePoint before, std::size_t limit) {
  // One transaction: a reading's count of copies goes down with its copies.
  prune_failure_.clear();
  const auto failed = [&]() -> std::optional<std::size_t> {
    prune_failure_ = sqlite3_errmsg(db_);  // before the rollback resets it
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return std::nullopt;
  };
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return failed();
  Statement s{db_,
              "DELETE FROM hl7_outbox WHERE id IN (SELECT id FROM hl7_outbox"
              " WHERE state != 'queued' AND done_ms < ?1 ORDER BY done_ms LIMIT ?2) RETURNING reading"};
  if (!s) return failed();
  s.bind(1, ms(before));
  s.bind(2, static_cast<std::int64_t>(limit));
  std::size_t pruned = 0;
  std::map<std::int64_t, std::int64_t> copies;  // per shared reading: its copies pruned now
  int step = 0;
  while ((step = sqlite3_step(s.get())) == SQLITE_ROW) {
    ++pruned;
    if (sqlite3_column_type(s.get(), 0) != SQLITE_NULL) ++copies[sqlite3_column_int64(s.get(), 0)];
  }
  if (step != SQLITE_DONE || !release_readings(copies)) return failed();
  // Every row that refers to a context has an id up to its last_id, so one
  // whose last_id is below the lowest id left has none (rows are only added
  // above it: ids only grow).
  Statement unused{db_,
                   "DELETE FROM hl7_send_contexts WHERE last_id <"
                   " (SELECT coalesce(min(id), 9223372036854775807) FROM hl7_outbox)"};
  if (!unused || sqlite3_step(unused.get()) != SQLITE_DONE) return failed();
  const bool contexts_gone = sqlite3_changes(db_) > 0;
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return failed();
  if (contexts_gone) contexts_.clear();
  return pruned;
}

bool Outbox::release_readings(const std::map<std::int64_t, std::int64_t>& copies) {
  Statement fewer{db_, "UPDATE hl7_readings SET copies = copies - ?2 WHERE id = ?1 RETURNING copies"};
  Statement gone{db_, "DELETE FROM hl7_readings WHERE id = ?1"};
  if (!fewer || !gone) return false;
  for (const auto& [reading, n] : copies) {
    fewer.reset();
    fewer.bind(1, reading);
    fewer.bind(2, n);
    const int step = sqlite3_step(fewer.get());
    if (step == SQLITE_DONE) continue;  // not there: nothing to release
    if (step != SQLITE_ROW) return false;
    const auto left = sqlite3_column_int64(fewer.get(), 0);
    if (sqlite3_step(fewer.get()) != SQLITE_DONE) return false;
    if (left > 0) continue;
    gone.reset();
    gone.bind(1, reading);
    if (sqlite3_step(gone.get()) != SQLITE_DONE) return false;
  }
  return true;
}

std::size_t OutboxRow::messages_for(const std::string& name) const {
  if (!parts) return destination == name ? 1 : 0;
  return static_cast<std::size_t>(std::count_if(parts->copies.begin(), parts->copies.end(),
                                                [&](const ReadingCopy& c) { return c.destination == name; }));
}

}  // namespace vigil::hl7out
