#pragma once
// A running station follows its users_file: a user removed, or given a new
// password, must not keep a session open until the station's next start.
// The file is read again every second on the station's clock and compared
// with the bytes read before (it is a few lines: reading it costs less than
// reasoning about mtime granularity, and an edit that keeps the size within
// one timestamp tick is still seen). inotify would also work, but misses an edit
// through a bind mount or NFS and a file replaced by rename unless the
// folder is watched, and could not be tested on a fake clock.
// A change is taken only once the same bytes are read twice in a row: an
// editor writing the file in place is never caught half-way, with users
// missing whose pages would be logged out. A file that cannot be read or
// parsed, or lists nobody, is said once (with file:line) and not used: the
// users read before stay in force, so a typo never locks the ward out.
#include <chrono>
#include <string>

#include "core/time.hpp"
#include "station/user_file.hpp"

namespace vigil::station {

// What a poll found.
struct UsersFileNews {
  bool reloaded = false;  // users() now holds the file's new users
  std::string summary;    // when reloaded: "2 users; added B. Okafor; removed A. Diaz"
  std::string problem;    // the file as it now reads was not used, and why (said once per content)
};

class UsersFileWatch {
 public:
  static constexpr std::chrono::seconds kEvery{1};

  // `users` are what the station started with (read from `path` already).
  UsersFileWatch(std::string path, UserHashes users, core::TimePoint now);

  // Reads the file when a poll is due at `now` (every kEvery); nothing when not due or nothing changed.
  UsersFileNews poll(core::TimePoint now);
  const UserHashes& users() const { return users_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  UserHashes users_;
  core::TimePoint next_poll_;
  // What the file held ("=" and its bytes) or why it could not be read ("!" and the reason):
  std::string applied_;  // what users_ came from (empty until the first settled read)
  std::string pending_;  // seen once, waiting to be seen again
  std::string refused_;  // last said to be unusable, so it is said once
};

// "added B. Okafor; removed A. Diaz; new password for C. Ng" (empty when the same).
std::string users_change(const UserHashes& before, const UserHashes& after);

}  // namespace vigil::station
