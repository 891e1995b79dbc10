#include "client/client_event.hpp"

namespace vigil::client {

std::string to_string(EventKind k) {
  switch (k) {
    case EventKind::gap:
      return "gap";
    case EventKind::resynced:
      return "resynced";
    case EventKind::publisher_lost:
      return "publisher_lost";
    case EventKind::publisher_back:
      return "publisher_back";
    case EventKind::bed_lost:
      return "bed_lost";
    case EventKind::bed_back:
      return "bed_back";
    case EventKind::daemon_restarted:
      return "daemon_restarted";
    case EventKind::sync_failed:
      return "sync_failed";
  }
  return "unknown";
}

std::string describe(const ClientEvent& e) {
  std::string where = e.source;
  if (!e.bed.empty()) where += (where.empty() ? "" : " ") + e.bed;
  std::string text;
  switch (e.kind) {
    case EventKind::gap:
      text =
          "GAP: missed messages after #" + std::to_string(e.have) + " (saw #" + std::to_string(e.seen) + ")";
      break;
    case EventKind::resynced:
      text = "in step again by " + e.how + " at " + std::to_string(e.have);
      break;
    case EventKind::publisher_lost:
      text = "PUBLISHER LOST";
      break;
    case EventKind::publisher_back:
      text = "publisher back";
      break;
    case EventKind::bed_lost:
      text = "BED LOST: its stream is silent";
      break;
    case EventKind::bed_back:
      text = "bed back";
      break;
    case EventKind::daemon_restarted:
      text = "DAEMON RESTARTED";
      break;
    case EventKind::sync_failed:
      text = "SYNC FAILED";
      break;
  }
  if (!e.detail.empty()) text += ": " + e.detail;
  return where.empty() ? text : where + ": " + text;
}

}  // namespace vigil::client
