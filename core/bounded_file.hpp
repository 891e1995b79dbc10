#pragma once
// A file a config or a command line names (a TLS certificate, key or CA
// bundle, a CURVE key, a config, a scenario, a capture), read whole. Either
// can name anything: /dev/zero would never end and a FIFO would block its
// open until a writer came, hanging vigild, `--check-config` or a tool. So
// the file is opened without blocking and must be a regular file of at most
// `max_bytes` before a byte is read. Each caller chooses a bound that fits
// what it reads (docs/architecture.md lists them).
#include <cstddef>
#include <string>

#include "core/result.hpp"

namespace vigil::core {

// 1 MiB: Debian's whole CA bundle is about 220 kB.
inline constexpr std::size_t kMaxConfigFileBytes = std::size_t{1} << 20;

// The error names the path and says why ("/run/x.pem: not a regular file (a FIFO)").
Result<std::string> read_bounded_file(const std::string& path, std::size_t max_bytes = kMaxConfigFileBytes);

// Why `path` may not be opened, "/run/x.db: not a regular file (a FIFO)",
// when it is a FIFO, a device or a socket, whose open or read can wait
// forever or never end; empty for a regular file, a directory (its open
// fails with its own reason) or a path that does not exist yet. For what
// opens its file by other means: SQLite, an append.
std::string special_file(const std::string& path);

}  // namespace vigil::core
