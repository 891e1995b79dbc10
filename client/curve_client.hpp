#pragma once
// The client side of vigild's CURVE security: a client key pair (from
// `vigil-ctl keygen`) and the daemon's public key, applied to a socket.
#include <string>
#include <zmq.hpp>

#include "core/result.hpp"

namespace vigil::client {

struct CurveClientFiles {
  std::string key_file;         // this client's secret key file
  std::string server_key_file;  // vigild's public (or secret) key file
  bool enabled() const { return !key_file.empty() || !server_key_file.empty(); }
};

// Sets CURVE on the socket, or says which file is missing or wrong.
core::Result<bool> apply_curve(zmq::socket_t& socket, const CurveClientFiles& files);

// Writes NAME.key (public and secret, mode 0600) and NAME.pub (mode 0644).
core::Result<std::string> write_key_pair(const std::string& directory, const std::string& name);

}  // namespace vigil::client
