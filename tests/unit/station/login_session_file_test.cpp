#include "station/login_session_file.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/unit/temp_dir.hpp"

using namespace std::chrono_literals;
using vigil::core::ManualClock;
using vigil::station::load_sessions_file;
using vigil::station::LoginSessions;
using vigil::station::save_sessions_file;
using vigil::station::UserHashes;

namespace {

// Stand-ins for Argon2id hashes: only their tag is compared at load.
const UserHashes kUsers{{"A. Diaz", "$argon2id$v=19$m=65536,t=2,p=1$saltA$hashA"},
                        {"B. Okafor", "$argon2id$v=19$m=65536,t=2,p=1$saltB$hashB"}};

std::string open_as(LoginSessions& sessions, const std::string& user, vigil::core::TimePoint now,
                    const UserHashes& users = kUsers) {
  return sessions.open(user, now, vigil::station::password_tag(users.at(user)));
}

std::string file_bytes(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream{path, std::ios::binary} << bytes;
}

}  // namespace

TEST_CASE(
    "a nurse logged in before the station restarts is still logged in after it; the file holds no token") {
  vigil::test::TempDir dir;
  const auto path = dir.file("login-sessions");
  ManualClock clock;
  LoginSessions before{{12h, 60min}};
  const auto diaz = open_as(before, "A. Diaz", clock.now());
  const auto okafor = open_as(before, "B. Okafor", clock.now());
  REQUIRE(save_sessions_file(path, before).ok());

  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto bytes = file_bytes(path);
  CHECK(bytes.find(diaz) == std::string::npos);
  CHECK(bytes.find(okafor) == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(path + ".new"));

  clock.advance(2min);
  LoginSessions after{{12h, 60min}};
  const auto restored = load_sessions_file(path, kUsers, after, clock.now());
  CHECK(restored.kept == 2);
  CHECK(restored.problem.empty());
  CHECK(restored.describe(path) == "login sessions: 2 kept from " + path);
  REQUIRE(after.use(diaz, clock.now()));
  CHECK(after.use(diaz, clock.now())->user == "A. Diaz");
  CHECK(after.use(okafor, clock.now())->user == "B. Okafor");
  CHECK_FALSE(after.use(vigil::station::token_hash(diaz), clock.now()));  // the stored hash is not a token
}

TEST_CASE("sessions past the shift's 12 hours or an hour idle are dropped at load, and said") {
  vigil::test::TempDir dir;
  const auto path = dir.file("login-sessions");
  ManualClock clock;
  LoginSessions before{{12h, 60min}};
  const auto shift = open_as(before, "A. Diaz", clock.now());
  for (int i = 0; i < 12; ++i) {
    clock.advance(55min);
    REQUIRE(before.use(shift, clock.now()));
  }
  const auto idle = open_as(before, "B. Okafor", clock.now());
  clock.advance(50min);
  REQUIRE(before.use(shift, clock.now()));
  REQUIRE(save_sessions_file(path, before).ok());

  clock.advance(15min);  // 12 h 05 after the first login; the second's last request 65 min ago
  LoginSessions after{{12h, 60min}};
  const auto restored = load_sessions_file(path, kUsers, after, clock.now());
  CHECK(restored.kept == 0);
  CHECK(restored.ended == 2);
  CHECK(after.size() == 0);
  CHECK(restored.describe(path) == "login sessions: 0 kept from " + path + "; 2 ended");
  CHECK_FALSE(after.use(shift, clock.now()));
  CHECK_FALSE(after.use(idle, clock.now()));
}

TEST_CASE("a user removed from users_file, or given a new password, loses their sessions at load") {
  vigil::test::TempDir dir;
  const auto path = dir.file("login-sessions");
  ManualClock clock;
  LoginSessions before{{}};
  const auto diaz = open_as(before, "A. Diaz", clock.now());
  const auto okafor = open_as(before, "B. Okafor", clock.now());
  REQUIRE(save_sessions_file(path, before).ok());

  UserHashes now_listed{{"A. Diaz", "$argon2id$v=19$m=65536,t=2,p=1$saltC$newpassword"}};
  LoginSessions after{{}};
  const auto restored = load_sessions_file(path, now_listed, after, clock.now());
  CHECK(restored.kept == 0);
  CHECK(restored.user_gone == 1);
  CHECK(restored.password_changed == 1);
  CHECK(restored.describe(path) ==
        "login sessions: 0 kept from " + path +
            "; 1 of a user no longer in users_file; 1 of a user whose password changed");
  CHECK_FALSE(after.use(diaz, clock.now()));
  CHECK_FALSE(after.use(okafor, clock.now()));
}

