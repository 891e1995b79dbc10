#pragma once
// A small file a config names (a TLS certificate, key or CA bundle, a CURVE
// key), read whole. A config can name anything: /dev/zero would never end
// and a FIFO would block its open until a writer came, hanging vigild or
// `--check-config`. So the file is opened without blocking and must be a
// regular file of at most `max_bytes` before a byte is read.
#include <cstddef>
#include <string>

#include "core/result.hpp"

namespace vigil::core {

// 1 MiB: Debian's whole CA bundle is about 220 kB.
inline constexpr std::size_t kMaxConfigFileBytes = std::size_t{1} << 20;

// The error names the path and says why ("/run/x.pem: not a regular file (a FIFO)").
Result<std::string> read_bounded_file(const std::string& path, std::size_t max_bytes = kMaxConfigFileBytes);

}  // namespace vigil::core
