#pragma once
// Who is logged in to the dashboard: a random token per login (the page's
// cookie), which ends after the shift's length or after a time without any
// request from its page, whichever comes first; and the brake on guessing
// passwords. Pure logic on injected times, so both are tested on a manual clock.
// Sessions are found by a hash of their token, never by the token itself, so
// what is kept across a restart (login_session_file.hpp) opens nothing.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/time.hpp"
#include "station/user_file.hpp"

namespace vigil::station {

struct SessionRules {
  std::chrono::hours lifetime{12};  // a shift
  std::chrono::minutes idle{60};
};

struct LoginSession {
  std::string user;
  core::TimePoint opened;
  core::TimePoint last_used;
  std::string password_tag;  // password_tag() of the user's hash at login
};

// BLAKE2b-256 of a session token (32 raw bytes). A token is 32 random bytes,
// so a fast hash is as good as a slow one: nobody can search for it.
std::string token_hash(const std::string& token);
// BLAKE2b-256 of a user's Argon2id hash string: tells a changed password
// without keeping the hash itself beside the sessions.
std::string password_tag(const std::string& argon2_hash);

// Whether a session still stands for the users as users_file now lists
// them: its user removed, or given a new password since the login, ends it.
enum class SessionStanding { stands, user_gone, password_changed };
SessionStanding standing(const LoginSession& s, const UserHashes& users);

struct EndedSession {
  std::string token_hash;
  LoginSession session;
  SessionStanding why;
};

// A session that ran out: its shift's length passed, or its page was idle too long.
struct ExpiredSession {
  LoginSession session;
  std::string why;  // "idle for 60 min", "open for 12 h"
};

class LoginSessions {
 public:
  explicit LoginSessions(SessionRules rules) : rules_{rules} {}

  // A new session for `user`: its token (32 random bytes, hex).
  std::string open(const std::string& user, core::TimePoint now, std::string password_tag = {});
  // The live session of `token`, its idle time restarted unless `keep_alive`
  // is false (a view refreshing itself is not someone at the station);
  // nullopt when unknown or ended (an ended one is forgotten).
  std::optional<LoginSession> use(const std::string& token, core::TimePoint now, bool keep_alive = true);
  void close(const std::string& token);
  // When `s` ends at the latest, if its page stays busy.
  core::TimePoint expires(const LoginSession& s) const { return s.opened + rules_.lifetime; }
  bool ended(const LoginSession& s, core::TimePoint now) const;
  // Ends every session that no longer stands for `users`; says which and why.
  std::vector<EndedSession> end_not_standing(const UserHashes& users);
  // Ends every session that ran out by `now` (use() and open() end those they meet).
  void end_expired(core::TimePoint now);
  // The sessions that ran out since the last call, oldest first: for the log and the journal.
  std::vector<ExpiredSession> take_expired() { return std::exchange(expired_, {}); }
  std::size_t size() const { return sessions_.size(); }

  // Every session by its token's hash: what is kept across a restart.
  const std::map<std::string, LoginSession>& by_token_hash() const { return sessions_; }
  // A session kept from before a restart (the caller judged it still valid).
  void restore(std::string hash, LoginSession s) {
    sessions_.insert_or_assign(std::move(hash), std::move(s));
  }
  // Whether what would be kept changed since the last call: a session opened,
  // closed or ended, or a page's last request moved to a new minute (so a
  // busy page costs one write a minute, and a restart shortens an idle time
  // by at most that minute).
  bool take_changed() { return std::exchange(changed_, false); }

 private:
  void expire(const LoginSession& s, core::TimePoint now);

  SessionRules rules_;
  std::map<std::string, LoginSession> sessions_;  // by token_hash()
  std::vector<ExpiredSession> expired_;
  bool changed_ = false;
};

// Failed logins: the first few are free (a nurse mistypes), then each
// further try for that name or from that address waits twice as long as the
// last, up to a minute. A name is never locked for longer, so a guesser
// cannot keep a nurse out of the station; a minute per guess against an
// Argon2id hash is enough. A quarter of an hour without a failure forgets them.
class LoginThrottle {
 public:
  static constexpr int kFree = 5;
  static constexpr std::chrono::seconds kLongest{60};
  static constexpr std::chrono::minutes kForget{15};

  // How long `key` ("name:A. Diaz", "address:10.0.3.7") must still wait; zero when it may try.
  std::chrono::seconds wait(const std::string& key, core::TimePoint now) const;
  void failed(const std::string& key, core::TimePoint now);
  void succeeded(const std::string& key) { failures_.erase(key); }

 private:
  struct Failures {
    int count = 0;
    core::TimePoint last;
    core::TimePoint allowed_from;
  };
  std::map<std::string, Failures> failures_;
};

}  // namespace vigil::station