TEST_CASE("a corrupt, cut or unreadable sessions file is said in words and everyone logs in again") {
  vigil::test::TempDir dir;
  const auto path = dir.file("login-sessions");
  ManualClock clock;
  LoginSessions before{{}};
  open_as(before, "A. Diaz", clock.now());
  REQUIRE(save_sessions_file(path, before).ok());
  const auto whole = file_bytes(path);

  SUBCASE("no file yet: no sessions, nothing wrong") {
    std::filesystem::remove(path);
    LoginSessions after{{}};
    const auto restored = load_sessions_file(path, kUsers, after, clock.now());
    CHECK(restored.kept == 0);
    CHECK(restored.problem.empty());
    CHECK_FALSE(restored.dropped_any());
  }
  SUBCASE("cut short by a power cut") {
    write_bytes(path, whole.substr(0, whole.size() / 2));
    LoginSessions after{{}};
    const auto restored = load_sessions_file(path, kUsers, after, clock.now());
    CHECK(after.size() == 0);
    CHECK_FALSE(restored.problem.empty());
    CHECK(restored.describe(path).find("NOT USED") != std::string::npos);
    CHECK(restored.describe(path).ends_with("everyone logs in again"));
  }
  SUBCASE("overwritten with text") {
    write_bytes(path, "A. Diaz 2026-12-05 logged in\n");
    LoginSessions after{{}};
    const auto restored = load_sessions_file(path, kUsers, after, clock.now());
    CHECK(after.size() == 0);
    CHECK_FALSE(restored.problem.empty());
  }
  SUBCASE("a folder where the file should be") {
    std::filesystem::remove(path);
    std::filesystem::create_directory(path);
    LoginSessions after{{}};
    const auto restored = load_sessions_file(path, kUsers, after, clock.now());
    CHECK(after.size() == 0);
    CHECK(restored.problem.find(path) != std::string::npos);
  }
}

TEST_CASE("a page busy every few seconds changes what is kept once a minute, not at every request") {
  ManualClock clock{vigil::core::TimePoint{std::chrono::hours{24 * 365 * 50}}};
  LoginSessions sessions{{12h, 60min}};
  const auto token = open_as(sessions, "A. Diaz", clock.now());
  CHECK(sessions.take_changed());
  int changes = 0;
  for (int i = 0; i < 60; ++i) {  // 5 minutes of a request every 5 s
    clock.advance(5s);
    REQUIRE(sessions.use(token, clock.now()));
    changes += sessions.take_changed() ? 1 : 0;
  }
  CHECK(changes == 5);
  REQUIRE(sessions.use(token, clock.now(), false));
  CHECK_FALSE(sessions.take_changed());  // a view refreshing itself is not a request
  sessions.close(token);
  CHECK(sessions.take_changed());
}

TEST_CASE("a sessions file that cannot be written says why and where") {
  vigil::test::TempDir dir;
  ManualClock clock;
  LoginSessions sessions{{}};
  open_as(sessions, "A. Diaz", clock.now());
  const auto path = dir.file("no-such-folder/login-sessions");
  const auto saved = save_sessions_file(path, sessions);
  REQUIRE_FALSE(saved.ok());
  CHECK(saved.error().find("no-such-folder/login-sessions.new") != std::string::npos);
  CHECK(saved.error().find("No such file or directory") != std::string::npos);
}

TEST_CASE("sessions go in systemd's StateDirectory, else /var/lib/vigil-station") {
  CHECK(vigil::station::default_sessions_file("/var/lib/vigil-station") ==
        "/var/lib/vigil-station/login-sessions");
  CHECK(vigil::station::default_sessions_file("/var/lib/a:/var/lib/b") == "/var/lib/a/login-sessions");
  CHECK(vigil::station::default_sessions_file(nullptr) == "/var/lib/vigil-station/login-sessions");
  CHECK(vigil::station::default_sessions_file("") == "/var/lib/vigil-station/login-sessions");
}
