#pragma once
// A thin layer over SQLite's C API for the journal: one connection, prepared
// statements with typed binds, and transactions that roll back unless
// committed. Every failure throws sqlite::Error carrying SQLite's result code
// and message, so the journal's edge can tell a full disk from a corrupt file
// and say which in a line a person can act on.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace vigil::journal::sqlite {

class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& message) : std::runtime_error{message}, code_{code} {}
  // The primary result code (SQLITE_FULL, SQLITE_CORRUPT, ...), extended bits removed.
  int code() const { return code_ & 0xff; }
  bool disk_full() const;
  bool corrupt() const;
  // The statement's own values are refused (a NOT NULL column given a NaN,
  // a value too big): trying again cannot help, unlike a full disk.
  bool refused() const;

 private:
  int code_;
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters count from 1, as in SQL's "?1".
  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, double v);
  Statement& bind(int i, std::string_view text);
  Statement& bind(int i, const char* text) { return bind(i, std::string_view{text}); }
  Statement& bind(int i, const std::string& text) { return bind(i, std::string_view{text}); }
  Statement& bind(int i, std::optional<std::int64_t> v);
  Statement& bind_blob(int i, std::string_view bytes);
  // Without SQLite's copy: `text` must stay as it is until run() or reset().
  Statement& bind_unchanged(int i, std::string_view text);

  // Runs one step: true when a row is ready to read, false when done.
  bool step();
  // Runs a statement that returns no rows, then makes it ready to run again.
  void run();
  void reset();

  // Columns count from 0.
  bool is_null(int col) const;
  std::int64_t integer(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::string blob(int col) const;

 private:
  void check(int rc) const;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  enum class Mode { read_write_create, read_only };
  // Throws sqlite::Error with SQLite's and the system's reason (the caller names the file).
  Database(const std::string& path, Mode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement{db_, sql}; }
  // The first column of the first row of a query, for PRAGMAs and counts.
  std::int64_t scalar(std::string_view sql);
  std::string scalar_text(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

 private:
  friend class Transaction;
  // Prepared at the first transaction and kept: the writer runs hundreds a
  // second in a flood, and exec() would parse each again.
  struct TransactionStatements;
  TransactionStatements& transaction_statements();

  sqlite3* db_ = nullptr;
  std::string path_;
  std::unique_ptr<TransactionStatements> transaction_;
};

// BEGIN IMMEDIATE takes the write lock at once, so two connections never
// deadlock upgrading a read to a write; the destructor rolls back.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace vigil::journal::sqlite
