#pragma once
// The station's users file: who may log in to the dashboard, one line each,
// "name:$argon2id$v=19$m=...$salt$hash" (libsodium's crypto_pwhash_str, so a
// stolen file gives no password without an Argon2id search per guess).
// Names are what the journal records as the actor of every acknowledgement:
// "A. Diaz". Blank lines and lines starting with '#' are ignored.
// A line "name:sha256:HEX" lets the client certificate with that SHA-256
// fingerprint (hex, colons allowed, as `openssl x509 -fingerprint -sha256`
// prints it) log that user in without a password; the user needs a password
// line too, whose change or removal ends their sessions as it does for a
// password login.
#include <map>
#include <string>

#include "core/result.hpp"

namespace vigil::station {

using UserHashes = std::map<std::string, std::string>;        // name -> Argon2id hash string
using CertificateUsers = std::map<std::string, std::string>;  // SHA-256 fingerprint (64 hex) -> name

struct UsersFile {
  UserHashes passwords;
  CertificateUsers certificates;
};

// Why `name` cannot be a user's name (empty when it can): 1-64 characters,
// no ':' (the file's separator), no control characters, not blank.
std::string user_name_problem(const std::string& name);

// The users in `text`; a bad line is refused as "path:line: message".
core::Result<UsersFile> parse_users_file(const std::string& text, const std::string& path_for_messages);
core::Result<UsersFile> read_users_file(const std::string& path);
// Their passwords only.
core::Result<UserHashes> parse_users(const std::string& text, const std::string& path_for_messages);
core::Result<UserHashes> read_users(const std::string& path);

// "B1:D1:32:..." or "b1d132..." as 64 lowercase hex digits; empty when it is not a SHA-256 fingerprint.
std::string fingerprint_hex(const std::string& text);

// Whether `password` is the one `hash` was made from.
bool password_matches(const std::string& hash, const std::string& password);

// Adds `name` or gives it a new password, writing the whole file again
// (a temporary beside it, then a rename, so a reader never sees half a file).
// A new file is made readable by its owner and group only.
core::Result<bool> set_user_password(const std::string& path, const std::string& name,
                                     const std::string& password);

}  // namespace vigil::station
