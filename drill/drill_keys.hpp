#pragma once
// CURVE for a drill that stations on other PCs join. vigild refuses a bus
// or command channel reachable from the network without CURVE (readings
// are not for anyone on the network, not even a drill's), so vigil-drill
// gives its vigild a key folder: DIR/vigild.key is vigild's key (a ward's
// own, given with --keys, so its stations join as on any day), every other
// DIR/NAME.pub is a client allowed in as a nurse, and vigil-drill.key is
// the runner's own (it admits and discharges: an admin). Keys missing from
// the folder are made there: vigild, vigil-drill and one for stations,
// station.key.
#include <string>
#include <vector>

#include "client/curve_client.hpp"
#include "core/result.hpp"

namespace vigil::drill {

struct DrillKeys {
  std::string dir;
  std::string server_key_file;  // DIR/vigild.key, secret
  std::string server_public;    // vigild's public key (Z85): what a station needs
  std::string runner_public;
  struct Station {
    std::string name;  // from NAME.pub
    std::string public_key;
  };
  std::vector<Station> stations;
  // How the runner's own subscriber and commands present themselves.
  client::CurveClientFiles runner() const;
};

// Reads the folder, making it and any missing key pair of vigild,
// vigil-drill and station first; says which file is wrong.
core::Result<DrillKeys> prepare_drill_keys(const std::string& dir);

// The `security` block of the drill's vigild config.
std::string security_config(const DrillKeys& keys);

}  // namespace vigil::drill
