#include "hl7out/outbox_queue.hpp"

#include <algorithm>
#include <iterator>

namespace vigil::hl7out {

bool OutboxQueue::push(OutboxRow row) {
  if (row.reading) {
    if (readings_ >= max_readings_) {
      ++shed_;
      return false;
    }
    ++readings_;
  }
  rows_.push_back(std::move(row));
  return true;
}

std::vector<OutboxRow> OutboxQueue::take(std::size_t limit) {
  const auto n = std::min(limit, rows_.size());
  std::vector<OutboxRow> batch{std::make_move_iterator(rows_.begin()),
                               std::make_move_iterator(rows_.begin() + static_cast<std::ptrdiff_t>(n))};
  rows_.erase(rows_.begin(), rows_.begin() + static_cast<std::ptrdiff_t>(n));
  for (const auto& r : batch) readings_ -= r.reading ? 1 : 0;
  return batch;
}

std::size_t OutboxQueue::waiting(const std::string& destination) const {
  std::size_t n = 0;
  for (const auto& r : rows_) n += r.messages_for(destination);
  return n;
}

void OutboxQueue::put_back(std::vector<OutboxRow> batch) {
  for (const auto& r : batch) readings_ += r.reading ? 1 : 0;
  rows_.insert(rows_.begin(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
}

}  // namespace vigil::hl7out
