#include "drivers/transport/read_pacer.hpp"

namespace vigil::drivers {

bool ReadCadence::pace_after(std::size_t bytes, Time now, std::chrono::nanoseconds period) {
  const bool soon = last_ != Time{} && now - last_ < 2 * period;
  last_ = now;
  if (period <= std::chrono::nanoseconds::zero() || bytes > kSmall) {
    streak_ = 0;
    return false;
  }
  streak_ = soon ? streak_ + 1 : 1;
  return streak_ >= kStreak;
}

boost::asio::io_context::id ReadPacer::id;

ReadPacer::ReadPacer(boost::asio::io_context& io) : boost::asio::io_context::service{io}, timer_{io} {}

ReadPacer& ReadPacer::of(boost::asio::io_context& io) {
  return boost::asio::use_service<ReadPacer>(io);
}

void ReadPacer::defer(std::function<void()> resume) {
  if (period_ <= std::chrono::nanoseconds::zero()) return resume();
  waiting_.push_back(std::move(resume));
  if (armed_) return;
  armed_ = true;
  timer_.expires_after(period_);
  timer_.async_wait([this](boost::system::error_code ec) {
    armed_ = false;
    if (!ec) beat();
  });
}

void ReadPacer::beat() {
  // A resumed read may defer again at once (its data was already there); it
  // waits for the next beat, not this one.
  running_.swap(waiting_);
  for (auto& resume : running_) resume();
  running_.clear();
}

void ReadPacer::shutdown() {
  timer_.cancel();
  waiting_.clear();
}

}  // namespace vigil::drivers
