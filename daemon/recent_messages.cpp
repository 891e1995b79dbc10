#include "daemon/recent_messages.hpp"

#include <algorithm>

#include "wire/bus_message_bytes.hpp"

namespace vigil::daemon {

void RecentMessages::drop_oldest() {
  bytes_ -= index_.front().size + sizeof(Entry);
  index_.pop_front();
}

std::string_view RecentMessages::keep(std::uint64_t seq, const vigil::v1::BusMessage& m) {
  const wire::BusMessageBytes encoded{m};
  const std::size_t n = encoded.size();
  // A message larger than the whole bound is kept alone, in a buffer of its
  // own size, given back with the next message (which pushes it out anyway).
  // No bus message comes near: the largest, an alarm, is a few hundred bytes.
  if (const auto size = std::max(n, max_bytes_); buffer_.size() != size) {
    index_.clear();
    bytes_ = 0;
    buffer_ = std::string(size, '\0');
  }
  // Where it goes: after the newest, or at the start when it does not fit
  // there; the oldest messages in the way are dropped (they are the front of
  // the index, in order: first those past the newest, then those at the start).
  std::size_t at = index_.empty() ? 0 : index_.back().offset + index_.back().size;
  if (at + n > buffer_.size()) {
    while (!index_.empty() && index_.front().offset >= at) drop_oldest();
    at = 0;
  }
  while (!index_.empty() && index_.front().offset >= at && index_.front().offset < at + n) drop_oldest();
  while (!index_.empty() && bytes_ + n + sizeof(Entry) > max_bytes_) drop_oldest();
  encoded.write(reinterpret_cast<std::uint8_t*>(buffer_.data() + at));
  index_.push_back({seq, static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(n)});
  bytes_ += n + sizeof(Entry);
  return bytes_of(index_.back());
}

std::vector<vigil::v1::BusMessage> RecentMessages::after(std::uint64_t after, std::size_t max) const {
  std::vector<vigil::v1::BusMessage> v;
  // Sequence numbers ascend through the index: a binary search.
  auto it = std::upper_bound(index_.begin(), index_.end(), after,
                             [](std::uint64_t s, const Entry& e) { return s < e.seq; });
  for (; it != index_.end() && v.size() < max; ++it) {
    // Bytes this process serialized: they parse.
    const auto b = bytes_of(*it);
    if (!v.emplace_back().ParseFromArray(b.data(), static_cast<int>(b.size()))) v.pop_back();
  }
  return v;
}

std::uint64_t RecentMessages::oldest() const {
  return index_.empty() ? 0 : index_.front().seq;
}

}  // namespace vigil::daemon
