#pragma once
// vigild's journal: SQLite in WAL mode. On the core thread, an alarm
// transition or context change (with the bed's state after it) is appended
// to the intent log before it is published, and handed to the writer
// thread after, which commits it to SQLite off the alarm path; commands
// (before they are answered) and sequence reservations go the same way, a
// record of the intent log on the core and the commit on the writer. Both logs are written
// with write() only, so a crash of vigild cannot lose them, and fsync'd by
// the writer thread within a flush interval, so a power cut loses at most
// about the last second. Readings and link events go to the writer thread's
// queue and are written in batches, at most about a second behind.
//
// The journal can fail (no such folder, read-only, disk full, corrupt file)
// without stopping anything else: every write says whether it succeeded,
// available() and problem() say how things stand, and the daemon turns that
// into a technical alarm on every bed while it keeps publishing.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "journal/intent_log.hpp"
#include "journal/journal_reader.hpp"
#include "journal/journal_writer.hpp"
#include "journal/signed_records.hpp"
#include "journal/sqlite_database.hpp"
#include "vigil/v1/command.pb.h"
#include "vigil/v1/journal.pb.h"

namespace vigil::journal {

struct JournalOptions {
  std::string path = "/var/lib/vigil/journal.db";
  core::Duration retention = std::chrono::hours{24 * 30};
  std::int64_t max_bytes = 0;  // cap on the journal's size; 0: none
  std::chrono::milliseconds flush_interval{500};
  // How long after an alarm transition's publication its SQLite commit
  // follows, on the writer thread (JournalWriterOptions::bed_delay).
  std::chrono::milliseconds bed_delay{20};
};

class Journal {
 public:
  // `on_writer` is called on the writer thread after each batch.
  Journal(JournalOptions options, JournalWriter::Report on_writer);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Opens (creating the folder and the file), migrates, records this run and
  // starts the writer. False when unavailable; problem() says why.
  bool open(const std::string& daemon_id, core::TimePoint now);
  // A clean stop: the writer writes what it holds, the run is marked ended.
  void close(core::TimePoint now);
  bool is_open() const { return db_ != nullptr; }
  bool available() const { return db_ && core_ok_ && writer_ok_; }
  std::string problem() const;
  const JournalOptions& options() const { return options_; }
  // The run before this one, as found at open.
  const std::optional<RunRecord>& previous_run() const { return previous_run_; }

  // An alarm transition or context change is made durable in two steps
  // around its publication: log_bed() before (one write() to the intent log;
  // false when the log cannot take it, and then write_bed() goes first, as
  // the only step), write_bed() after, with the same arguments.
  bool log_bed(const std::string& bed, const std::vector<vigil::v1::BusMessage>& messages,
               const vigil::v1::journal::BedState& state, core::TimePoint now);
  // Committed before they return (safe from a crash of vigild; from a power
  // cut once the writer's next fsync is done). False when the write failed.
  // After log_bed(), write_bed() hands the SQLite transaction to the writer
  // thread and returns at once (true); the intent log already holds it.
  // Without log_bed() (the log failed, or a bed's state alone), it waits for
  // the writer's commit (false when that failed; it is tried again later).
  bool write_bed(const std::string& bed, const std::vector<vigil::v1::BusMessage>& messages,
                 const vigil::v1::journal::BedState& state, core::TimePoint now);
  // Waits until every write handed to the writer so far (write_bed(),
  // write_command(), reserve_seq()) is in SQLite (true), or the writer
  // tried and failed, at most `timeout`.
  bool wait_bed_writes(std::chrono::milliseconds timeout);
  // A command with its author and result, and a bed's sequence reservation:
  // durable when they return (one record of the intent log, as log_bed());
  // the writer thread commits them to SQLite bed_delay later. When the log
  // cannot take them, they wait for the writer's commit instead. False when
  // they could not be made durable.
  bool write_command(const vigil::v1::CommandRequest& request, const vigil::v1::CommandReply& reply,
                     core::TimePoint now);
  bool reserve_seq(const std::string& bed, std::uint64_t up_to);
  // For a query that must see everything published before it (an alarm
  // history asked for right after an alarm, a trend right after a reading):
  // writes_ticket() hands the gathered readings over and notes the last
  // core write and reading handed to the writer; writes_done() says whether
  // the writer has committed (or tried and failed) everything up to a
  // ticket. flush_writes() has the writer commit what it holds at once
  // rather than bed_delay or a flush interval later.
  struct WritesTicket {
    std::uint64_t core = 0;
    std::uint64_t readings = 0;
  };
  WritesTicket writes_ticket();
  bool writes_done(const WritesTicket& ticket);
  void flush_writes() {
    if (writer_) writer_->commit_now();
  }
  // A signed record and its amendments (journal/signed_records.hpp),
  // committed before they return. A second signature of the same record or
  // amendment is refused as a conflict.
  core::Result<std::int64_t> write_signature(const RecordSignature& s, const std::vector<std::int64_t>& kept);
  core::Result<std::int64_t> write_amendment(const RecordAmendment& a);
  // The record's own signature, if signed; an error when the journal cannot be read.
  core::Result<std::optional<RecordSignature>> record_signature(std::int64_t session);

