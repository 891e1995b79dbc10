#pragma once
// Sends one CommandRequest to vigild's command channel and waits for its one
// reply (a DEALER socket; the ROUTER answers on the same envelope).
#include <chrono>
#include <string>

#include "client/curve_client.hpp"
#include "core/result.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::client {

core::Result<vigil::v1::CommandReply> send_command(const std::string& endpoint,
                                                   vigil::v1::CommandRequest request,
                                                   std::chrono::milliseconds timeout,
                                                   const CurveClientFiles& curve = {});

}  // namespace vigil::client
