// The one shape of a refused command's reply, whichever thread answers it
// (the core loop, the history reader, signing): the request's id, the field
// the refusal points at, the words staff read, and a code scripts test.
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::daemon {

// `e.field` is the full path in the request ("set_limit.limit.threshold");
// `code` overrides the name of `e.code` where a command has its own.
vigil::v1::CommandReply refused(const vigil::v1::CommandRequest& req, const core::Error& e,
                                std::string_view code = {});

}  // namespace vigil::daemon
