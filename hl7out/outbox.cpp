#include "hl7out/outbox.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "core/bounded_file.hpp"

namespace vigil::hl7out {
namespace {
// A prepared statement finalized on every path.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Statement() { sqlite3_finalize(s_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  explicit operator bool() const { return s_ != nullptr; }
  sqlite3_stmt* get() const { return s_; }
  void bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); }
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
};

QueuedMessage row(const Statement& s) {
  QueuedMessage m;
  m.id = sqlite3_column_int64(s.get(), 0);
  m.destination = s.text(1);
  m.control_id = s.text(2);
  m.text = s.text(3);
  m.ae_count = static_cast<unsigned>(sqlite3_column_int(s.get(), 4));
  m.state = s.text(5);
  m.reason = s.text(6);
  m.queued = core::TimePoint{std::chrono::milliseconds{sqlite3_column_int64(s.get(), 7)}};
  return m;
}

std::int64_t ms(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

constexpr const char* kColumns = "id, destination, control_id, message, ae_count, state, reason, queued_ms";
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
      !box->exec("CREATE INDEX IF NOT EXISTS hl7_outbox_queue ON hl7_outbox (destination, state, id)") ||
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
bool Outbox::migrate() {
  Statement v{db_, "PRAGMA user_version"};
  if (!v || sqlite3_step(v.get()) != SQLITE_ROW) return false;
  if (sqlite3_column_int(v.get(), 0) >= 1) return true;
  if (!exec("BEGIN IMMEDIATE")) return false;
  if (exec("ALTER TABLE hl7_outbox ADD COLUMN done_ms INTEGER") &&
      exec("UPDATE hl7_outbox SET done_ms = queued_ms WHERE state != 'queued'") &&
      exec("CREATE INDEX hl7_outbox_done ON hl7_outbox (done_ms) WHERE state != 'queued'") &&
      exec("PRAGMA user_version = 1") && exec("COMMIT"))
    return true;
  exec("ROLLBACK");
  return false;
}

Outbox::~Outbox() {
  sqlite3_close(db_);
}

std::string Outbox::problem() const {
  return sqlite3_errmsg(db_);
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
    return false;
  };
  Statement s{
      db_,
      "INSERT INTO hl7_outbox (id, destination, control_id, message, queued_ms) VALUES (?1, ?2, ?3, ?4, ?5)"};
  if (!s || sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return failed();
  for (const auto& r : rows) {
    s.reset();
    s.bind(1, r.id);
    s.bind(2, r.destination);
    s.bind(3, control_id(r.id));
    s.bind(4, r.text);
    s.bind(5, ms(r.queued));
    if (sqlite3_step(s.get()) != SQLITE_DONE) return failed();
  }
  return sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK || failed();
}

bool Outbox::enqueue(const std::string& destination,
                     const std::function<std::string(const std::string&)>& build, core::TimePoint now) {
  const std::int64_t id = reserve_id();
  std::string why;
  if (insert({{id, destination, build(control_id(id)), now, false}}, &why)) return true;
  spdlog::error("hl7 outbox: cannot queue a message for {}: {}", destination, why);
  return false;
}

std::optional<QueuedMessage> Outbox::head(const std::string& destination) {
  const std::string sql = std::string{"SELECT "} + kColumns +
                          " FROM hl7_outbox WHERE destination = ?1 AND state = 'queued' ORDER BY id LIMIT 1";
  Statement s{db_, sql.c_str()};
  if (!s) return std::nullopt;
  s.bind(1, destination);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return std::nullopt;
  return row(s);
}

bool Outbox::done(std::int64_t id, const char* state, std::optional<unsigned> ae_count,
                  const std::string& reason) {
  Statement s{db_,
              "UPDATE hl7_outbox SET state = ?2, ae_count = coalesce(?3, ae_count), reason = ?4, done_ms = ?5"
              " WHERE id = ?1"};
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
  const std::string sql =
      std::string{"SELECT "} + kColumns +
      " FROM hl7_outbox WHERE (?1 = '' OR destination = ?1) AND state IN ('rejected', 'dead') ORDER BY id";
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
  const std::string sql = std::string{"SELECT "} + kColumns + " FROM hl7_outbox WHERE id = ?1";
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
  Statement s{db_,
              "DELETE FROM hl7_outbox WHERE id IN (SELECT id FROM hl7_outbox"
              " WHERE state != 'queued' AND done_ms < ?1 ORDER BY done_ms LIMIT ?2)"};
  if (!s) return std::nullopt;
  s.bind(1, ms(before));
  s.bind(2, static_cast<std::int64_t>(limit));
  if (sqlite3_step(s.get()) != SQLITE_DONE) return std::nullopt;
  return static_cast<std::size_t>(sqlite3_changes(db_));
}

}  // namespace vigil::hl7out
