#include "core/curve_keys.hpp"

#include <sstream>

#include "core/bounded_file.hpp"

namespace vigil::core {

bool is_z85_key(const std::string& key) {
  static const std::string alphabet =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  if (key.size() != 40) return false;
  for (char c : key)
    if (alphabet.find(c) == std::string::npos) return false;
  return true;
}

Result<CurveKeyPair> read_curve_key_file(const std::string& path) {
  // A key file is 100-odd bytes; 4 KiB leaves room for comments.
  auto text = read_bounded_file(path, 4096);
  if (!text) return Error{"cannot read the key file " + text.error()};
  std::istringstream in{text.value()};
  CurveKeyPair keys;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos)
      return Error{path + ":" + std::to_string(n) + ": expected 'public: KEY' or 'secret: KEY'"};
    const std::string name = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r") + 1);
    if (!is_z85_key(value)) return Error{path + ":" + std::to_string(n) + ": not a 40-character Z85 key"};
    if (name == "public")
      keys.public_key = value;
    else if (name == "secret")
      keys.secret_key = value;
    else
      return Error{path + ":" + std::to_string(n) + ": unknown key name '" + name + "'"};
  }
  if (keys.public_key.empty()) return Error{path + ": no 'public:' line"};
  return keys;
}

}  // namespace vigil::core
