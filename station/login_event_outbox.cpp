#include "station/login_event_outbox.hpp"

#include <algorithm>

namespace vigil::station {

LoginEventOutbox::LoginEventOutbox(std::size_t capacity) : capacity_{std::max<std::size_t>(capacity, 2)} {}

bool LoginEventOutbox::add(vigil::v1::StationLogin e) {
  bool kept_all = true;
  if (queue_.size() >= capacity_) {
    // The one on its way may be journalled already: it stays, its successor goes.
    queue_.erase(queue_.begin() + (on_its_way_ ? 1 : 0));
    ++dropped_;
    kept_all = false;
  }
  queue_.push_back(std::move(e));
  return kept_all;
}

std::optional<vigil::v1::StationLogin> LoginEventOutbox::due(core::TimePoint now) {
  if (queue_.empty() || on_its_way_ || now < retry_at_) return std::nullopt;
  on_its_way_ = true;
  dropped_said_ = dropped_;
  auto e = queue_.front();
  e.set_dropped_before(dropped_said_);
  return e;
}

void LoginEventOutbox::answered() {
  if (!on_its_way_) return;
  on_its_way_ = false;
  queue_.pop_front();
  dropped_ -= dropped_said_;
  dropped_said_ = 0;
  wait_ = std::chrono::seconds{0};
  retry_at_ = {};
}

void LoginEventOutbox::unanswered(core::TimePoint now) {
  if (!on_its_way_) return;
  on_its_way_ = false;
  dropped_said_ = 0;
  wait_ = wait_.count() == 0 ? kFirstRetry : std::min(wait_ * 2, kLongestRetry);
  retry_at_ = now + wait_;
}

}  // namespace vigil::station
