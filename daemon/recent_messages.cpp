#include "daemon/recent_messages.hpp"

#include <algorithm>
#include <cstring>

namespace vigil::daemon {

RecentMessages::Record RecentMessages::record_at(std::size_t offset) const {
  Record r{};
  std::uint32_t size = 0;
  std::memcpy(&r.seq, buffer_.data() + offset, sizeof r.seq);
  std::memcpy(&size, buffer_.data() + offset + sizeof r.seq, sizeof size);
  r.size = size;
  return r;
}

std::size_t RecentMessages::next_of(std::size_t offset) const {
  const std::size_t next = offset + kHeader + record_at(offset).size;
  return wrapped_ && offset >= head_ && next == wrap_end_ ? 0 : next;
}

void RecentMessages::drop_oldest() {
  bytes_ -= kHeader + record_at(head_).size;
  const std::size_t next = next_of(head_);
  if (--count_ == 0) wrapped_ = false;
  if (wrapped_ && next == 0) wrapped_ = false;
  head_ = next;
}

std::string_view RecentMessages::keep(std::uint64_t seq, const vigil::v1::BusMessage& m) {
  return keep(seq, wire::BusMessageBytes{m});
}

std::string_view RecentMessages::keep(std::uint64_t seq, const wire::BusMessageBytes& encoded) {
  char* at = make_room(seq, encoded.size());
  encoded.write(reinterpret_cast<std::uint8_t*>(at));
  return {at, encoded.size()};
}

std::string_view RecentMessages::keep(std::uint64_t seq, std::string_view bytes) {
  char* at = make_room(seq, bytes.size());
  std::memcpy(at, bytes.data(), bytes.size());
  return {at, bytes.size()};
}

char* RecentMessages::make_room(std::uint64_t seq, std::size_t n) {
  const std::size_t need = kHeader + n;
  // A message larger than the whole bound is kept alone, in a buffer of its
  // own size, given back with the next message (which pushes it out anyway).
  // No bus message comes near: the largest, an alarm, is a few hundred bytes.
  if (const auto size = std::max(need, max_bytes_); buffer_.size() != size) {
    head_ = tail_ = wrap_end_ = count_ = bytes_ = 0;
    wrapped_ = false;
    buffer_ = std::string(size, '\0');
  }
  // Where it goes: after the newest, or at the start when it does not fit
  // there; the oldest messages in the way are dropped (in order: first
  // those past the newest, then those at the start).
  std::size_t at = count_ == 0 ? 0 : tail_;
  if (at + need > buffer_.size()) {
    while (count_ > 0 && wrapped_) drop_oldest();
    wrapped_ = count_ > 0;
    wrap_end_ = tail_;
    at = 0;
  }
  while (count_ > 0 && wrapped_ && head_ >= at && head_ < at + need) drop_oldest();
  while (count_ > 0 && bytes_ + need > max_bytes_) drop_oldest();
  if (count_ == 0) {
    head_ = at;
    wrapped_ = false;
  }
  const std::uint32_t size32 = static_cast<std::uint32_t>(n);
  std::memcpy(buffer_.data() + at, &seq, sizeof seq);
  std::memcpy(buffer_.data() + at + sizeof seq, &size32, sizeof size32);
  tail_ = at + need;
  ++count_;
  bytes_ += need;
  return buffer_.data() + at + kHeader;
}

std::vector<vigil::v1::BusMessage> RecentMessages::after(std::uint64_t after, std::size_t max) const {
  std::vector<vigil::v1::BusMessage> v;
  // Oldest first; a replay is rare and a bed's store holds a hundred or so.
  std::size_t offset = head_;
  for (std::size_t k = 0; k < count_ && v.size() < max; ++k, offset = next_of(offset)) {
    const Record r = record_at(offset);
    if (r.seq <= after) continue;
    // Bytes this process serialized: they parse.
    if (!v.emplace_back().ParseFromArray(buffer_.data() + offset + kHeader, static_cast<int>(r.size)))
      v.pop_back();
  }
  return v;
}

std::uint64_t RecentMessages::oldest() const {
  return count_ == 0 ? 0 : record_at(head_).seq;
}

}  // namespace vigil::daemon
