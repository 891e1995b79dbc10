#pragma once
// CURVE key files as vigil writes and reads them: a public file (shareable)
// holding `public: <Z85>`, and a secret file (mode 0600) holding both lines.
#include <string>

#include "core/result.hpp"

namespace vigil::core {

struct CurveKeyPair {
  std::string public_key;  // Z85, 40 characters
  std::string secret_key;  // Z85, 40 characters; empty for a public-only file
};

Result<CurveKeyPair> read_curve_key_file(const std::string& path);
bool is_z85_key(const std::string& key);

}  // namespace vigil::core
