#include "hl7out/outbox_writer.hpp"

#include <spdlog/spdlog.h>

namespace vigil::hl7out {

OutboxWriter::OutboxWriter(std::unique_ptr<Outbox> box, OutboxWriterOptions options,
                           std::function<void()> written)
    : box_{std::move(box)},
      options_{options},
      written_{std::move(written)},
      queue_{options.max_readings},
      thread_{[this] { run(); }} {}

OutboxWriter::~OutboxWriter() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

bool OutboxWriter::submit(OutboxRow row) {
  {
    std::lock_guard lock{mutex_};
    if (!queue_.push(std::move(row))) return false;
  }
  wake_.notify_one();
  return true;
}

void OutboxWriter::prune(core::TimePoint before) {
  {
    std::lock_guard lock{mutex_};
    prune_before_ = before;
  }
  wake_.notify_one();
}

void OutboxWriter::sync() {
  std::unique_lock lock{mutex_};
  idle_.wait(lock, [&] { return (queue_.empty() && !busy_ && !prune_before_) || !problem_.empty(); });
}

std::string OutboxWriter::problem() {
  std::lock_guard lock{mutex_};
  return problem_;
}

std::uint64_t OutboxWriter::shed() {
  std::lock_guard lock{mutex_};
  return queue_.shed();
}

std::size_t OutboxWriter::waiting(const std::string& destination) {
  std::lock_guard lock{mutex_};
  return queue_.waiting(destination);
}

std::uint64_t OutboxWriter::pruned() {
  std::lock_guard lock{mutex_};
  return pruned_;
}

void OutboxWriter::run() {
  std::unique_lock lock{mutex_};
  while (true) {
    if (problem_.empty())
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || prune_before_; });
    else
      wake_.wait_for(lock, options_.retry, [&] { return stopping_; });
    if (!queue_.empty()) {
      const bool ok = write_batch(lock);
      if (stopping_ && !ok) break;
      continue;  // the rest of the queue before any pruning
    }
    if (stopping_) break;
    if (prune_before_ && problem_.empty()) prune_chunk(lock);
  }
  if (!queue_.empty())
    spdlog::error("hl7 outbox: {} message(s) could not be written before vigild stopped: {}", queue_.size(),
                  problem_);
}

bool OutboxWriter::write_batch(std::unique_lock<std::mutex>& lock) {
  auto batch = queue_.take(options_.batch_rows);
  busy_ = true;
  lock.unlock();
  std::string why;
  const bool ok = box_->insert(batch, &why);
  lock.lock();
  busy_ = false;
  if (!ok) {
    queue_.put_back(std::move(batch));
    if (problem_.empty())
      spdlog::error(
          "hl7 outbox: cannot write: {}; {} message(s) wait in memory, tried again every {} ms "
          "(alarms are kept, readings beyond {} waiting are shed); free space on its disk",
          why, queue_.size(), options_.retry.count(), options_.max_readings);
    problem_ = why.empty() ? "unknown error" : why;
  } else if (!problem_.empty()) {
    spdlog::info("hl7 outbox: writing again");
    problem_.clear();
  }
  idle_.notify_all();
  if (ok && written_) {
    lock.unlock();
    written_();
    lock.lock();
  }
  return ok;
}

void OutboxWriter::prune_chunk(std::unique_lock<std::mutex>& lock) {
  const auto before = *prune_before_;
  busy_ = true;
  lock.unlock();
  const auto n = box_->prune(before, options_.prune_rows);
  const std::string why = n ? std::string{} : box_->problem();
  lock.lock();
  busy_ = false;
  if (!n) {
    spdlog::warn("hl7 outbox: pruning failed: {}; tried again at the next prune", why);
    prune_before_.reset();
  } else {
    pruned_ += *n;
    // After a full chunk more may be left: the next one comes after
    // whatever was queued meanwhile.
    if (*n < options_.prune_rows && prune_before_ == before) prune_before_.reset();
  }
  idle_.notify_all();
}

}  // namespace vigil::hl7out
