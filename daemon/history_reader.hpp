#pragma once
// Alarm history and trend queries, answered on a thread of their own with a read-only
// connection to the journal, so that a station looking back over a shift
// never holds up the core thread (and its alarms). The core hands a query
// over and gets the reply back through its Asio loop. Other long reads of
// the journal (an infusion record read to be signed) go the same way.
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "vigil/v1/command.pb.h"

namespace vigil::daemon {

class HistoryReader {
 public:
  // Called on the core thread (posted to `io`) with the reply.
  using Done = std::function<void(vigil::v1::CommandReply)>;

  HistoryReader(boost::asio::io_context& io, std::string journal_path);
  ~HistoryReader();  // answers nothing more; waits for the query in hand
  HistoryReader(const HistoryReader&) = delete;
  HistoryReader& operator=(const HistoryReader&) = delete;

  // Queues the request (its alarm_history or trend); a full queue is
  // refused at once.
  void submit(vigil::v1::CommandRequest request, Done done);
  // Any other read: `task` runs on the reader's thread and returns what then
  // runs on the core thread. False when the queue is full (nothing runs).
  using Task = std::function<std::function<void()>()>;
  bool submit_task(Task task);

  static constexpr std::size_t kMaxQueued = 16;

 private:
  struct Job {
    Task task;
  };
  void run();
  vigil::v1::CommandReply answer(const vigil::v1::CommandRequest& request);

  boost::asio::io_context& io_;
  std::string path_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vigil::daemon
