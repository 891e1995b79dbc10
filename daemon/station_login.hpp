#pragma once
// A nurse station's login events (station_login): checked field by field
// and answered, so that vigild journals them with the other commands. They
// act on no bed and change nothing; the journal is their only effect, so
// that who was logged in where and when is kept with what they did.
#include "vigil/v1/command.pb.h"

namespace vigil::daemon {

// Refused (the field named) without a kind, a station or a time, with a
// person's event that names nobody, or with text too long or not one line;
// else ok, with the event in words ("login of A. Diaz at station-1 from
// 10.0.3.7").
vigil::v1::CommandReply station_login_reply(const vigil::v1::CommandRequest& req);

}  // namespace vigil::daemon
