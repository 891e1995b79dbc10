#include "station/login_sessions.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

namespace vigil::station {

std::string LoginSessions::open(const std::string& user, core::TimePoint now) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  forget_ended(now);
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  sessions_[hex] = LoginSession{user, now, now};
  return hex;
}

std::optional<LoginSession> LoginSessions::use(const std::string& token, core::TimePoint now,
                                               bool keep_alive) {
  const auto it = sessions_.find(token);
  if (it == sessions_.end()) return std::nullopt;
  if (ended(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  if (keep_alive) it->second.last_used = std::max(it->second.last_used, now);
  return it->second;
}

bool LoginSessions::ended(const LoginSession& s, core::TimePoint now) const {
  return now >= s.opened + rules_.lifetime || now >= s.last_used + rules_.idle;
}

void LoginSessions::forget_ended(core::TimePoint now) {
  std::erase_if(sessions_, [&](const auto& entry) { return ended(entry.second, now); });
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
