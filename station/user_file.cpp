#include "station/user_file.hpp"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>

#include "core/bounded_file.hpp"

namespace vigil::station {
namespace {

constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMaxPassword = 256;

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string file_text(const UsersFile& users) {
  std::string out =
      "# vigil-station users: name:Argon2id hash (written by vigil-station --add-user; do not edit the "
      "hashes)\n";
  for (const auto& [name, hash] : users.passwords) out += name + ":" + hash + "\n";
  if (!users.certificates.empty()) out += "# client certificates: name:sha256:fingerprint\n";
  for (const auto& [fingerprint, name] : users.certificates) out += name + ":sha256:" + fingerprint + "\n";
  return out;
}

constexpr std::string_view kFingerprintMark = "sha256:";

}  // namespace

std::string user_name_problem(const std::string& name) {
  if (name.find_first_not_of(" \t") == std::string::npos) return "a user name cannot be empty";
  if (name.size() > 64) return "a user name has at most 64 characters";
  if (name.find(':') != std::string::npos) return "a user name cannot contain ':'";
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return "a user name cannot contain control characters";
  if (name.front() == ' ' || name.back() == ' ') return "a user name cannot start or end with a space";
  return "";
}

std::string fingerprint_hex(const std::string& text) {
  std::string hex;
  for (char c : text) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return hex.size() == 64 ? hex : "";
}

core::Result<UsersFile> parse_users_file(const std::string& text, const std::string& path) {
  UsersFile users;
  std::map<std::string, int> certificate_lines;  // name -> line, checked for a password once all is read
  std::istringstream in{text};
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    const auto where = path + ":" + std::to_string(number) + ": ";
    const auto colon = line.find(':');
    const std::string name = line.substr(0, colon),
                      hash = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (hash.starts_with(kFingerprintMark)) {
      if (const auto why = user_name_problem(name); !why.empty()) return core::Error{where + why};
      const auto fingerprint = fingerprint_hex(hash.substr(kFingerprintMark.size()));
      if (fingerprint.empty())
        return core::Error{
            where + "the certificate of '" + name +
            "' is not a SHA-256 fingerprint (openssl x509 -noout -fingerprint -sha256 -in FILE)"};
      if (!users.certificates.emplace(fingerprint, name).second)
        return core::Error{where + "that certificate is listed twice"};
      certificate_lines.emplace(name, number);
      continue;
    }
    if (colon == std::string::npos || line.find('$') == std::string::npos)
      return core::Error{where + "not 'name:hash' (write users with vigil-station --add-user NAME)"};
    if (const auto why = user_name_problem(name); !why.empty()) return core::Error{where + why};
    if (!hash.starts_with("$argon2id$") || hash.size() >= crypto_pwhash_STRBYTES)
      return core::Error{where + "the hash of '" + name +
                         "' is not an Argon2id hash from vigil-station --add-user"};
    if (!users.passwords.emplace(name, hash).second)
      return core::Error{where + "'" + name + "' is listed twice"};
  }
  for (const auto& [name, number] : certificate_lines)
    if (!users.passwords.count(name))
      return core::Error{path + ":" + std::to_string(number) + ": '" + name +
                         "' has a certificate but no password: add one with vigil-station --add-user"};
  return users;
}

core::Result<UsersFile> read_users_file(const std::string& path) {
  auto text = core::read_bounded_file(path);
  if (!text)
    return core::Error{"users_file cannot be read: " + text.error() +
                       " (vigil-station --add-user NAME writes it)"};
  return parse_users_file(text.value(), path);
}

core::Result<UserHashes> parse_users(const std::string& text, const std::string& path) {
  auto users = parse_users_file(text, path);
  if (!users) return users.failure();
  return std::move(users->passwords);
}

core::Result<UserHashes> read_users(const std::string& path) {
  auto users = read_users_file(path);
  if (!users) return users.failure();
  return std::move(users->passwords);
}

bool password_matches(const std::string& hash, const std::string& password) {
  if (!sodium_ready() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

core::Result<bool> set_user_password(const std::string& path, const std::string& name,
                                     const std::string& password) {
  if (const auto why = user_name_problem(name); !why.empty()) return core::Error::at("name", why);
  if (password.size() < kMinPassword)
    return core::Error::at("password",
                           "a password needs at least " + std::to_string(kMinPassword) + " characters");
  if (password.size() > kMaxPassword)
    return core::Error::at("password",
                           "a password has at most " + std::to_string(kMaxPassword) + " characters");
  if (!sodium_ready())
    return core::Error{"libsodium could not be initialised", "", core::ErrorCode::unavailable};
  UsersFile users;
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists) {
    auto read = read_users_file(path);
    if (!read) return read.failure();
    users = std::move(read.value());
  }
  // The interactive limits (64 MiB, 2 passes) keep a login under a second on
  // a small PC while costing a guesser as much per try.
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return core::Error{"not enough memory to hash the password", "", core::ErrorCode::unavailable};
  const bool added = users.passwords.insert_or_assign(name, hash).second;
  const std::string temporary = path + ".new";
  {
    std::ofstream out{temporary, std::ios::trunc};
    out << file_text(users);
    if (!out.flush()) return core::Error{temporary + ": cannot be written", "", core::ErrorCode::unavailable};
  }
  // A new file takes the group of its folder (/etc/vigil is root:vigil), so
  // the station's service can read it; a rewritten one keeps its owner and mode.
  struct stat folder {};
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const bool owned = exists ? ::chown(temporary.c_str(), st.st_uid, st.st_gid) == 0
                            : ::stat(dir.c_str(), &folder) == 0 &&
                                  ::chown(temporary.c_str(), static_cast<uid_t>(-1), folder.st_gid) == 0;
  (void)owned;  // not root and not in that group: the file stays ours, which is all a test needs
  ::chmod(temporary.c_str(), exists ? (st.st_mode & 07777) : 0640);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return core::Error{path + ": cannot be replaced", "", core::ErrorCode::unavailable};
  }
  return added;
}

}  // namespace vigil::station
