#pragma once
// The dashboard's login: checks a name and password against the users file
// (read again at every attempt, so `--add-user` needs no restart), opens and
// ends sessions, brakes guessing, and logs every login, failed login and
// logout with the name and the address it came from. An Argon2id check takes
// a few hundred milliseconds and 64 MiB: it runs on a thread of its own,
// never on the loop that carries the alarms, and only a few wait at a time.
// Sessions are kept in `sessions_file` (login_session_file.hpp) after every
// change, so a restart of the station logs nobody out. The users file is
// followed while the station runs (users_file_watch.hpp): a user removed or
// given a new password loses every session at once, open pages included.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/time.hpp"
#include "station/client_certificate.hpp"
#include "station/login_form.hpp"
#include "station/login_sessions.hpp"
#include "station/users_file_watch.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::station {

struct LoginOutcome {
  bool ok = false;
  std::string token;    // the new session's, when ok
  std::string message;  // for the person at the login page, when not
  bool busy = false;    // refused before checking: throttled or too many waiting
  std::chrono::seconds max_age{0};
};

class LoginGate {
 public:
  using Log = std::function<void(const std::string&)>;

  LoginGate(boost::asio::io_context& io, std::string users_file, std::string sessions_file,
            SessionRules rules, const core::Clock& clock, Log log);
  ~LoginGate();
  LoginGate(const LoginGate&) = delete;
  LoginGate& operator=(const LoginGate&) = delete;

  // `done` runs on the io_context's loop.
  void log_in(LoginForm form, const std::string& address, std::function<void(LoginOutcome)> done);
  // A login with a client certificate (tls client_ca_file): the user it
  // maps to in users_file (read again, as for a password) gets a session; a
  // refusal is logged and counts as a failed login from that address.
  void log_in_certificate(const ClientCertificate& certificate, const std::string& address,
                          std::function<void(LoginOutcome)> done);
  void log_out(const std::string& token, const std::string& address);
  // The session of `token`, which this request keeps alive (unless
  // `keep_alive` is false: a view refreshing itself); nullopt when none.
  std::optional<LoginSession> use(const std::string& token, bool keep_alive = true);
  core::TimePoint expires(const LoginSession& s) const { return sessions_.expires(s); }
  core::TimePoint now() const { return clock_.now(); }
  // Takes back the sessions of sessions_file that are still valid, and says
  // in the log how many and why the others were dropped. Once, at start,
  // after the log has its listeners.
  void restore_sessions();
  // Reads users_file again every UsersFileWatch::kEvery from now on; once, at start.
  void follow_users_file();
  // Told every login, failed login (checked against a password: a try
  // refused unchecked by the brake on guessing is only logged), logout,
  // session ended or expired, and users_file read again: for vigild's journal.
  void on_event(std::function<void(v1::StationLogin)> f) { event_ = std::move(f); }
  // Told the token hashes of the sessions ended by a change of users_file, so
  // that their open pages are closed.
  void on_sessions_ended(std::function<void(const std::set<std::string>&)> f) {
    sessions_ended_ = std::move(f);
  }

 private:
  // Writes the sessions when they changed; a failure is logged once, not at every request.
  void keep_sessions(bool even_unchanged = false);
  void poll_users();
  void schedule_poll();
  void event(v1::StationLogin::Kind kind, const std::string& user, const std::string& address,
             const std::string& detail);
  // Logs and tells on_event of the sessions that ran out.
  void report_expired();
  // Opens `name`'s session on the loop, logs and tells on_event: the end of every successful login.
  LoginOutcome open_session(const std::string& name, const std::string& address, const std::string& tag,
                            const std::string& how);

  static constexpr int kMostWaiting = 4;

  boost::asio::io_context& io_;
  std::string users_file_;
  std::string sessions_file_;
  bool keeping_failed_ = false;
  const core::Clock& clock_;
  Log log_;
  LoginSessions sessions_;
  LoginThrottle throttle_;
  UsersFileWatch users_;
  boost::asio::steady_timer poll_timer_;
  std::function<void(const std::set<std::string>&)> sessions_ended_;
  std::function<void(v1::StationLogin)> event_;
  int waiting_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  boost::asio::thread_pool checker_{1};  // last: joined before the rest goes
};

}  // namespace vigil::station
