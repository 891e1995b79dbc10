#pragma once
// Who is logged in to the dashboard: a random token per login (the page's
// cookie), which ends after the shift's length or after a time without any
// request from its page, whichever comes first; and the brake on guessing
// passwords. Pure logic on injected times, so both are tested on a manual clock.
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "core/time.hpp"

namespace vigil::station {

struct SessionRules {
  std::chrono::hours lifetime{12};  // a shift
  std::chrono::minutes idle{60};
};

struct LoginSession {
  std::string user;
  core::TimePoint opened;
  core::TimePoint last_used;
};

class LoginSessions {
 public:
  explicit LoginSessions(SessionRules rules) : rules_{rules} {}

  // A new session for `user`: its token (32 random bytes, hex).
  std::string open(const std::string& user, core::TimePoint now);
  // The live session of `token`, its idle time restarted unless `keep_alive`
  // is false (a view refreshing itself is not someone at the station);
  // nullopt when unknown or ended (an ended one is forgotten).
  std::optional<LoginSession> use(const std::string& token, core::TimePoint now, bool keep_alive = true);
  void close(const std::string& token) { sessions_.erase(token); }
  // When `s` ends at the latest, if its page stays busy.
  core::TimePoint expires(const LoginSession& s) const { return s.opened + rules_.lifetime; }
  std::size_t size() const { return sessions_.size(); }

 private:
  bool ended(const LoginSession& s, core::TimePoint now) const;
  void forget_ended(core::TimePoint now);

  SessionRules rules_;
  std::map<std::string, LoginSession> sessions_;
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
