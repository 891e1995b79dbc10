#pragma once
// Free TCP ports on 127.0.0.1 for one drill's vigild and simulated devices.
//
// Drills run side by side (the integration tests start several at once).
// A drill chooses its ports about a second before its vigild binds them, so
// two drills once chose the same port: one vigild could not bind its bus,
// or a simulator's HL7 sender connected to the other drill's vigild and its
// own bed heard nothing (a missed alarm in a test). A port is a drill's
// once it made a file named for the port in a folder every drill on the
// machine shares (the integration tests' harness uses the same folder); the
// file goes with the pool. A file whose process is gone was left by a
// killed drill and is taken over.
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace vigil::drill {

class PortPool {
 public:
  // `taken`: ports already promised (endpoints given on the command line).
  explicit PortPool(std::vector<int> taken, std::filesystem::path folder = shared_folder());
  ~PortPool();
  PortPool(const PortPool&) = delete;
  PortPool& operator=(const PortPool&) = delete;

  // A port nobody listens on, reserved until the pool goes.
  int take();
  // Reserves `port` if no drill holds it and nobody listens on it.
  bool reserve(int port);

  // $TMPDIR/vigil-ports (or /tmp/vigil-ports).
  static std::filesystem::path shared_folder();

 private:
  bool claim(const std::filesystem::path& file);

  std::vector<int> taken_;
  std::filesystem::path folder_;
  bool folder_usable_ = false;
  std::vector<std::filesystem::path> reserved_;
  std::mt19937 rng_{std::random_device{}()};
};

}  // namespace vigil::drill
