#include "daemon/history_reader.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <memory>

#include "daemon/command_refusal.hpp"
#include "journal/alarm_history.hpp"
#include "journal/trend_query.hpp"

namespace vigil::daemon {
namespace v1 = vigil::v1;

namespace {

v1::CommandReply refusal(const v1::CommandRequest& r, const std::string& field, const std::string& error,
                         core::ErrorCode code) {
  return refused(r, core::Error::at(field, error, code));
}

// The query's own field in the request: where its refusals point.
std::string field_of(const v1::CommandRequest& r) {
  return r.has_trend() ? "trend" : "alarm_history";
}

v1::CommandReply alarms_reply(const v1::CommandRequest& request, journal::sqlite::Database& db) {
  auto page = journal::alarm_history(db, request.alarm_history());
  if (!page)
    return refusal(request, "alarm_history." + page.failure().field, page.failure().message,
                   page.failure().code);
  v1::CommandReply reply;
  reply.set_request_id(request.request_id());
  reply.set_ok(true);
  reply.set_message(std::to_string(page->alarms_size()) + " alarm(s)" +
                    (page->next_page().empty() ? "" : ", more before them"));
  *reply.mutable_alarm_history() = std::move(page.value());
  return reply;
}

v1::CommandReply trend_reply(const v1::CommandRequest& request, journal::sqlite::Database& db) {
  auto page = journal::trend(db, request.trend());
  if (!page)
    return refusal(request, "trend." + page.failure().field, page.failure().message, page.failure().code);
  v1::CommandReply reply;
  reply.set_request_id(request.request_id());
  reply.set_ok(true);
  reply.set_message(std::to_string(page->series_size()) + " metric(s) of " + page->bed());
  *reply.mutable_trend() = std::move(page.value());
  return reply;
}

}  // namespace

HistoryReader::HistoryReader(boost::asio::io_context& io, std::string journal_path)
    : io_{io}, path_{std::move(journal_path)}, thread_{[this] { run(); }} {}

HistoryReader::~HistoryReader() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
    jobs_.clear();
  }
  wake_.notify_one();
  thread_.join();
}

bool HistoryReader::submit_task(Task task) {
  std::lock_guard lock{mutex_};
  if (jobs_.size() >= kMaxQueued) return false;
  jobs_.push_back({std::move(task)});
  wake_.notify_one();
  return true;
}

void HistoryReader::submit(v1::CommandRequest request, Done done) {
  // Shared: a refused task is dropped, and `done` is called here instead.
  auto shared = std::make_shared<std::pair<v1::CommandRequest, Done>>(std::move(request), std::move(done));
  const bool queued = submit_task([this, shared]() -> std::function<void()> {
    auto reply = answer(shared->first);
    return [shared, reply = std::move(reply)]() mutable { shared->second(std::move(reply)); };
  });
  if (queued) return;
  shared->second(
      refusal(shared->first, field_of(shared->first),
              std::to_string(kMaxQueued) + " history queries are waiting already; ask again shortly",
              core::ErrorCode::unavailable));
}

void HistoryReader::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    boost::asio::post(io_, job.task());
  }
}

v1::CommandReply HistoryReader::answer(const v1::CommandRequest& request) {
  // A connection per query: the journal may have been created, replaced or
  // repaired since the last one, and a query a minute costs nothing to open.
  try {
    journal::sqlite::Database db{path_, journal::sqlite::Database::Mode::read_only};
    return request.has_trend() ? trend_reply(request, db) : alarms_reply(request, db);
  } catch (const std::exception& e) {
    spdlog::warn("{}: the journal could not be read: {}", field_of(request), e.what());
    return refusal(request, field_of(request), std::string{"the journal could not be read: "} + e.what(),
                   core::ErrorCode::unavailable);
  }
}

}  // namespace vigil::daemon
