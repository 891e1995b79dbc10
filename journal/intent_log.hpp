#pragma once
// The intent log: what makes an alarm transition durable before it is
// published without waiting for SQLite. The core thread appends each alarm
// transition or context change, with the bed's state after it, as one
// record in ONE write() (the kernel's page cache: nothing a crash of vigild
// can undo), publishes it, and then hands it to the writer thread, which
// commits it to SQLite and fsyncs this file with SQLite's own log, once per
// flush interval. At start,
// before anything is restored or published, the journal puts into SQLite
// whatever a record holds and SQLite lacks, then empties the file.
//
// A record on disk: payload length (4 bytes, little-endian), CRC-32 of the
// payload (4 bytes, little-endian, zlib's), payload (a serialized
// vigil.v1.journal.IntentRecord). A record cut short or whose checksum does
// not match ends the reading: it was never published, since its write()
// returned (with all its bytes) before the publication.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/v1/bus.pb.h"
#include "vigil/v1/journal.pb.h"

namespace vigil::journal {

// A length beyond this is not a record (a bed state with every alarm is a
// few kilobytes).
inline constexpr std::uint32_t kMaxIntentRecord = 1 << 20;
inline constexpr std::size_t kIntentHeader = 8;
// The log is emptied (rotate()) once past this size, when SQLite holds
// every record in it: a few dozen records to look up at the next start.
inline constexpr std::size_t kIntentLogRotateBytes = 64 * 1024;

// The payload of one record, serialized straight from the caller's messages
// and state (no copy into an IntentRecord first). Appends to `out`.
void encode_intent(const std::string& bed, std::int64_t time_us,
                   const std::vector<vigil::v1::BusMessage>& messages,
                   const vigil::v1::journal::BedState& state, std::string& out);

struct IntentLogContents {
  std::vector<vigil::v1::journal::IntentRecord> records;
  std::size_t whole_bytes = 0;  // the bytes of the whole, good records
  std::string problem;          // why reading stopped before the end; empty when it did not
};
// One record as written to the file: header, then the payload. Appends to `out`.
void frame_intent(std::string_view payload, std::string& out);

// The records of a log file's bytes, up to the first that is cut short,
// fails its checksum or does not parse.
IntentLogContents read_intent_log(std::string_view bytes);

// The file, written by the core thread only. Not a bus or SQLite concern:
// bytes in, bytes out.
class IntentLog {
 public:
  // Opens (creating) the file, appending after its whole records; throws
  // std::runtime_error naming the file and the reason.
  IntentLog(std::string path, std::size_t whole_bytes);
  ~IntentLog();
  IntentLog(const IntentLog&) = delete;
  IntentLog& operator=(const IntentLog&) = delete;

  // One record in one write(). On a short or failed write the file is cut
  // back to its last whole record and problem() says why; false then.
  bool append(std::string_view payload);
  // Empties the file (SQLite holds everything in it). False with problem() on failure.
  bool truncate();
  // The same without cutting the file, for the alarm path: an empty file
  // takes the log's name (created beside it, then renamed over it) and
  // appends go to it; the old file's descriptor is returned, for another
  // thread to close. Cutting the file frees its blocks on the calling
  // thread, which waits for the disk (on a file system mounted with
  // discard, for the discard: 1.9 ms on average, 9.8 ms at worst, measured
  // on the core thread; docs/journal.md, "The alarm path's waits"); the
  // close of the last descriptor of a renamed-over file does that instead.
  // `next`: the empty file to take the log's name, made ahead by
  // open_next_intent_file() on another thread (the open() of a new file
  // waited 100-200 us for ext4 on the core thread); -1 to make it here. It
  // is closed, and its name removed, when the rotation fails.
  // -1 with problem() on failure, the log unchanged.
  int rotate(int next = -1);
  std::size_t size() const { return size_; }
  const std::string& path() const { return path_; }
  const std::string& problem() const { return problem_; }

  static std::string path_for(const std::string& journal_path) { return journal_path + "-intent"; }
  // Where the file that takes the log's name at rotate() is made.
  static std::string next_path_for(const std::string& log_path) { return log_path + "-next"; }

 private:
  std::string next_path() const { return next_path_for(path_); }
  std::string path_;
  int fd_ = -1;
  std::size_t size_ = 0;
  std::string frame_;  // the record being written, reused
  std::string problem_;
};

// An empty file at IntentLog::next_path_for(log_path), for IntentLog::rotate():
// its descriptor, or -1 with `problem` set.
int open_next_intent_file(const std::string& log_path, std::string& problem);

// The whole file's bytes ("" when there is none); throws std::runtime_error
// when it exists and cannot be read.
std::string read_intent_file(const std::string& path);

}  // namespace vigil::journal
