#include "client/bed_stream.hpp"

#include "wire/envelope.hpp"

namespace vigil::client {

StreamStep BedStream::on_update(vigil::v1::BusMessage m) {
  const std::uint64_t seq = wire::seq_of(m);
  StreamStep step;
  if (!recoverable_) {
    // Without a command channel the first number seen is the start, and a
    // gap can only be reported.
    if (state_ == State::live && seq > applied_ + 1) step.gap = Gap{applied_, seq};
    if (state_ == State::live && seq <= applied_) return step;
    state_ = State::live;
    applied_ = seq;
    step.deliver.push_back(std::move(m));
    return step;
  }
  if (state_ != State::live) {
    hold(std::move(m), seq);
    return step;
  }
  if (seq <= applied_) return step;  // already applied (from a snapshot or replay)
  if (seq == applied_ + 1) {
    applied_ = seq;
    step.deliver.push_back(std::move(m));
    return step;
  }
  step.gap = Gap{applied_, seq};
  state_ = State::unsynced;
  hold(std::move(m), seq);
  return step;
}

std::optional<Gap> BedStream::on_heartbeat(std::uint64_t last_seq) {
  if (!recoverable_) {
    if (state_ != State::live) {
      state_ = State::live;
      applied_ = last_seq;
      return std::nullopt;
    }
    if (last_seq <= applied_) return std::nullopt;
    const Gap gap{applied_, last_seq};
    applied_ = last_seq;
    return gap;
  }
  // While unsynced the coming snapshot settles it; a heartbeat behind what
  // was applied belongs to a restarted daemon, which the client handles.
  if (state_ != State::live || last_seq <= applied_) return std::nullopt;
  state_ = State::unsynced;
  return Gap{applied_, last_seq};
}

void BedStream::begin_sync() {
  state_ = State::syncing;
}

StreamStep BedStream::on_snapshot(std::uint64_t last_seq) {
  applied_ = last_seq;
  state_ = State::live;
  return release_held();
}

StreamStep BedStream::on_replay(const std::vector<vigil::v1::BusMessage>& messages) {
  for (const auto& m : messages) {
    const auto seq = wire::seq_of(m);
    if (seq > applied_) held_.insert_or_assign(seq, m);
  }
  state_ = State::live;
  return release_held();
}

void BedStream::sync_failed() {
  state_ = State::unsynced;
}

void BedStream::reset() {
  state_ = State::unsynced;
  applied_ = 0;
  held_.clear();
}

StreamStep BedStream::release_held() {
  StreamStep step;
  while (!held_.empty()) {
    auto it = held_.begin();
    if (it->first <= applied_) {
      held_.erase(it);
      continue;
    }
    if (it->first != applied_ + 1) {
      step.gap = Gap{applied_, it->first};
      state_ = State::unsynced;
      break;
    }
    applied_ = it->first;
    step.deliver.push_back(std::move(it->second));
    held_.erase(it);
  }
  return step;
}

void BedStream::hold(vigil::v1::BusMessage m, std::uint64_t seq) {
  held_.insert_or_assign(seq, std::move(m));
  if (held_.size() > kMaxHeld) held_.erase(held_.begin());
}

}  // namespace vigil::client
