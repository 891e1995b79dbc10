#include "journal/sqlite_database.hpp"

#include <sqlite3.h>

#include <cstring>
#include <utility>

#include "core/bounded_file.hpp"

namespace vigil::journal::sqlite {
namespace {

// SQLite's message, its generic text for the code when that says more, and
// the operating system's reason when there is one ("Is a directory").
std::string describe(sqlite3* db, int rc) {
  std::string m = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const std::string generic = sqlite3_errstr(rc);
  if (m != generic) m += " (" + generic + ")";
  const int os = db ? sqlite3_system_errno(db) : 0;
  const int primary = rc & 0xff;
  if (os != 0 && (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR || primary == SQLITE_READONLY ||
                  primary == SQLITE_FULL || primary == SQLITE_PERM))
    m += ": " + std::string{std::strerror(os)};
  return m;
}

}  // namespace

bool Error::disk_full() const {
  return code() == SQLITE_FULL;
}
bool Error::refused() const {
  return code() == SQLITE_CONSTRAINT || code() == SQLITE_MISMATCH || code() == SQLITE_TOOBIG ||
         code() == SQLITE_RANGE;
}
bool Error::corrupt() const {
  return code() == SQLITE_CORRUPT || code() == SQLITE_NOTADB;
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_{db} {
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &stmt_, nullptr);
  if (rc == SQLITE_ERROR) throw Error{rc, describe(db, rc) + " in: " + std::string{sql.substr(0, 80)}};
  if (rc != SQLITE_OK) throw Error{rc, describe(db, rc)};
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : db_{std::exchange(other.db_, nullptr)}, stmt_{std::exchange(other.stmt_, nullptr)} {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void Statement::check(int rc) const {
  if (rc != SQLITE_OK) throw Error{rc, describe(db_, rc)};
}

Statement& Statement::bind(int i, std::int64_t v) {
  check(sqlite3_bind_int64(stmt_, i, v));
  return *this;
}

Statement& Statement::bind(int i, double v) {
  check(sqlite3_bind_double(stmt_, i, v));
  return *this;
}

Statement& Statement::bind(int i, std::string_view text) {
  check(sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::bind(int i, std::optional<std::int64_t> v) {
  check(v ? sqlite3_bind_int64(stmt_, i, *v) : sqlite3_bind_null(stmt_, i));
  return *this;
}

Statement& Statement::bind_unchanged(int i, std::string_view text) {
  check(sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC));
  return *this;
}

Statement& Statement::bind_blob(int i, std::string_view bytes) {
  check(sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT));
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string message = describe(db_, rc);
  sqlite3_reset(stmt_);
  throw Error{rc, message};
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
std::int64_t Statement::integer(int col) const {
  return sqlite3_column_int64(stmt_, col);
}
double Statement::real(int col) const {
  return sqlite3_column_double(stmt_, col);
}

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string{reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))}
           : std::string{};
}

std::string Statement::blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  return p ? std::string{p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))} : std::string{};
}

Database::Database(const std::string& path, Mode mode) : path_{path} {
  // SQLite counts every allocation it makes under one process-wide mutex,
  // for sqlite3_memory_used() and sqlite3_status(), which vigil never asks:
  // a lock and an unlock around each of the few allocations of every insert
  // (about 6 % of the journal writer's time). Turned off before SQLite's
  // first use in the process; should something have used SQLite before,
  // SQLite refuses the change and keeps counting.
  static const bool counting_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  (void)counting_off;
  // SQLite's open of a FIFO would wait for a writer: vigil-ctl or vigild hung.
  if (const auto why = core::special_file(path); !why.empty()) throw Error{SQLITE_CANTOPEN, why};
  const int flags =
      mode == Mode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = describe(db_, rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw Error{rc, message};
  }
  sqlite3_extended_result_codes(db_, 1);
}

struct Database::TransactionStatements {
  explicit TransactionStatements(sqlite3* db)
      : begin{db, "BEGIN IMMEDIATE"}, commit{db, "COMMIT"}, rollback{db, "ROLLBACK"} {}
  Statement begin, commit, rollback;
};

Database::~Database() {
  transaction_.reset();
  sqlite3_close_v2(db_);
}

Database::TransactionStatements& Database::transaction_statements() {
  if (!transaction_) transaction_ = std::make_unique<TransactionStatements>(db_);
  return *transaction_;
}

void Database::exec(std::string_view sql) {
  const std::string s{sql};
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string m = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    if (m != sqlite3_errstr(rc)) m += " (" + std::string{sqlite3_errstr(rc)} + ")";
    throw Error{rc, m};
  }
}

std::int64_t Database::scalar(std::string_view sql) {
  Statement s{db_, sql};
  return s.step() ? s.integer(0) : 0;
}

std::string Database::scalar_text(std::string_view sql) {
  Statement s{db_, sql};
  return s.step() ? s.text(0) : std::string{};
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

Transaction::Transaction(Database& db) : db_{db} {
  db_.transaction_statements().begin.run();
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    db_.transaction_statements().rollback.run();
  } catch (const Error&) {
    // A failed COMMIT may already have rolled back; nothing is left to undo.
  }
}

void Transaction::commit() {
  db_.transaction_statements().commit.run();
  open_ = false;
}

}  // namespace vigil::journal::sqlite
