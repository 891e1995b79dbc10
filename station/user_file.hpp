#pragma once
// The station's users file: who may log in to the dashboard, one line each,
// "name:$argon2id$v=19$m=...$salt$hash" (libsodium's crypto_pwhash_str, so a
// stolen file gives no password without an Argon2id search per guess).
// Names are what the journal records as the actor of every acknowledgement:
// "A. Diaz". Blank lines and lines starting with '#' are ignored.
#include <map>
#include <string>

#include "core/result.hpp"

namespace vigil::station {

using UserHashes = std::map<std::string, std::string>;  // name -> Argon2id hash string

// Why `name` cannot be a user's name (empty when it can): 1-64 characters,
// no ':' (the file's separator), no control characters, not blank.
std::string user_name_problem(const std::string& name);

// The users in `text`; a bad line is refused as "path:line: message".
core::Result<UserHashes> parse_users(const std::string& text, const std::string& path_for_messages);
core::Result<UserHashes> read_users(const std::string& path);

// Whether `password` is the one `hash` was made from.
bool password_matches(const std::string& hash, const std::string& password);

// Adds `name` or gives it a new password, writing the whole file again
// (a temporary beside it, then a rename, so a reader never sees half a file).
// A new file is made readable by its owner and group only.
core::Result<bool> set_user_password(const std::string& path, const std::string& name,
                                     const std::string& password);

}  // namespace vigil::station
