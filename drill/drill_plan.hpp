#pragma once
// How a ward becomes running processes: the vigild config (drill: true,
// every bed and device) and the vigil-sim devices that feed it, wired
// through ptys in the work folder and TCP ports on this machine.
#include <functional>
#include <string>
#include <vector>

#include "sim/ward.hpp"

namespace vigil::drill {

struct DrillPlan {
  std::string config_text;               // vigild's config
  std::vector<std::string> sim_devices;  // vigil-sim --device values
  std::vector<std::string> pty_links;    // the ptys vigil-sim creates, which vigild opens
  std::string publish;                   // vigild's bus, as vigild binds it
  std::string command;                   // vigild's command channel, as vigild binds it
  std::string subscribe;                 // the bus, as a local client connects to it
  std::string command_client;            // the command channel, as a local client connects to it
};

// `free_port` gives a TCP port nobody listens on. An empty publish or
// command endpoint gets a free port on 127.0.0.1. With serial_over_tcp every
// serial device goes through a (simulated) serial device server instead of
// a pty: the kernel hands pty data over in a worker thread that a busy
// machine can hold up for a fraction of a second, which a fast drill would
// magnify into seconds of silence.
DrillPlan plan_drill(const sim::Ward& ward, const std::string& work_dir, const std::string& publish,
                     const std::string& command, const std::function<int()>& free_port,
                     bool serial_over_tcp = false);

// "tcp://0.0.0.0:5560" is bound on every interface; a local client connects to 127.0.0.1.
std::string local_endpoint(const std::string& bound);

}  // namespace vigil::drill
