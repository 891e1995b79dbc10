#include "station/user_file.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/unit/temp_dir.hpp"

using vigil::station::parse_users;
using vigil::station::password_matches;
using vigil::station::set_user_password;

TEST_CASE("--add-user writes an Argon2id hash that takes the password and refuses any other") {
  vigil::test::TempDir dir;
  const auto path = dir.file("users");
  auto added = set_user_password(path, "A. Diaz", "correct horse");
  REQUIRE(added.ok());
  CHECK(added.value());
  auto users = vigil::station::read_users(path);
  REQUIRE(users.ok());
  REQUIRE(users->count("A. Diaz") == 1);
  const auto& hash = users->at("A. Diaz");
  CHECK(hash.starts_with("$argon2id$"));
  CHECK(hash.find("correct horse") == std::string::npos);
  CHECK(password_matches(hash, "correct horse"));
  CHECK_FALSE(password_matches(hash, "correct horse "));
  CHECK_FALSE(password_matches(hash, ""));
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
}

TEST_CASE("a new password replaces the old one and keeps the other users") {
  vigil::test::TempDir dir;
  const auto path = dir.file("users");
  REQUIRE(set_user_password(path, "A. Diaz", "first password").ok());
  REQUIRE(set_user_password(path, "B. Okafor", "her password").ok());
  auto changed = set_user_password(path, "A. Diaz", "second password");
  REQUIRE(changed.ok());
  CHECK_FALSE(changed.value());
  auto users = vigil::station::read_users(path);
  REQUIRE(users.ok());
  CHECK(users->size() == 2);
  CHECK(password_matches(users->at("A. Diaz"), "second password"));
  CHECK_FALSE(password_matches(users->at("A. Diaz"), "first password"));
  CHECK(password_matches(users->at("B. Okafor"), "her password"));
}

TEST_CASE("a short password or a name with ':' is refused and the file is not touched") {
  vigil::test::TempDir dir;
  const auto path = dir.file("users");
  auto short_one = set_user_password(path, "A. Diaz", "1234567");
  REQUIRE_FALSE(short_one.ok());
  CHECK(short_one.error() == "password: a password needs at least 8 characters");
  auto colon = set_user_password(path, "A:Diaz", "long enough");
  REQUIRE_FALSE(colon.ok());
  CHECK(colon.error() == "name: a user name cannot contain ':'");
  CHECK_FALSE(std::ifstream{path}.good());
}

TEST_CASE("a users file line that is not name:hash is refused with its line number") {
  const std::string good = "A. Diaz:$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA\n";
  CHECK(parse_users("# users\n\n" + good, "users").ok());
  auto plain = parse_users(good + "B. Okafor:secret\n", "users");
  REQUIRE_FALSE(plain.ok());
  CHECK(plain.error().starts_with("users:2: not 'name:hash'"));
  auto md5 = parse_users("B. Okafor:$1$salt$hash\n", "users");
  REQUIRE_FALSE(md5.ok());
  CHECK(md5.error() ==
        "users:1: the hash of 'B. Okafor' is not an Argon2id hash from vigil-station --add-user");
  auto twice = parse_users(good + good, "users");
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error() == "users:2: 'A. Diaz' is listed twice");
}

TEST_CASE("a users file that is a FIFO or /dev/zero is refused at once instead of hanging the station") {
  vigil::test::TempDir dir;
  REQUIRE(mkfifo(dir.file("users").c_str(), 0600) == 0);
  auto fifo = vigil::station::read_users(dir.file("users"));
  REQUIRE_FALSE(fifo.ok());
  CHECK(fifo.error() == "users_file cannot be read: " + dir.file("users") +
                            ": not a regular file (a FIFO) (vigil-station --add-user NAME writes it)");
  // --add-user reads the file before it writes: it must refuse too, leaving the FIFO alone.
  CHECK_FALSE(set_user_password(dir.file("users"), "A. Diaz", "correct horse").ok());
  auto zero = vigil::station::read_users("/dev/zero");
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().find("/dev/zero: not a regular file (a character device)") != std::string::npos);
}
