#pragma once
// vigild's own replay command, for ReplayProtocol: CommandRequest.replay
// {bed, after_seq} answered by CommandReply.messages. Found by name in the
// compiled schema, so a build whose command.proto has no replay yet gets
// nothing here and its clients recover by snapshot alone; once the command
// is in the schema, gaps are asked back from the daemon's journal first.
#include <optional>

#include "client/replay_protocol.hpp"

namespace vigil::client {

std::optional<ReplayProtocol> vigild_replay_protocol();

}  // namespace vigil::client
