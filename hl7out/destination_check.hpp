#pragma once
// What vigild --check-config says about the hl7_destination blocks.
#include <string>
#include <vector>

#include "vigil/v1/config.pb.h"

namespace vigil::hl7out {

struct ConfigProblem {
  int destination = -1;  // index of the hl7_destination, -1 for a top-level field
  std::string field;     // the field to point at
  std::string message;
};

std::vector<ConfigProblem> check_destinations(const vigil::v1::config::DaemonConfig& c);

// "host:port" split; "[::1]:2575" for IPv6. False when malformed.
bool split_address(const std::string& address, std::string& host, std::string& port);
bool is_loopback(const std::string& host);

}  // namespace vigil::hl7out
