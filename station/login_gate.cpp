#include "station/login_gate.hpp"

#include <sodium.h>

#include <boost/asio/post.hpp>

#include "station/login_session_file.hpp"
#include "station/user_file.hpp"
#include "wire/timestamp.hpp"

namespace vigil::station {
namespace {

// An unknown name is checked against a hash all the same, so the time an
// answer takes does not tell a guesser which names exist.
const std::string& unknown_user_hash() {
  static const std::string hash = [] {
    char out[crypto_pwhash_STRBYTES] = {};
    if (sodium_init() < 0 || crypto_pwhash_str(out, "x", 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                               crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
      return std::string{};
    return std::string{out};
  }();
  return hash;
}

// The users at start (the station refuses to start without them).
UserHashes readable_users(const std::string& path) {
  auto users = read_users(path);
  return users ? std::move(users.value()) : UserHashes{};
}

}  // namespace

LoginGate::LoginGate(boost::asio::io_context& io, std::string users_file, std::string sessions_file,
                     SessionRules rules, const core::Clock& clock, Log log)
    : io_{io},
      users_file_{std::move(users_file)},
      sessions_file_{std::move(sessions_file)},
      clock_{clock},
      log_{std::move(log)},
      sessions_{rules},
      users_{users_file_, readable_users(users_file_), clock.now()},
      poll_timer_{io} {}

void LoginGate::follow_users_file() {
  schedule_poll();
}

void LoginGate::schedule_poll() {
  poll_timer_.expires_after(core::real_wait(UsersFileWatch::kEvery, clock_));
  poll_timer_.async_wait([this, alive = alive_](boost::system::error_code ec) {
    if (ec || !*alive) return;
    poll_users();
    schedule_poll();
  });
}

void LoginGate::event(v1::StationLogin::Kind kind, const std::string& user, const std::string& address,
                      const std::string& detail) {
  if (!event_) return;
  v1::StationLogin e;
  e.set_kind(kind);
  e.set_operator_name(user);
  e.set_address(address);
  e.set_detail(detail);
  wire::set_time(e.mutable_at(), clock_.now());
  event_(std::move(e));
}

void LoginGate::report_expired() {
  for (const auto& e : sessions_.take_expired()) {
    log_("login session of " + e.session.user + " EXPIRED: " + e.why);
    event(v1::StationLogin::SESSION_EXPIRED, e.session.user, "", e.why);
  }
}

void LoginGate::poll_users() {
  // A session that ran out is said within a poll, not only when its page next asks.
  sessions_.end_expired(clock_.now());
  report_expired();
  keep_sessions();
  const auto news = users_.poll(clock_.now());
  if (!news.problem.empty()) log_(news.problem);
  if (!news.reloaded) return;
  log_("users_file " + users_.path() + " read again: " + news.summary);
  event(v1::StationLogin::USERS_FILE_READ, "", "", news.summary);
  std::set<std::string> ended;
  for (const auto& e : sessions_.end_not_standing(users_.users())) {
    const std::string why =
        e.why == SessionStanding::user_gone ? "no longer in users_file" : "a new password was set";
    log_("login session of " + e.session.user + " ENDED: " + why);
    event(v1::StationLogin::SESSION_ENDED, e.session.user, "", why);
    ended.insert(e.token_hash);
  }
  keep_sessions();
  if (!ended.empty() && sessions_ended_) sessions_ended_(ended);
}

void LoginGate::restore_sessions() {
  auto users = read_users(users_file_);
  RestoredSessions restored;
  if (users)
    restored = load_sessions_file(sessions_file_, users.value(), sessions_, clock_.now());
  else
    restored.problem = "the users cannot be checked: " + users.error();
  log_(restored.describe(sessions_file_));
  // What was dropped (or a corrupt file) is not left on disk to be read again.
  keep_sessions(restored.dropped_any());
}

void LoginGate::keep_sessions(bool even_unchanged) {
  const bool changed = sessions_.take_changed();
  if (!changed && !even_unchanged) return;
  auto saved = save_sessions_file(sessions_file_, sessions_);
  if (saved && keeping_failed_) log_("login sessions: kept in " + sessions_file_ + " again");
  if (!saved && !keeping_failed_)
    log_("login sessions NOT KEPT: " + saved.error() +
         ": a restart of the station will log everyone out (sessions_file says where they go)");
  keeping_failed_ = !saved;
}

LoginGate::~LoginGate() {
  *alive_ = false;
  checker_.join();
}

void LoginGate::log_in(LoginForm form, const std::string& address, std::function<void(LoginOutcome)> done) {
  const auto now = clock_.now();
  const std::string by_name = "name:" + form.name, by_address = "address:" + address;
  const auto wait = std::max(throttle_.wait(by_name, now), throttle_.wait(by_address, now));
  if (wait.count() > 0 || waiting_ >= kMostWaiting) {
    LoginOutcome o;
    o.busy = true;
    o.message = wait.count() > 0
                    ? "Too many failed logins: try again in " + std::to_string(wait.count()) + " s"
                    : "The station is checking other logins: try again in a moment";
    log_("login REFUSED for '" + form.name + "' from " + address + ": " + o.message);
    return done(o);
  }
  ++waiting_;
  // The file as it is now, so a user just added logs in at once; while it
  // cannot be used, the users read before (a typo locks nobody out).
  boost::asio::post(checker_, [this, alive = alive_, form = std::move(form), address, by_name, by_address,
                               known = users_.users(), done = std::move(done)] {
    auto read = read_users(users_file_);
    const bool usable = read && !read->empty();  // else UsersFileWatch says in the log why not
    const UserHashes& users = usable ? read.value() : known;
    std::string problem, tag;
    const bool unreadable = users.empty();
    if (unreadable) {
      problem = read ? "no users in users_file" : read.error();
    } else if (auto it = users.find(form.name); it == users.end()) {
      password_matches(unknown_user_hash(), form.password);
      problem = "no such user";
    } else if (!password_matches(it->second, form.password)) {
      problem = "wrong password";
    } else {
      tag = password_tag(it->second);
    }
    boost::asio::post(
        io_, [this, alive, name = form.name, address, by_name, by_address, problem, tag, unreadable, done] {
          if (!*alive) return;
          --waiting_;
          LoginOutcome o;
          if (!problem.empty()) {
            const auto answered = clock_.now();
            throttle_.failed(by_name, answered);
            throttle_.failed(by_address, answered);
            log_("login FAILED for '" + name + "' from " + address + ": " + problem);
            event(v1::StationLogin::LOGIN_FAILED, name, address, problem);
            // The page does not say which of the two was wrong: that would tell a guesser the names.
            o.message = unreadable ? "The station cannot read its users file: ask the administrator"
                                   : "Wrong name or password";
            return done(o);
          }
          throttle_.succeeded(by_name);
          throttle_.succeeded(by_address);
          done(open_session(name, address, tag, "password"));
        });
  });
}

LoginOutcome LoginGate::open_session(const std::string& name, const std::string& address,
                                     const std::string& tag, const std::string& how) {
  const auto now = clock_.now();
  LoginOutcome o;
  o.ok = true;
  o.token = sessions_.open(name, now, tag);
  report_expired();
  o.max_age =
      std::chrono::duration_cast<std::chrono::seconds>(sessions_.expires(*sessions_.use(o.token, now)) - now);
  log_("login: " + name + " from " + address + (how == "password" ? "" : " (" + how + ")"));
  event(v1::StationLogin::LOGIN, name, address, how);
  keep_sessions();
  return o;
}

void LoginGate::log_in_certificate(const ClientCertificate& certificate, const std::string& address,
                                   std::function<void(LoginOutcome)> done) {
  const std::string by_address = "address:" + address;
  if (throttle_.wait(by_address, clock_.now()).count() > 0 || waiting_ >= kMostWaiting) {
    LoginOutcome o;
    o.busy = true;
    o.message = "Too many failed logins: try again in a moment";
    return done(o);
  }
  ++waiting_;
  // The file is read off the loop, as for a password, so a slow disk never holds up the alarms.
  boost::asio::post(
      checker_, [this, alive = alive_, certificate, address, by_address, done = std::move(done)] {
        auto users = read_users_file(users_file_);
        core::Result<std::string> user =
            users ? certificate_user(certificate, users.value()) : core::Result<std::string>{users.failure()};
        const std::string tag = user && users ? password_tag(users->passwords.at(user.value())) : "";
        boost::asio::post(io_, [this, alive, certificate, address, by_address, user, tag, done] {
          if (!*alive) return;
          --waiting_;
          if (!user) {
            throttle_.failed(by_address, clock_.now());
            log_("certificate login REFUSED from " + address + ": " + user.error());
            event(v1::StationLogin::LOGIN_FAILED,
                  certificate.common_name.empty() ? "(certificate without a CN)" : certificate.common_name,
                  address, "client certificate: " + user.error());
            LoginOutcome o;
            o.message = "Your certificate was not accepted (" + user.error() +
                        "): log in with your name and password";
            return done(o);
          }
          throttle_.succeeded(by_address);
          done(open_session(user.value(), address, tag,
                            "client certificate sha256:" + certificate.sha256.substr(0, 16)));
        });
      });
}

void LoginGate::log_out(const std::string& token, const std::string& address) {
  if (auto s = sessions_.use(token, clock_.now())) {
    log_("logout: " + s->user + " from " + address);
    event(v1::StationLogin::LOGOUT, s->user, address, "");
  }
  report_expired();
  sessions_.close(token);
  keep_sessions();
}

std::optional<LoginSession> LoginGate::use(const std::string& token, bool keep_alive) {
  if (token.empty()) return std::nullopt;
  auto s = sessions_.use(token, clock_.now(), keep_alive);
  report_expired();
  keep_sessions();
  return s;
}

}  // namespace vigil::station
