#include "drivers/transport/read_pacer.hpp"

#include <boost/asio/defer.hpp>

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

ReadPacer::ReadPacer(boost::asio::io_context& io)
    : boost::asio::io_context::service{io}, io_{io}, timer_{io} {}

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

void ReadPacer::after_beat(std::function<void()> done) {
  if (in_beat_) return after_this_.push_back(std::move(done));
  if (!armed_) return done();
  after_next_.push_back(std::move(done));
}

void ReadPacer::beat() {
  // A resumed read may defer again at once (its data was already there); it
  // waits for the next beat, not this one.
  if (next_ < running_.size()) {
    // The last beat's slices are still under way (the core fell a whole
    // period behind): this beat's reads follow them, in the same slices.
    running_.insert(running_.end(), std::make_move_iterator(waiting_.begin()),
                    std::make_move_iterator(waiting_.end()));
    waiting_.clear();
    after_this_.insert(after_this_.end(), std::make_move_iterator(after_next_.begin()),
                       std::make_move_iterator(after_next_.end()));
    after_next_.clear();
    return;
  }
  running_.clear();
  running_.swap(waiting_);
  after_this_.swap(after_next_);
  next_ = 0;
  in_beat_ = true;
  run_slice();
}

void ReadPacer::run_slice() {
  const auto until = std::chrono::steady_clock::now() + kSlice;
  while (next_ < running_.size()) {
    running_[next_++]();
    if (next_ < running_.size() && std::chrono::steady_clock::now() >= until) {
      // A continuation of this handler (Asio's defer): queued behind what
      // the reactor finds ready meanwhile, with no wake-up of its own.
      boost::asio::defer(io_, [this] { run_slice(); });
      return;
    }
  }
  running_.clear();
  next_ = 0;
  in_beat_ = false;
  // Taken out first: what runs may ask for the next beat's end.
  auto done = std::move(after_this_);
  after_this_.clear();
  for (auto& d : done) d();
}

void ReadPacer::shutdown() {
  timer_.cancel();
  waiting_.clear();
  running_.clear();
  after_next_.clear();
  after_this_.clear();
  next_ = 0;
  in_beat_ = false;
}

}  // namespace vigil::drivers
