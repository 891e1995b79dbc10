#include "journal/journal.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "journal/bus_messages.hpp"
#include "journal/journal_schema.hpp"

namespace vigil::journal {
namespace v1 = vigil::v1;
namespace {

// While SQLite fails, records pile up in the log to this bound (thousands
// of transitions); under a journal_max_mb cap, to this share of it, and
// SQLite's file gets the rest, so the two together stay within the cap.
constexpr std::size_t kIntentLogMaxBytes = 16 * 1024 * 1024;
constexpr std::int64_t kIntentLogShareOfCap = 8;

std::size_t intent_log_bound(std::int64_t max_bytes) {
  if (max_bytes <= 0) return kIntentLogMaxBytes;
  return std::min(kIntentLogMaxBytes, static_cast<std::size_t>(max_bytes / kIntentLogShareOfCap));
}

// A transition handed to the writer without the intent log is committed
// before it is published: the core waits this long at most for the writer.
constexpr std::chrono::seconds kUnloggedWait{1};

}  // namespace

struct Journal::Statements {
  explicit Statements(sqlite::Database& db) : core{db} {}
  CoreWriteStatements core;  // the intent log's replay
};

Journal::Journal(JournalOptions options, JournalWriter::Report on_writer)
    : options_{std::move(options)}, on_writer_{std::move(on_writer)} {}

Journal::~Journal() {
  writer_.reset();
}

std::string Journal::problem() const {
  if (!db_) return core_problem_;
  std::string p;
  if (!core_ok_) p = core_problem_;
  if (!writer_ok_) p += (p.empty() ? "" : "; ") + writer_problem_;
  return p;
}

bool Journal::fail(const std::string& what, const std::exception& e) {
  core_ok_ = false;
  core_problem_ = what + ": " + e.what() + journal_advice(e);
  return false;
}

void Journal::committed() {
  core_ok_ = true;
  core_problem_.clear();
  if (writer_) writer_->committed();
}

bool Journal::open(const std::string& daemon_id, core::TimePoint now) {
  // A writer of an earlier open first writes what it holds: the intent
  // log's replay below must not be followed by its older writes.
  if (writer_) {
    writer_->stop();
    tickets_before_ += writer_->beds_handed();
    readings_before_ += writer_->readings_handed();
  }
  writer_.reset();
  try {
    const auto folder = std::filesystem::path{options_.path}.parent_path();
    std::error_code ec;
    if (!folder.empty()) std::filesystem::create_directories(folder, ec);
    if (ec) throw std::runtime_error{"cannot create the folder " + folder.string() + ": " + ec.message()};
    // SQLite falls back to opening read-only and then names the wrong reason;
    // ask the file system first (this also holds for root: EROFS).
    const bool exists = std::filesystem::exists(options_.path, ec);
    const std::string target = exists ? options_.path : (folder.empty() ? std::string{"."} : folder.string());
    if (::access(target.c_str(), W_OK) != 0)
      throw std::runtime_error{"cannot write " + target + ": " + std::strerror(errno)};
    auto db = std::make_unique<sqlite::Database>(options_.path, sqlite::Database::Mode::read_write_create);
    const auto page = db->scalar("PRAGMA page_size");
    intents_max_ = intent_log_bound(options_.max_bytes);
    const std::int64_t max_pages =
        options_.max_bytes > 0
            ? std::max<std::int64_t>((options_.max_bytes - static_cast<std::int64_t>(intents_max_)) / page,
                                     16)
            : 0;
    // No fsync per commit: a commit is a write to the log, which a crash of
    // vigild cannot undo; the writer thread fsyncs the log once per flush
    // interval (docs/journal.md, "What survives what"). A small page cache:
    // this connection writes a few pages per alarm, and SQLite empties its
    // cache whenever the writer thread has committed (every flush interval),
    // so a larger one would hold memory and save little (docs/journal.md,
    // "Memory").
    configure_journal_connection(*db, {.synchronous_full = false,
                                       .checkpoints = false,
                                       .max_pages = max_pages,
                                       .cache_kib = 256,
                                       .prompt_retry = true});
    const int found = migrate_journal(*db);
    if (found == 0)
      spdlog::info("journal {}: created (schema version {})", options_.path, journal_schema_version());
    else if (found < journal_schema_version())
      spdlog::info("journal {}: migrated from schema version {} to {}", options_.path, found,
                   journal_schema_version());
    st_ = std::make_unique<Statements>(*db);
    reader_ = std::make_unique<JournalReader>(*db);
    previous_run_ = reader_->last_run();
    auto run = db->prepare("INSERT INTO runs (daemon_id, started_us) VALUES (?1, ?2)");
    run.bind(1, daemon_id).bind(2, to_micros(now)).run();
    run_id_ = db->last_insert_rowid();
    db_ = std::move(db);
    // Before anything is restored from the journal or published: what was
    // published and not yet committed when vigild last stopped.
    replay_intents();
    writer_ = std::make_unique<JournalWriter>(JournalWriterOptions{.path = options_.path,
                                                                   .flush_interval = options_.flush_interval,
                                                                   .max_pages = max_pages,
                                                                   .bed_delay = options_.bed_delay,
                                                                   .intent_log = true},
                                              on_writer_);
    writer_->committed();  // this run's record
    core_ok_ = writer_ok_ = true;
    core_problem_.clear();
    writer_problem_.clear();
    return true;
  } catch (const std::exception& e) {
    intents_.reset();
    st_.reset();
    reader_.reset();
    db_.reset();
    return fail("cannot open the journal " + options_.path, e);
  }
}

void Journal::close(core::TimePoint now) {
  // Everything the writer was handed, committed (or, if SQLite failed, left
  // in the intent log for the next start).
  bool all_in = true;
  if (writer_) {
    writer_->stop();
    all_in = writer_->beds_committed() == writer_->beds_handed();
    tickets_before_ += writer_->beds_handed();
    readings_before_ += writer_->readings_handed();
  }
  writer_.reset();
  if (!db_) return;
  try {
    auto s = db_->prepare("UPDATE runs SET stopped_us = ?2 WHERE id = ?1");
    s.bind(1, run_id_).bind(2, to_micros(now)).run();
    db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    // SQLite holds it all, on disk (a checkpoint syncs the file).
    if (intents_ && all_in && !intents_->truncate())
      spdlog::warn("journal {}: closing: {}", options_.path, intents_->problem());
  } catch (const sqlite::Error& e) {
    spdlog::warn("journal {}: closing: {}", options_.path, e.what());
  }
  intents_.reset();
  st_.reset();
  reader_.reset();
  db_.reset();
}

bool Journal::log_bed(const std::string& bed, const std::vector<v1::BusMessage>& messages,
                      const v1::journal::BedState& state, core::TimePoint now) {
  logged_ = false;
  if (!intents_) return false;
  record_.clear();
  encode_intent(bed, to_micros(now), messages, state, record_);
  logged_ = log_record();
  return logged_;
}

bool Journal::log_record() {
  if (!intents_) return false;
  bound_intents();
  // While SQLite fails, the log keeps what it could not take, up to a bound;
  // beyond it a write goes the way of the journal's failure (an alarm
  // published, not recorded), never the log without limit.
  if (intents_->size() + kIntentHeader + record_.size() > intents_max_) return false;
  if (!intents_->append(record_)) {
    // Once per problem, not once per transition while a disk stays full.
    if (!std::exchange(intents_failing_, true))
      spdlog::error("journal {}: {}; committing to SQLite before publishing instead, until it works again",
                    options_.path, intents_->problem());
    return false;
  }
  if (std::exchange(intents_failing_, false))
    spdlog::info("journal {}: the intent log {} is writing again", options_.path, intents_->path());
  if (writer_) writer_->committed();
  return true;
}

bool Journal::write_bed(const std::string& bed, const std::vector<v1::BusMessage>& messages,
                        const v1::journal::BedState& state, core::TimePoint now) {
  const bool logged = std::exchange(logged_, false);
  if (!db_ || !writer_) return false;
  // A context change (an admission, an infusion) goes at once: a station
  // reads its session back right after. So does a write behind a large
  // intent log, which is emptied only once SQLite holds all of it.
  const bool context =
      std::any_of(messages.begin(), messages.end(), [](const auto& m) { return m.has_context(); });
  const bool now_due = !logged || context || intents_->size() >= kIntentLogRotateBytes;
  const auto ticket = writer_->write_core(BedWrite{bed, messages, state, to_micros(now)}, now_due);
  if (logged) return true;
  // Not in the intent log: committed before it is published, as before the
  // log existed; in the writer's order, so no older write of the bed lands after it.
  return wait_unlogged(ticket, "writing " + bed + "'s alarms and state");
}

bool Journal::wait_unlogged(std::uint64_t ticket, const std::string& what) {
  if (!writer_->wait_bed(ticket, kUnloggedWait)) {
    const auto why = writer_->bed_problem();
    core_ok_ = false;
    core_problem_ = why.empty() ? what + ": the writer did not commit it" : why;
    return false;
  }
  // Not committed(): the writer made this commit on its own connection and
  // fsyncs the log for it; told again, it fsynced a second time whenever its
  // interval fell between its commit and this line.
  core_ok_ = true;
  core_problem_.clear();
  return true;
}

bool Journal::write_durably(CoreWrite w, const std::string& what) {
  if (!db_ || !writer_) return false;
  if (const auto* c = std::get_if<CommandWrite>(&w))
    encode_intent(*c, record_);
  else
    encode_intent(std::get<SeqReservation>(w), record_);
  const bool logged = log_record();
  const auto ticket = writer_->write_core(std::move(w), !logged || intents_->size() >= kIntentLogRotateBytes);
  // Neither the log nor SQLite taking writes (a full disk): the core does
  // not wait a second for each, holding alarms back; the write stays queued
  // and the journal's technical alarm is on.
  return logged || (available() && wait_unlogged(ticket, what));
}

Journal::WritesTicket Journal::writes_ticket() {
  if (!writer_) return {tickets_before_, readings_before_};
  writer_->hand_over();
  return {tickets_before_ + writer_->beds_handed(), readings_before_ + writer_->readings_handed()};
}

bool Journal::writes_done(const WritesTicket& ticket) {
  return !writer_ || (ticket.core <= tickets_before_ + writer_->beds_tried() &&
                      ticket.readings <= readings_before_ + writer_->readings_tried());
}

bool Journal::wait_bed_writes(std::chrono::milliseconds timeout) {
  return writer_ && writer_->wait_bed(writer_->beds_handed(), timeout);
}

void Journal::bound_intents() {
  // Emptied only when SQLite holds every record in it; checked before a
  // record is added, since the one just handed over is not committed yet,
  // and after each device read (hand_over()), so that a record rarely waits
  // for it.
  if (!intents_ || intents_->size() < kIntentLogRotateBytes || !writer_ ||
      writer_->beds_committed() != writer_->beds_handed())
    return;
  // Not truncate(): the core would wait for the disk to free the blocks.
  // Nor a file made here: its open() waited for ext4 too.
  const int next = writer_->take_next_intent_file();
  if (next < 0) return;
  const int old = intents_->rotate(next);
  if (old < 0) spdlog::error("journal {}: {}", options_.path, intents_->problem());
  writer_->close_rotated(old);
}

void Journal::replay_intents() {
  const auto path = IntentLog::path_for(options_.path);
  const auto contents = read_intent_log(read_intent_file(path));
  if (!contents.problem.empty())
    spdlog::warn(
        "journal {}: intent log {}: {}; what follows it is dropped (a write cut short by a crash or "
        "a power cut, never published)",
        options_.path, path, contents.problem);
  auto& st = st_->core.bed();
  auto has = db_->prepare(
      "SELECT 1 FROM alarm_transitions WHERE bed = ?1 AND seq = ?2 "
      "UNION ALL SELECT 1 FROM context_events WHERE bed = ?1 AND seq = ?2");
  auto state_time = db_->prepare("SELECT updated_us FROM bed_state WHERE bed = ?1");
  std::size_t replayed = 0, commands = 0;
  if (!contents.records.empty()) {
    sqlite::Transaction t{*db_};
    for (const auto& r : contents.records) {
      if (r.has_seq_reserved()) {
        st_->core.reserve_at_least({r.bed(), r.seq_reserved()});
        continue;
      }
      if (r.has_command()) {
        const CommandWrite c{r.command().request(), r.command().reply(), r.time_us()};
        if (!st_->core.holds(c)) {
          st_->core.insert(c);
          ++commands;
        }
        continue;
      }
      // A record is committed whole or not at all: its first message says which.
      if (!r.messages().empty()) {
        const auto& m = r.messages(0);
        const auto seq = m.has_alarm() ? m.alarm().seq() : m.context().seq();
        has.bind(1, r.bed()).bind(2, static_cast<std::int64_t>(seq));
        const bool there = has.step();
        has.reset();
        if (there) continue;
      }
      for (const auto& m : r.messages()) {
        // A message SQLite refuses as it is would be refused at every
        // start, and keep the journal from opening: left out, said once.
        // SQLite undoes the refused statement only, not the transaction.
        try {
          st.insert_message(r.bed(), m);
        } catch (const sqlite::Error& e) {
          if (!e.refused()) throw;
          spdlog::error(
              "journal {}: {}'s message seq {} in the intent log cannot be written and is left out: {}",
              options_.path, r.bed(), wire::seq_of(m), e.what());
        }
      }
      // A state SQLite took later (a bed's state rewritten when the journal
      // came back) is newer than the record's and stays.
      state_time.bind(1, r.bed());
      const bool newer = !state_time.step() || state_time.integer(0) <= r.time_us();
      state_time.reset();
      if (newer) st.insert_state(r.bed(), r.state(), r.time_us());
      ++replayed;
    }
    t.commit();
  }
  if (replayed > 0)
    spdlog::warn(
        "journal {}: {} alarm transition(s) or context change(s) published but not yet in SQLite were "
        "taken from the intent log",
        options_.path, replayed);
  if (commands > 0)
    spdlog::warn("journal {}: {} command(s) answered but not yet in SQLite were taken from the intent log",
                 options_.path, commands);
  if (intents_) {
    if (!intents_->truncate()) spdlog::error("journal {}: {}", options_.path, intents_->problem());
  } else {
    intents_ = std::make_unique<IntentLog>(path, 0);
  }
}

bool Journal::write_command(const v1::CommandRequest& request, const v1::CommandReply& reply,
                            core::TimePoint now) {
  return write_durably(CommandWrite{request, reply, to_micros(now)}, "writing a command");
}

bool Journal::reserve_seq(const std::string& bed, std::uint64_t up_to) {
  return write_durably(SeqReservation{bed, up_to}, "reserving sequence numbers for " + bed);
}

core::Result<std::int64_t> Journal::write_signature(const RecordSignature& s,
                                                    const std::vector<std::int64_t>& kept) {
  if (!db_) return core::Error{"the journal is not open: " + problem(), "", core::ErrorCode::unavailable};
  try {
    insert_signature(*db_, s, kept);
    committed();
    return db_->scalar("SELECT last_insert_rowid()");
  } catch (const sqlite::Error& e) {
    if (e.code() == SQLITE_CONSTRAINT)
      return core::Error{"signed already (a record or amendment is signed once)", "",
                         core::ErrorCode::conflict};
    fail("writing a record's signature", e);
    return core::Error{"the journal could not be written: " + problem(), "", core::ErrorCode::unavailable};
  }
}

core::Result<std::int64_t> Journal::write_amendment(const RecordAmendment& a) {
  if (!db_) return core::Error{"the journal is not open: " + problem(), "", core::ErrorCode::unavailable};
  try {
    const auto id = insert_amendment(*db_, a);
    committed();
    return id;
  } catch (const sqlite::Error& e) {
    fail("writing a record's amendment", e);
    return core::Error{"the journal could not be written: " + problem(), "", core::ErrorCode::unavailable};
  }
}

core::Result<std::optional<RecordSignature>> Journal::record_signature(std::int64_t session) {
  if (!db_) return core::Error{"the journal is not open: " + problem(), "", core::ErrorCode::unavailable};
  try {
    return journal::record_signature(*db_, session);
  } catch (const sqlite::Error& e) {
    return core::Error{std::string{"the journal could not be read: "} + e.what(), "",
                       core::ErrorCode::unavailable};
  }
}

void Journal::queue(v1::BusMessage m) {
  // A NaN or infinite value is published but not journalled: the column
  // holds numbers only, and one such row would fail the writer's whole
  // batch. vigild drops them before the bus; a reading without a value goes
  // out as 0 flagged invalid (wire/observation.cpp) and is journalled so.
  if (m.has_observation() && !std::isfinite(m.observation().value())) return;
  if (writer_) writer_->write(std::move(m));
}

void Journal::queue(const v1::Observation& o) {
  if (!std::isfinite(o.value())) return;  // as above
  if (writer_) writer_->write(observation_row(o));
}

void Journal::queue(const core::Observation& o, bool drill) {
  if (o.reading.value && !std::isfinite(*o.reading.value)) return;  // as above
  if (writer_) writer_->write(o, drill);
}

void Journal::prune(core::TimePoint now) {
  if (writer_) writer_->prune(now - options_.retention, now);
}

void Journal::on_writer_report(const JournalWriterReport& r) {
  writer_ok_ = r.ok;
  writer_problem_ = r.problem;
}

}  // namespace vigil::journal
