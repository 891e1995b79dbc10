#pragma once
// What a clone client tells its owner besides the data itself: it missed
// something, it is back in step, the publisher went quiet or came back, the
// daemon restarted, the command channel failed.
#include <cstdint>
#include <string>

namespace vigil::client {

enum class EventKind {
  gap,               // numbers were missed on a bed's stream (bed, have, seen)
  resynced,          // the bed is in step again (bed, how: "snapshot" or "replay", have)
  publisher_lost,    // nothing at all from the publisher for the silence limit
  publisher_back,    // something arrived again after publisher_lost
  bed_lost,          // the bed's stream went silent while the publisher still talks
  bed_back,          // the bed's stream talks again
  daemon_restarted,  // a heartbeat with another daemon_id: every bed is synced again
  sync_failed,       // a snapshot or replay got no answer or a refusal (bed, detail)
};

struct ClientEvent {
  EventKind kind = EventKind::gap;
  std::string source;  // the client's name (which vigild)
  std::string bed;     // empty for daemon-wide events
  std::uint64_t have = 0;
  std::uint64_t seen = 0;
  std::string how;     // resynced: snapshot or replay
  std::string detail;  // for people: why, what was said
};

std::string to_string(EventKind k);
// One line for people: "vigild-1 bed-2: GAP: missed messages after #41 (saw #45)".
std::string describe(const ClientEvent& e);

}  // namespace vigil::client
