// What reaches the station's login from outside: the login form's body and
// the Cookie header (from any browser on the network), and the users file
// (written by hand by an administrator), and the sessions file kept across
// a restart (read back after a crash or a power cut). Any bytes, never a
// crash; a form that is accepted has a name and a password without NUL; a
// token is 64 hex digits or nothing; every refused users line says which
// line, and every accepted client certificate line is a 64-hex-digit
// fingerprint of a user with a password; a sessions file that is accepted has a 32-byte token hash, a user
// name that could log in and both times in every session.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "station/login_form.hpp"
#include "station/login_session_file.hpp"
#include "station/user_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  if (auto form = vigil::station::parse_login_form(text)) {
    if (form->name.empty() || form->password.empty()) __builtin_trap();
    if (form->name.find('\0') != std::string::npos || form->password.find('\0') != std::string::npos)
      __builtin_trap();
  }
  const auto token = vigil::station::session_token(text);
  if (!token.empty()) {
    if (token.size() != 64) __builtin_trap();
    for (char c : token)
      if (!std::isxdigit(static_cast<unsigned char>(c))) __builtin_trap();
  }
  auto users = vigil::station::parse_users_file(std::string{text}, "users");
  if (!users && !users.error().starts_with("users:")) __builtin_trap();
  if (users) {
    for (const auto& [name, hash] : users->passwords)
      if (!vigil::station::user_name_problem(name).empty() || !hash.starts_with("$argon2id$"))
        __builtin_trap();
    for (const auto& [fingerprint, name] : users->certificates)
      if (vigil::station::fingerprint_hex(fingerprint) != fingerprint || !users->passwords.count(name))
        __builtin_trap();
  }
  if (auto sessions = vigil::station::parse_sessions_file(text))
    for (const auto& s : sessions->session())
      if (s.token_hash().size() != 32 || !vigil::station::user_name_problem(s.user()).empty() ||
          !s.has_opened() || !s.has_last_used())
        __builtin_trap();
  return 0;
}
