#pragma once
// Whether a ZeroMQ endpoint is reachable from this machine only: vigild
// refuses anything else without CURVE, and vigil-drill turns CURVE on for it.
#include <string_view>

namespace vigil::core {

inline bool loopback_only(std::string_view endpoint) {
  return endpoint.empty() || endpoint.starts_with("ipc://") || endpoint.starts_with("inproc://") ||
         endpoint.starts_with("tcp://127.") || endpoint.starts_with("tcp://localhost:") ||
         endpoint.starts_with("tcp://[::1]:");
}

}  // namespace vigil::core
