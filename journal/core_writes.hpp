#pragma once
// What the core thread makes durable without waiting for SQLite: an alarm
// transition or context change with the bed's state (BedWrite), a command
// with its author and result before its reply is sent, and a bed's
// sequence reservation before a message beyond it is published. Each is
// one record of the intent log (one write() on the core), then one item of
// the writer thread's queue, which commits them to SQLite in the order the
// core made them. One home for how they become rows, used by the writer and
// by the intent log's replay at start.
#include <cstdint>
#include <string>
#include <variant>

#include "journal/bed_writes.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::journal {

struct CommandWrite {
  vigil::v1::CommandRequest request;
  vigil::v1::CommandReply reply;
  std::int64_t time_us = 0;
};

struct SeqReservation {
  std::string bed;
  std::uint64_t up_to = 0;
};

using CoreWrite = std::variant<BedWrite, CommandWrite, SeqReservation>;

// What an error line calls it ("bed-1's alarms and state", "the command admit by nurse A").
std::string describe(const CoreWrite& w);

// A command or reservation as its intent log record (an IntentRecord
// without messages or state). Replaces `out`.
void encode_intent(const CommandWrite& c, std::string& out);
void encode_intent(const SeqReservation& r, std::string& out);

// Prepared once per connection.
class CoreWriteStatements {
 public:
  explicit CoreWriteStatements(sqlite::Database& db);
  void insert(const CoreWrite& w);
  BedStatements& bed() { return bed_; }
  // For the intent log's replay, which may run twice over a record: whether
  // the commands table holds this one already (same time, request and
  // author), and a reservation that never lowers the one SQLite holds (a
  // later one may have gone to SQLite without the log, while it failed).
  bool holds(const CommandWrite& c);
  void reserve_at_least(const SeqReservation& r);

 private:
  void insert_command(const CommandWrite& c);
  BedStatements bed_;
  sqlite::Statement command_, reserve_, holds_command_, reserve_at_least_;
};

}  // namespace vigil::journal
