#pragma once
// How a clone client asks a daemon's journal for what it missed. A gap is
// first asked back as "this bed's messages after seq N": cheaper than a
// snapshot, and it keeps every transition (an alarm raised and cleared inside
// the gap is still seen). The command's shape belongs to the daemon, so it is
// plugged in here rather than written into the client.
//
// A daemon that does not know the command answers with an error naming the
// field "command"; the client then asks that run of that daemon for
// snapshots only. A replay that does not close the gap (the journal no longer
// reaches back that far) is followed by a snapshot.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vigil/v1/bus.pb.h"
#include "vigil/v1/command.pb.h"

namespace vigil::client {

struct ReplayProtocol {
  // Sets the request's command: `bed`'s messages after `after_seq`.
  std::function<void(vigil::v1::CommandRequest& request, const std::string& bed, std::uint64_t after_seq)>
      ask;
  // The replayed messages of a successful reply, oldest first.
  std::function<std::vector<vigil::v1::BusMessage>(const vigil::v1::CommandReply& reply)> messages;
};

}  // namespace vigil::client
