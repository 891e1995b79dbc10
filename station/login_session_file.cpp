#include "station/login_session_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/bounded_file.hpp"
#include "wire/timestamp.hpp"

namespace vigil::station {
namespace {

constexpr std::size_t kHashBytes = 32;  // BLAKE2b-256

std::string system_error(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

bool write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::string default_sessions_file(const char* state_directory) {
  std::string folder = state_directory ? state_directory : "";
  folder = folder.substr(0, folder.find(':'));
  if (folder.empty()) folder = "/var/lib/vigil-station";
  return folder + "/login-sessions";
}

core::Result<v1::station::StoredLoginSessions> parse_sessions_file(std::string_view bytes) {
  v1::station::StoredLoginSessions stored;
  if (!stored.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return core::Error{"not a sessions file (it does not parse)"};
  for (int i = 0; i < stored.session_size(); ++i) {
    const auto& s = stored.session(i);
    const auto where = "session " + std::to_string(i + 1) + ": ";
    if (s.token_hash().size() != kHashBytes) return core::Error{where + "its token hash is not 32 bytes"};
    if (s.password_tag().size() != kHashBytes) return core::Error{where + "its password tag is not 32 bytes"};
    if (const auto why = user_name_problem(s.user()); !why.empty()) return core::Error{where + why};
    if (!s.has_opened() || !s.has_last_used()) return core::Error{where + "its times are missing"};
  }
  return stored;
}

std::string RestoredSessions::describe(const std::string& path) const {
  if (!problem.empty())
    return "login sessions: " + path + " NOT USED: " + problem + "; everyone logs in again";
  std::string text = "login sessions: " + std::to_string(kept) + " kept from " + path;
  auto add = [&](int n, const char* why) {
    if (n > 0) text += "; " + std::to_string(n) + " " + why;
  };
  add(ended, "ended");
  add(user_gone, "of a user no longer in users_file");
  add(password_changed, "of a user whose password changed");
  return text;
}

RestoredSessions load_sessions_file(const std::string& path, const UserHashes& users, LoginSessions& sessions,
                                    core::TimePoint now) {
  RestoredSessions r;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) return r;
  auto bytes = core::read_bounded_file(path);
  if (!bytes) {
    r.problem = bytes.error();
    return r;
  }
  auto stored = parse_sessions_file(bytes.value());
  if (!stored) {
    r.problem = stored.error();
    return r;
  }
  for (const auto& s : stored->session()) {
    LoginSession session{s.user(), wire::from_proto(s.opened()), wire::from_proto(s.last_used()),
                         s.password_tag()};
    const auto why = standing(session, users);
    if (sessions.ended(session, now) || session.opened > now || session.last_used > now)
      ++r.ended;
    else if (why == SessionStanding::user_gone)
      ++r.user_gone;
    else if (why == SessionStanding::password_changed)
      ++r.password_changed;
    else {
      sessions.restore(s.token_hash(), std::move(session));
      ++r.kept;
    }
  }
  return r;
}

core::Result<bool> save_sessions_file(const std::string& path, const LoginSessions& sessions) {
  v1::station::StoredLoginSessions stored;
  for (const auto& [hash, s] : sessions.by_token_hash()) {
    auto& out = *stored.add_session();
    out.set_token_hash(hash);
    out.set_user(s.user);
    wire::set_time(out.mutable_opened(), s.opened);
    wire::set_time(out.mutable_last_used(), s.last_used);
    out.set_password_tag(s.password_tag);
  }
  const std::string temporary = path + ".new";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return core::Error{system_error(temporary), "", core::ErrorCode::unavailable};
  // A temporary left by an older run keeps its mode through O_TRUNC: set it.
  const bool written = ::fchmod(fd, 0600) == 0 && write_all(fd, stored.SerializeAsString());
  const int saved_errno = errno;
  ::close(fd);
  if (!written) {
    errno = saved_errno;
    const auto why = system_error(temporary);
    std::remove(temporary.c_str());
    return core::Error{why, "", core::ErrorCode::unavailable};
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const auto why = system_error(path);
    std::remove(temporary.c_str());
    return core::Error{why, "", core::ErrorCode::unavailable};
  }
  return true;
}

}  // namespace vigil::station
