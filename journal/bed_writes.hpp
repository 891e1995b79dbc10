#pragma once
// An alarm transition's or context change's rows: the messages as published
// (alarm_transitions, context_events, and the sessions and patient merges a
// context change opens, closes or records) and the bed's state after them.
// One home for how they become rows, used by the core's connection (the
// intent log's replay at start, a write that could not be logged first) and
// by the writer thread (every write the intent log already made durable).
#include <cstdint>
#include <string>
#include <vector>

#include "journal/sqlite_database.hpp"
#include "vigil/v1/bus.pb.h"
#include "vigil/v1/journal.pb.h"

namespace vigil::journal {

struct BedWrite {
  std::string bed;
  std::vector<vigil::v1::BusMessage> messages;
  vigil::v1::journal::BedState state;
  std::int64_t time_us = 0;
};

// Prepared once per connection.
class BedStatements {
 public:
  explicit BedStatements(sqlite::Database& db);
  void insert_message(const std::string& bed, const vigil::v1::BusMessage& m);
  void insert_state(const std::string& bed, const vigil::v1::journal::BedState& state, std::int64_t time_us);
  void insert(const BedWrite& w) {
    for (const auto& m : w.messages) insert_message(w.bed, m);
    insert_state(w.bed, w.state, w.time_us);
  }

 private:
  sqlite::Statement alarm_, context_, session_start_, session_end_, state_, merge_;
  std::string buffer_;  // a message or state as serialized, reused
};

}  // namespace vigil::journal
