#pragma once
// A nurse station's login event (vigil.v1.StationLogin) in words, the same
// wherever it is shown: vigild's answer and log, and vigil-ctl logins.
#include <string>

#include "vigil/v1/command.pb.h"

namespace vigil::wire {

// vigild takes each text of an event (names, address, detail) as one line
// of at most this many bytes.
inline constexpr std::size_t kStationLoginTextMax = 200;

// `text` as vigild takes it: control characters as '?', cut to
// kStationLoginTextMax bytes at a character's start, with "..." when cut.
std::string station_login_text(std::string text);

// "login of A. Diaz at station-1 from 10.0.3.7 (password)",
// "login FAILED for 'A. Diaz' at station-1 from 10.0.3.7: wrong password",
// "users_file at station-1 read again: 2 user(s); added B. Okafor".
std::string describe(const vigil::v1::StationLogin& e);

}  // namespace vigil::wire
