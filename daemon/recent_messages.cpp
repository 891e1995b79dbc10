#include "daemon/recent_messages.hpp"

#include <algorithm>

namespace vigil::daemon {

std::string& RecentMessages::next(std::uint64_t seq) {
  if (slots_.size() < capacity_) {
    auto& s = slots_.emplace_back();
    s.seq = seq;
    return s.bytes;
  }
  Slot& s = slots_[head_];
  head_ = (head_ + 1) % slots_.size();
  s.seq = seq;
  return s.bytes;
}

std::vector<vigil::v1::BusMessage> RecentMessages::after(std::uint64_t after, std::size_t max) const {
  std::vector<vigil::v1::BusMessage> v;
  // Sequence numbers ascend round the ring from head_: a binary search.
  std::size_t lo = 0, hi = slots_.size();
  while (lo < hi) {
    const auto mid = lo + (hi - lo) / 2;
    if (at(mid).seq <= after)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (auto i = lo; i < slots_.size() && v.size() < max; ++i) {
    // Bytes this process serialized: they parse.
    if (!v.emplace_back().ParseFromString(at(i).bytes)) v.pop_back();
  }
  return v;
}

std::uint64_t RecentMessages::oldest() const {
  return slots_.empty() ? 0 : at(0).seq;
}

}  // namespace vigil::daemon
