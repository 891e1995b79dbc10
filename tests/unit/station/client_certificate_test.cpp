// Whom a client certificate logs in as (tls client_ca_file), and the users
// file lines that list certificates. The TLS side (another CA, an expired
// certificate) is tested with real certificates in
// tests/integration/test_station_client_certificate.py.
#include "station/client_certificate.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "tests/unit/temp_dir.hpp"

using vigil::station::certificate_user;
using vigil::station::ClientCertificate;
using vigil::station::parse_users_file;

namespace {

// Not a real hash: the parser checks the form, not the password.
const std::string kHash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA";
const std::string kTablet = "b1d1323290163014feec6efd0845c798c3908c8c2e8e8094c610debf3f58bb8e";

vigil::station::UsersFile ward() {
  auto users =
      parse_users_file("A. Diaz:" + kHash + "\nB. Okafor:" + kHash +
                           "\nB. Okafor:sha256:B1:D1:32:32:90:16:30:14:FE:EC:6E:FD:08:45:C7:98:C3:90:8C:8C:"
                           "2E:8E:80:94:C6:10:DE:BF:3F:58:BB:8E\n",
                       "users");
  REQUIRE(users.ok());
  return users.value();
}

}  // namespace

TEST_CASE("a certificate whose CN is a user's name logs that user in") {
  const auto users = ward();
  auto user = certificate_user({"A. Diaz", std::string(64, 'a'), ""}, users);
  REQUIRE(user.ok());
  CHECK(user.value() == "A. Diaz");
}

TEST_CASE(
    "a listed fingerprint logs its user in whatever the CN says, as openssl prints it or in plain hex") {
  const auto users = ward();
  REQUIRE(users.certificates.count(kTablet) == 1);
  auto user = certificate_user({"bed-side tablet 3", kTablet, ""}, users);
  REQUIRE(user.ok());
  CHECK(user.value() == "B. Okafor");
  // The fingerprint wins over a CN naming someone else.
  CHECK(certificate_user({"A. Diaz", kTablet, ""}, users).value() == "B. Okafor");
}

TEST_CASE("a certificate OpenSSL did not trust, or that names nobody, logs nobody in and says why") {
  const auto users = ward();
  auto expired = certificate_user({"A. Diaz", kTablet, "certificate has expired"}, users);
  REQUIRE_FALSE(expired.ok());
  CHECK(expired.error() == "the certificate of 'A. Diaz' is not accepted: certificate has expired");
  auto stranger = certificate_user({"C. Ng", std::string(64, 'c'), ""}, users);
  REQUIRE_FALSE(stranger.ok());
  CHECK(stranger.error().starts_with("the certificate of 'C. Ng' names no user in users_file"));
  CHECK_FALSE(certificate_user({"", std::string(64, 'c'), ""}, users).ok());
}

TEST_CASE("a certificate line needs a fingerprint and a user with a password") {
  CHECK(
      parse_users_file("A. Diaz:sha256:1234\n", "users").error() ==
      "users:1: the certificate of 'A. Diaz' is not a SHA-256 fingerprint (openssl x509 -noout -fingerprint "
      "-sha256 -in FILE)");
  CHECK(parse_users_file("C. Ng:sha256:" + kTablet + "\n", "users").error() ==
        "users:1: 'C. Ng' has a certificate but no password: add one with vigil-station --add-user");
  CHECK(parse_users_file("A. Diaz:" + kHash + "\nA. Diaz:sha256:" + kTablet + "\nB. Okafor:" + kHash +
                             "\nB. Okafor:sha256:" + kTablet + "\n",
                         "users")
            .error() == "users:4: that certificate is listed twice");
}

TEST_CASE("--add-user keeps the certificate lines of the file it rewrites") {
  vigil::test::TempDir dir;
  const auto path = dir.file("users");
  REQUIRE(vigil::station::set_user_password(path, "A. Diaz", "correct horse").ok());
  {
    std::ofstream out{path, std::ios::app};
    out << "A. Diaz:sha256:" << kTablet << "\n";
  }
  REQUIRE(vigil::station::set_user_password(path, "B. Okafor", "her password").ok());
  auto users = vigil::station::read_users_file(path);
  REQUIRE(users.ok());
  CHECK(users->passwords.size() == 2);
  REQUIRE(users->certificates.count(kTablet) == 1);
  CHECK(users->certificates.at(kTablet) == "A. Diaz");
}
