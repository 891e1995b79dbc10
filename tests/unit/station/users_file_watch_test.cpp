#include "station/users_file_watch.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "station/login_sessions.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace std::chrono_literals;
using vigil::core::ManualClock;
using vigil::station::LoginSessions;
using vigil::station::password_tag;
using vigil::station::SessionStanding;
using vigil::station::UserHashes;
using vigil::station::UsersFileWatch;

namespace {

const std::string kDiaz = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
const std::string kOkafor = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdB$aGFzaB";
const std::string kDiazNew = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdC$aGFzaC";

void write(const std::string& path, const std::string& text) {
  std::ofstream{path, std::ios::trunc} << text;
}

// Polls once a second for `seconds` seconds of the fake clock; the news of the last poll that had any.
vigil::station::UsersFileNews polls(UsersFileWatch& watch, ManualClock& clock, int seconds) {
  vigil::station::UsersFileNews last;
  for (int i = 0; i < seconds; ++i) {
    clock.advance(1s);
    auto news = watch.poll(clock.now());
    if (news.reloaded || !news.problem.empty()) last = news;
  }
  return last;
}

struct StationUsers {
  vigil::test::TempDir dir;
  std::string path = dir.file("station-users");
  ManualClock clock;
  UsersFileWatch watch{path, {{"A. Diaz", kDiaz}}, clock.now()};
  StationUsers() { write(path, "A. Diaz:" + kDiaz + "\n"); }
};

}  // namespace

TEST_CASE("a user added to users_file is taken within two seconds, once the file reads the same twice") {
  StationUsers w;
  CHECK_FALSE(polls(w.watch, w.clock, 3).reloaded);  // the file as the station started: nothing new
  write(w.path, "A. Diaz:" + kDiaz + "\nB. Okafor:" + kOkafor + "\n");
  w.clock.advance(1s);
  CHECK_FALSE(w.watch.poll(w.clock.now()).reloaded);  // seen once: an editor may still be writing it
  w.clock.advance(500ms);
  CHECK_FALSE(w.watch.poll(w.clock.now()).reloaded);  // not due: one read a second
  w.clock.advance(500ms);
  const auto news = w.watch.poll(w.clock.now());
  REQUIRE(news.reloaded);
  CHECK(news.summary == "2 user(s); added B. Okafor");
  CHECK(w.watch.users().count("B. Okafor") == 1);
  CHECK_FALSE(polls(w.watch, w.clock, 3).reloaded);  // said once
}

TEST_CASE("a file caught half-written and then finished is taken as finished, never half") {
  StationUsers w;
  write(w.path, "A. Diaz:" + kDiaz + "\nB. Okafor:" + kOkafor + "\n");
  polls(w.watch, w.clock, 3);
  write(w.path, "# rewritten\n");  // the editor truncated the file and wrote its first line
  w.clock.advance(1s);
  CHECK_FALSE(w.watch.poll(w.clock.now()).reloaded);
  write(w.path, "# rewritten\nA. Diaz:" + kDiaz + "\nB. Okafor:" + kOkafor + "\n");
  w.clock.advance(1s);
  CHECK_FALSE(w.watch.poll(w.clock.now()).reloaded);  // different again: wait for it to settle
  const auto news = polls(w.watch, w.clock, 2);
  CHECK_FALSE(news.reloaded);  // the same users as before: nothing to say
  CHECK(news.problem.empty());
  CHECK(w.watch.users().size() == 2);
}

TEST_CASE(
    "a typo in users_file is said once with its file and line, and the users read before stay in force") {
  StationUsers w;
  write(w.path, "A. Diaz:" + kDiaz + "\nB. Okafor " + kOkafor + "\n");
  const auto news = polls(w.watch, w.clock, 2);
  CHECK_FALSE(news.reloaded);
  CHECK(news.problem == "users_file " + w.path + " NOT USED: " + w.path +
                            ":2: not 'name:hash' (write users with vigil-station --add-user NAME); the 1 "
                            "user(s) read before stay in force");
  CHECK(w.watch.users() == UserHashes{{"A. Diaz", kDiaz}});
  CHECK(polls(w.watch, w.clock, 5).problem.empty());                    // not said again every second
  write(w.path, "A. Diaz:" + kDiaz + "\nB. Okafor:" + kOkafor + "\n");  // corrected
  CHECK(polls(w.watch, w.clock, 2).summary == "2 user(s); added B. Okafor");
}

TEST_CASE("an emptied or deleted users_file locks nobody out") {
  StationUsers w;
  write(w.path, "# everyone removed by mistake\n");
  auto news = polls(w.watch, w.clock, 2);
  CHECK(news.problem.find("NOT USED: it lists nobody; the 1 user(s) read before stay in force") !=
        std::string::npos);
  std::remove(w.path.c_str());
  news = polls(w.watch, w.clock, 2);
  CHECK(news.problem.find("NOT USED: cannot be read: ") != std::string::npos);
  CHECK(w.watch.users().count("A. Diaz") == 1);
  write(w.path, "A. Diaz:" + kDiaz + "\n");  // back as it was
  news = polls(w.watch, w.clock, 3);
  CHECK_FALSE(news.reloaded);
  CHECK(news.problem.empty());
}

TEST_CASE("a user removed or given a new password loses every session at once; the others keep theirs") {
  ManualClock clock;
  LoginSessions sessions{{}};
  const auto diaz = sessions.open("A. Diaz", clock.now(), password_tag(kDiaz));
  const auto diaz_tablet = sessions.open("A. Diaz", clock.now(), password_tag(kDiaz));
  const auto okafor = sessions.open("B. Okafor", clock.now(), password_tag(kOkafor));
  const auto ng = sessions.open("C. Ng", clock.now(), password_tag(kOkafor));
  sessions.take_changed();
  const UserHashes now_listed{{"A. Diaz", kDiazNew}, {"B. Okafor", kOkafor}};
  CHECK(vigil::station::users_change({{"A. Diaz", kDiaz}, {"B. Okafor", kOkafor}, {"C. Ng", kOkafor}},
                                     now_listed) == "removed C. Ng; new password for A. Diaz");
  const auto ended = sessions.end_not_standing(now_listed);
  REQUIRE(ended.size() == 3);
  int gone = 0, changed = 0;
  for (const auto& e : ended) {
    gone += e.why == SessionStanding::user_gone && e.session.user == "C. Ng";
    changed += e.why == SessionStanding::password_changed && e.session.user == "A. Diaz";
  }
  CHECK(gone == 1);
  CHECK(changed == 2);
  CHECK(sessions.take_changed());
  CHECK_FALSE(sessions.use(diaz, clock.now()));
  CHECK_FALSE(sessions.use(diaz_tablet, clock.now()));
  CHECK_FALSE(sessions.use(ng, clock.now()));
  CHECK(sessions.use(okafor, clock.now()));
  // A. Diaz's login with the new password stands.
  const auto again = sessions.open("A. Diaz", clock.now(), password_tag(kDiazNew));
  CHECK(sessions.end_not_standing(now_listed).empty());
  CHECK(sessions.use(again, clock.now()));
}
