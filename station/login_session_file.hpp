#pragma once
// Logins kept across a restart of the station (a package upgrade, a crash),
// so that nobody at the ward is logged out mid-shift. The file holds, per
// session, only the hash of its token (token_hash()), its user, when it was
// opened and last used, and a tag of the user's password hash; never a
// token. A stolen file therefore opens no session: the cookie cannot be made
// from its hash. It is written whole to a temporary beside it (mode 0600) and
// renamed, so a reader never sees half a file; deleting it logs everyone out.
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"
#include "station/login_sessions.hpp"
#include "station/user_file.hpp"
#include "vigil/v1/station.pb.h"

namespace vigil::station {

// Where the sessions go when the config does not say: the systemd unit's
// StateDirectory (`state_directory` is $STATE_DIRECTORY, which may list
// several folders separated by ':'; the first is ours), else
// /var/lib/vigil-station.
std::string default_sessions_file(const char* state_directory);

// The sessions in a file's bytes; refused, with the reason, when the bytes
// are not a sessions file this station wrote.
core::Result<v1::station::StoredLoginSessions> parse_sessions_file(std::string_view bytes);

struct RestoredSessions {
  int kept = 0;
  int ended = 0;             // past session_hours or idle_minutes (or opened in the future: a clock set back)
  int user_gone = 0;         // no longer in users_file
  int password_changed = 0;  // the user's password was set anew since
  std::string problem;       // the file could not be used: everyone logs in again
  // For the station's log: "login sessions: 2 kept from FILE; 1 ended ...".
  std::string describe(const std::string& path) const;
  bool dropped_any() const { return ended + user_gone + password_changed > 0 || !problem.empty(); }
};

// Puts the sessions of `path` that are still valid at `now` for `users` into
// `sessions`. No file is no sessions; an unreadable or corrupt one is said in
// `problem` and counts as none.
RestoredSessions load_sessions_file(const std::string& path, const UserHashes& users, LoginSessions& sessions,
                                    core::TimePoint now);

// Writes every session of `sessions` to `path` (temporary, mode 0600, rename).
core::Result<bool> save_sessions_file(const std::string& path, const LoginSessions& sessions);

}  // namespace vigil::station
