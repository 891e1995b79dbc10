#include "station/login_form.hpp"

#include <cctype>

namespace vigil::station {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

core::Result<std::string> url_decoded(std::string_view field, std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      const int hi = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        return core::Error::at(std::string{field}, "a '%' not followed by two hex digits");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

}  // namespace

core::Result<LoginForm> parse_login_form(std::string_view body) {
  LoginForm form;
  bool has_name = false, has_password = false;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view raw = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (key != "name" && key != "password") continue;  // a browser may add its own fields
    auto value = url_decoded(key, raw);
    if (!value) return value.failure();
    if (value.value().find('\0') != std::string::npos)
      return core::Error::at(std::string{key}, "contains a NUL character");
    bool& seen = key == "name" ? has_name : has_password;
    if (seen) return core::Error::at(std::string{key}, "is sent twice");
    seen = true;
    (key == "name" ? form.name : form.password) = std::move(value.value());
  }
  if (!has_name || form.name.empty()) return core::Error::at("name", "enter your name");
  if (!has_password || form.password.empty()) return core::Error::at("password", "enter your password");
  return form;
}

std::string session_token(std::string_view header) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != kSessionCookie) continue;
    const std::string_view token = pair.substr(eq + 1);
    if (token.size() != 64) return "";
    for (char c : token)
      if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
    return std::string{token};
  }
  return "";
}

std::string session_cookie(const std::string& token, std::chrono::seconds max_age) {
  // __Host-: the browser keeps it only from HTTPS, for this host and every path.
  return std::string{kSessionCookie} + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(token.empty() ? 0 : max_age.count());
}

}  // namespace vigil::station
