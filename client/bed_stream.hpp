#pragma once
// One bed's stream as a clone-pattern client keeps it (ZeroMQ guide, "Reliable
// Pub-Sub (Clone Pattern)"): the sequence number applied so far, and the
// updates held back while a snapshot or a replay is on its way. Pure: no
// sockets, no clock; CloneClient drives it.
//
// A stream is
//   unsynced  it needs a snapshot or replay (just joined, or a gap was found);
//             updates are held back;
//   syncing   a snapshot or replay was asked for; updates are still held back;
//   live      every update with the next number is handed on at once.
// A stream without a command channel (`recoverable` false) cannot ask for
// anything: it starts from the first number it sees, and a gap is reported
// and stepped over.
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "vigil/v1/bus.pb.h"

namespace vigil::client {

// Numbers after `have` up to `seen` were not received.
struct Gap {
  std::uint64_t have = 0;  // last number applied
  std::uint64_t seen = 0;  // the number that showed the gap (a message's, or a heartbeat's last_seq)
};

// Messages to hand on now, in order, and the gap found while doing so.
struct StreamStep {
  std::vector<vigil::v1::BusMessage> deliver;
  std::optional<Gap> gap;
};

class BedStream {
 public:
  enum class State { unsynced, syncing, live };

  // Held updates beyond this are dropped oldest first; the gap they leave is
  // found and recovered like any other.
  static constexpr std::size_t kMaxHeld = 20000;

  explicit BedStream(bool recoverable = true) : recoverable_{recoverable} {}

  State state() const { return state_; }
  std::uint64_t applied() const { return applied_; }
  std::size_t held() const { return held_.size(); }

  // A sequenced update (obs, alarm, link, ctx) of this bed.
  StreamStep on_update(vigil::v1::BusMessage m);
  // A heartbeat of this bed: a last_seq past what was applied is a gap.
  std::optional<Gap> on_heartbeat(std::uint64_t last_seq);

  // A snapshot or replay was asked for.
  void begin_sync();
  // The bed's state as of `last_seq`: held updates after it go out.
  StreamStep on_snapshot(std::uint64_t last_seq);
  // Messages after applied(), as the daemon's journal kept them; then held updates.
  StreamStep on_replay(const std::vector<vigil::v1::BusMessage>& messages);
  // No answer, or a refusal: unsynced again, held updates kept.
  void sync_failed();
  // The daemon restarted: its numbers start again, nothing held is worth keeping.
  void reset();

 private:
  StreamStep release_held();
  void hold(vigil::v1::BusMessage m, std::uint64_t seq);

  bool recoverable_;
  State state_ = State::unsynced;
  std::uint64_t applied_ = 0;
  std::map<std::uint64_t, vigil::v1::BusMessage> held_;
};

}  // namespace vigil::client