  // Queued for the writer thread; never blocks the caller. Readings are
  // gathered on the caller's side until hand_over() (or until a few dozen
  // are waiting); link events go at once.
  void queue(vigil::v1::BusMessage m);
  // An observation as published, handed over as its row (no copy of the message).
  void queue(const vigil::v1::Observation& o);
  // A reading as published (o.seq stamped), as the row of wire::to_proto(o, drill).
  void queue(const core::Observation& o, bool drill);
  // The gathered readings to the writer: after each device read and tick;
  // the intent log emptied then if due, rather than before the next record.
  void hand_over() {
    if (!writer_) return;
    writer_->hand_over();
    if (intents_ && intents_->size() >= kIntentLogRotateBytes) bound_intents();
  }
  // Readings dropped at the writer's queue bound since open (benchmarks).
  std::uint64_t readings_shed() const { return writer_ ? writer_->shed() : 0; }
  // Retention: the writer deletes what is older, in the background.
  void prune(core::TimePoint now);
  // The writer's news, brought to the core thread by the daemon.
  void on_writer_report(const JournalWriterReport& r);

  // Queries on the core's connection; null while the journal is not open.
  JournalReader* reader() { return reader_.get(); }

 private:
  struct Statements;
  bool fail(const std::string& what, const std::exception& e);
  void committed();
  // Puts into SQLite what the intent log holds and SQLite lacks, then empties it.
  void replay_intents();
  // Before a record is added and after each device read: the intent log is
  // emptied once it is large and SQLite has all of it.
  void bound_intents();
  // Appends record_ to the intent log: false when the log cannot take it.
  bool log_record();
  // A durable write other than a bed's: logged, then handed to the writer.
  bool write_durably(CoreWrite w, const std::string& what);
  // A write handed over without the intent log: waits for the writer's commit.
  bool wait_unlogged(std::uint64_t ticket, const std::string& what);

  JournalOptions options_;
  JournalWriter::Report on_writer_;
  std::unique_ptr<sqlite::Database> db_;
  std::unique_ptr<Statements> st_;
  std::unique_ptr<JournalReader> reader_;
  std::unique_ptr<JournalWriter> writer_;
  std::unique_ptr<IntentLog> intents_;
  bool logged_ = false;          // log_bed() wrote the record write_bed() now commits
  std::size_t intents_max_ = 0;  // the intent log's bound (journal_max_mb's share)
  bool intents_failing_ = false;
  std::string record_;  // the intent record being written, reused
  // Writes handed to writers closed since the start (all committed or
  // left in the intent log): tickets go on rising across a reopening.
  std::uint64_t tickets_before_ = 0;
  std::uint64_t readings_before_ = 0;  // the same for readings
  std::optional<RunRecord> previous_run_;
  std::int64_t run_id_ = 0;
  bool core_ok_ = true;
  bool writer_ok_ = true;
  std::string core_problem_;
  std::string writer_problem_;
};

}  // namespace vigil::journal
