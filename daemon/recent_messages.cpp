#include "daemon/recent_messages.hpp"

#include <algorithm>

namespace vigil::daemon {

RecentMessages::Slot& RecentMessages::spare_slot() {
  if (count_ == slots_.size()) {
    // No spare slot: one more, after the newest (the ring put in order first).
    std::rotate(slots_.begin(), slots_.begin() + static_cast<std::ptrdiff_t>(head_), slots_.end());
    head_ = 0;
    return slots_.emplace_back();
  }
  return slots_[(head_ + count_) % slots_.size()];
}

const std::string& RecentMessages::keep(std::uint64_t seq, const vigil::v1::BusMessage& m) {
  Slot& s = spare_slot();
  s.seq = seq;
  m.SerializeToString(&s.bytes);
  // A slot that once held a large message (an alarm with a long text) would
  // go on costing its size for every small one written into it.
  if (s.bytes.capacity() > 4 * s.bytes.size() + 256) s.bytes.shrink_to_fit();
  ++count_;
  bytes_ += cost(s);
  while (bytes_ > max_bytes_ && count_ > 1) {
    bytes_ -= cost(slots_[head_]);
    head_ = (head_ + 1) % slots_.size();
    --count_;
  }
  return s.bytes;
}

std::vector<vigil::v1::BusMessage> RecentMessages::after(std::uint64_t after, std::size_t max) const {
  std::vector<vigil::v1::BusMessage> v;
  // Sequence numbers ascend round the ring from head_: a binary search.
  std::size_t lo = 0, hi = count_;
  while (lo < hi) {
    const auto mid = lo + (hi - lo) / 2;
    if (at(mid).seq <= after)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (auto i = lo; i < count_ && v.size() < max; ++i) {
    // Bytes this process serialized: they parse.
    if (!v.emplace_back().ParseFromString(at(i).bytes)) v.pop_back();
  }
  return v;
}

std::uint64_t RecentMessages::oldest() const {
  return count_ == 0 ? 0 : at(0).seq;
}

}  // namespace vigil::daemon
