#pragma once
// The journal file a history fuzzer queries: one per process (two fuzzers may
// run side by side), emptied before it is filled and removed at exit.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "journal/journal.hpp"

namespace vigil::fuzz {

class FuzzJournal {
 public:
  explicit FuzzJournal(const std::string& name)
      : path_{std::filesystem::temp_directory_path() /
              ("vigil-" + name + "-fuzz-" + std::to_string(getpid()) + ".db")} {
    remove_files();
  }
  ~FuzzJournal() {
    db_.reset();
    remove_files();
  }
  FuzzJournal(const FuzzJournal&) = delete;
  FuzzJournal& operator=(const FuzzJournal&) = delete;

  journal::JournalOptions options() const {
    journal::JournalOptions o;
    o.path = path_.string();
    return o;
  }

  // Called once the Journal that filled the file is closed: its writer
  // thread, left running, would make two runs from one seed part ways (see
  // command_fuzz in scripts/fuzz). Read-write, as the journal's own
  // connections are: a read-only one alone on a WAL journal (its -shm gone
  // with the writer) rereads the file at every query, a hundred times slower
  // than vigild's reader beside a writer.
  void open_for_queries() {
    db_ = std::make_unique<journal::sqlite::Database>(path_.string(),
                                                      journal::sqlite::Database::Mode::read_write_create);
  }
  journal::sqlite::Database& db() { return *db_; }

 private:
  void remove_files() const {
    for (const char* suffix : {"", "-wal", "-shm", "-journal", "-intent"}) {
      std::error_code ignored;
      std::filesystem::remove(path_.string() + suffix, ignored);
    }
  }

  std::filesystem::path path_;
  std::unique_ptr<journal::sqlite::Database> db_;
};

}  // namespace vigil::fuzz
