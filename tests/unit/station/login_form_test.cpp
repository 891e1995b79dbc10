#include "station/login_form.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using vigil::station::parse_login_form;
using vigil::station::session_token;

TEST_CASE("the login form's body is decoded as a browser encodes it") {
  auto f = parse_login_form("name=A.+D%C3%ADaz&password=p%40ss+w%26rd%3D1");
  REQUIRE(f.ok());
  CHECK(f->name ==
        "A. D\xc3\xad"
        "az");
  CHECK(f->password == "p@ss w&rd=1");
}

TEST_CASE("a login form that is broken or incomplete is refused with the field at fault") {
  CHECK(parse_login_form("name=A&password=%4").error() == "password: a '%' not followed by two hex digits");
  CHECK(parse_login_form("name=A&password=%zz").error() == "password: a '%' not followed by two hex digits");
  CHECK(parse_login_form("password=x").error() == "name: enter your name");
  CHECK(parse_login_form("name=A&password=").error() == "password: enter your password");
  CHECK(parse_login_form("name=A&name=B&password=x").error() == "name: is sent twice");
  CHECK(parse_login_form("name=A%00B&password=x").error() == "name: contains a NUL character");
  CHECK(parse_login_form("name=A&password=x&remember=on").ok());
}

TEST_CASE("the session token is found among other cookies, and anything but 64 hex digits is no token") {
  const std::string token(64, 'a');
  CHECK(session_token("theme=dark; __Host-vigil-session=" + token + "; x=1") == token);
  CHECK(session_token("__Host-vigil-session=" + token.substr(1)).empty());
  CHECK(session_token("__Host-vigil-session=" + std::string(63, 'a') + "g").empty());
  CHECK(session_token("vigil-session=" + token).empty());
  CHECK(session_token("").empty());
}

TEST_CASE(
    "the session cookie is HTTPS-only, hidden from scripts, never sent from another site, and expires") {
  const auto cookie = vigil::station::session_cookie(std::string(64, 'b'), 12h);
  CHECK(cookie.starts_with("__Host-vigil-session=bbbb"));
  for (const char* part : {"; Path=/", "; Secure", "; HttpOnly", "; SameSite=Strict", "; Max-Age=43200"})
    CHECK_MESSAGE(cookie.find(part) != std::string::npos, part);
  CHECK(vigil::station::session_cookie("", 12h).ends_with("Max-Age=0"));
}
