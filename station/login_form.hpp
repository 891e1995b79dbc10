#pragma once
// What a browser sends to log in: the login form's body
// (application/x-www-form-urlencoded, "name=A.+Diaz&password=...") and the
// session cookie on every later request. Both come from the network: a
// malformed one is refused with the reason, never guessed at.
#include <chrono>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vigil::station {

inline constexpr std::string_view kSessionCookie = "__Host-vigil-session";

struct LoginForm {
  std::string name;
  std::string password;
};

core::Result<LoginForm> parse_login_form(std::string_view body);

// The session token in a Cookie header ("a=1; __Host-vigil-session=ab12"),
// or empty when there is none or it is not a token this station makes (hex).
std::string session_token(std::string_view cookie_header);

// The Set-Cookie value that gives a page its session (Secure, HttpOnly,
// SameSite=Strict, for `max_age`), or ends it when the token is empty.
std::string session_cookie(const std::string& token, std::chrono::seconds max_age);

}  // namespace vigil::station
