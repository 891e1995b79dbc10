#pragma once
// systemd's notification protocol (sd_notify(3)), spoken directly: one
// datagram of "NAME=value" lines to the AF_UNIX socket named by
// $NOTIFY_SOCKET (a path, or "@name" in the abstract namespace). systemd
// documents the protocol as stable and meant to be reimplemented
// (systemd.io/PORTABILITY_AND_STABILITY); vigild needs READY, RELOADING,
// STOPPING and WATCHDOG and nothing else of libsystemd, whose own
// dependencies (gcrypt, lz4, lzma, zstd, libcap) were 1 MB of vigild's RSS
// (docs/journal.md, "Memory at 128 beds").
//
// Outside systemd ($NOTIFY_SOCKET unset) every call does nothing.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::daemon {

// Sends `state` (e.g. "READY=1") to systemd. Empty when it was sent or there
// is no $NOTIFY_SOCKET; otherwise why it could not be sent.
std::optional<std::string> notify_systemd(std::string_view state);

// The service's watchdog interval when systemd watches this process
// ($WATCHDOG_USEC set and, if $WATCHDOG_PID is set, naming this process), as
// sd_watchdog_enabled(3) reads it.
std::optional<std::chrono::microseconds> systemd_watchdog_interval();

}  // namespace vigil::daemon
