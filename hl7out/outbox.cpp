#include "hl7out/outbox.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

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

constexpr const char* kColumns = "id, destination, control_id, message, ae_count, state, reason, queued_ms";
}  // namespace

core::Result<std::unique_ptr<Outbox>> Outbox::open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return core::Error{"cannot open the HL7 outbox " + path + ": " + why};
  }
  std::unique_ptr<Outbox> box{new Outbox{db}};
  sqlite3_busy_timeout(db, 2000);
  // WAL with synchronous NORMAL: a committed message survives a kill of the
  // process (only a power cut may lose the last commits).
  if (!box->exec("PRAGMA journal_mode=WAL") || !box->exec("PRAGMA synchronous=NORMAL") ||
      !box->exec("CREATE TABLE IF NOT EXISTS hl7_outbox ("
                 " id INTEGER PRIMARY KEY AUTOINCREMENT, destination TEXT NOT NULL, control_id TEXT NOT NULL,"
                 " message TEXT NOT NULL, queued_ms INTEGER NOT NULL, ae_count INTEGER NOT NULL DEFAULT 0,"
                 " state TEXT NOT NULL DEFAULT 'queued', reason TEXT NOT NULL DEFAULT '')") ||
      !box->exec("CREATE INDEX IF NOT EXISTS hl7_outbox_queue ON hl7_outbox (destination, state, id)"))
    return core::Error{"cannot set up the HL7 outbox " + path + ": " + sqlite3_errmsg(db)};
  // The highest id ever given, even if its row is gone: MSH-10 is never reused.
  Statement s{db, "SELECT seq FROM sqlite_sequence WHERE name = 'hl7_outbox'"};
  if (s && sqlite3_step(s.get()) == SQLITE_ROW) box->last_id_ = sqlite3_column_int64(s.get(), 0);
  return box;
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

bool Outbox::enqueue(const std::string& destination,
                     const std::function<std::string(const std::string&)>& build, core::TimePoint now) {
  const std::int64_t id = last_id_ + 1;
  const std::string control_id = "V" + std::to_string(id);
  Statement s{
      db_,
      "INSERT INTO hl7_outbox (id, destination, control_id, message, queued_ms) VALUES (?1, ?2, ?3, ?4, ?5)"};
  if (!s) return false;
  s.bind(1, id);
  s.bind(2, destination);
  s.bind(3, control_id);
  s.bind(4, build(control_id));
  s.bind(5, static_cast<std::int64_t>(
                std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()));
  if (sqlite3_step(s.get()) != SQLITE_DONE) {
    spdlog::error("hl7 outbox: cannot queue a message for {}: {}", destination, sqlite3_errmsg(db_));
    return false;
  }
  last_id_ = id;
  return true;
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

bool Outbox::delivered(std::int64_t id) {
  Statement s{db_, "DELETE FROM hl7_outbox WHERE id = ?1"};
  if (!s) return false;
  s.bind(1, id);
  return sqlite3_step(s.get()) == SQLITE_DONE;
}

bool Outbox::record_ae(std::int64_t id, unsigned ae_count, const std::string& reason) {
  Statement s{db_, "UPDATE hl7_outbox SET ae_count = ?2, reason = ?3 WHERE id = ?1"};
  if (!s) return false;
  s.bind(1, id);
  s.bind(2, static_cast<std::int64_t>(ae_count));
  s.bind(3, reason);
  return sqlite3_step(s.get()) == SQLITE_DONE;
}

bool Outbox::set_state(std::int64_t id, const char* state, const std::string& reason) {
  Statement s{db_, "UPDATE hl7_outbox SET state = ?2, reason = ?3 WHERE id = ?1"};
  if (!s) return false;
  s.bind(1, id);
  s.bind(2, std::string{state});
  s.bind(3, reason);
  return sqlite3_step(s.get()) == SQLITE_DONE;
}

bool Outbox::rejected(std::int64_t id, const std::string& reason) {
  return set_state(id, "rejected", reason);
}

bool Outbox::dead_letter(std::int64_t id, unsigned ae_count, const std::string& reason) {
  Statement s{db_, "UPDATE hl7_outbox SET state = 'dead', ae_count = ?2, reason = ?3 WHERE id = ?1"};
  if (!s) return false;
  s.bind(1, id);
  s.bind(2, static_cast<std::int64_t>(ae_count));
  s.bind(3, reason);
  return sqlite3_step(s.get()) == SQLITE_DONE;
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
      " FROM hl7_outbox WHERE (?1 = '' OR destination = ?1) AND state != 'queued' ORDER BY id";
  Statement s{db_, sql.c_str()};
  if (!s) return out;
  s.bind(1, destination);
  while (sqlite3_step(s.get()) == SQLITE_ROW) out.push_back(row(s));
  return out;
}

std::size_t Outbox::kept_count(const std::string& destination) {
  Statement s{db_, "SELECT count(*) FROM hl7_outbox WHERE destination = ?1 AND state != 'queued'"};
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
              "UPDATE hl7_outbox SET state = 'queued', ae_count = 0, reason = '' WHERE id = ?1 AND state != "
              "'queued'"};
  if (!s) return false;
  s.bind(1, id);
  return sqlite3_step(s.get()) == SQLITE_DONE && sqlite3_changes(db_) == 1;
}

}  // namespace vigil::hl7out
