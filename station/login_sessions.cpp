#include "station/login_sessions.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

namespace vigil::station {
namespace {

std::string blake2b_256(const std::string& text) {
  static const bool ready = sodium_init() >= 0;  // picks the fastest implementation; harmless twice
  (void)ready;
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                     nullptr, 0);
  return std::string{reinterpret_cast<const char*>(out), sizeof out};
}

}  // namespace

std::string token_hash(const std::string& token) {
  return blake2b_256(token);
}

std::string password_tag(const std::string& argon2_hash) {
  return blake2b_256(argon2_hash);
}

std::string LoginSessions::open(const std::string& user, core::TimePoint now, std::string password_tag) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  end_expired(now);
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  sessions_[token_hash(hex)] = LoginSession{user, now, now, std::move(password_tag)};
  changed_ = true;
  return hex;
}

std::optional<LoginSession> LoginSessions::use(const std::string& token, core::TimePoint now,
                                               bool keep_alive) {
  const auto it = sessions_.find(token_hash(token));
  if (it == sessions_.end()) return std::nullopt;
  if (ended(it->second, now)) {
    expire(it->second, now);
    sessions_.erase(it);
    changed_ = true;
    return std::nullopt;
  }
  auto& last = it->second.last_used;
  if (keep_alive && now > last) {
    using std::chrono::floor, std::chrono::minutes;
    if (floor<minutes>(now) != floor<minutes>(last)) changed_ = true;
    last = now;
  }
  return it->second;
}

void LoginSessions::close(const std::string& token) {
  if (sessions_.erase(token_hash(token)) > 0) changed_ = true;
}

SessionStanding standing(const LoginSession& s, const UserHashes& users) {
  const auto user = users.find(s.user);
  if (user == users.end()) return SessionStanding::user_gone;
  if (password_tag(user->second) != s.password_tag) return SessionStanding::password_changed;
  return SessionStanding::stands;
}

std::vector<EndedSession> LoginSessions::end_not_standing(const UserHashes& users) {
  std::vector<EndedSession> out;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (const auto why = standing(it->second, users); why != SessionStanding::stands) {
      out.push_back({it->first, std::move(it->second), why});
      it = sessions_.erase(it);
      changed_ = true;
    } else {
      ++it;
    }
  }
  return out;
}

bool LoginSessions::ended(const LoginSession& s, core::TimePoint now) const {
  return now >= s.opened + rules_.lifetime || now >= s.last_used + rules_.idle;
}

void LoginSessions::end_expired(core::TimePoint now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (ended(it->second, now)) {
      expire(it->second, now);
      it = sessions_.erase(it);
      changed_ = true;
    } else {
      ++it;
    }
  }
}

void LoginSessions::expire(const LoginSession& s, core::TimePoint now) {
  const bool shift_over = now >= s.opened + rules_.lifetime;
  expired_.push_back({s, shift_over ? "open for " + std::to_string(rules_.lifetime.count()) + " h"
                                    : "idle for " + std::to_string(rules_.idle.count()) + " min"});
}

std::chrono::seconds LoginThrottle::wait(const std::string& key, core::TimePoint now) const {
  const auto it = failures_.find(key);
  if (it == failures_.end() || now >= it->second.allowed_from) return std::chrono::seconds{0};
  return std::chrono::ceil<std::chrono::seconds>(it->second.allowed_from - now);
}

void LoginThrottle::failed(const std::string& key, core::TimePoint now) {
  std::erase_if(failures_, [&](const auto& entry) { return now - entry.second.last >= kForget; });
  auto& f = failures_[key];
  ++f.count;
  f.last = now;
  if (f.count < kFree) return;
  const int doublings = std::min(f.count - kFree, 6);  // 1, 2, 4 ... 64 s, held at a minute
  f.allowed_from = now + std::min<std::chrono::seconds>(std::chrono::seconds{1 << doublings}, kLongest);
}

}  // namespace vigil::station
