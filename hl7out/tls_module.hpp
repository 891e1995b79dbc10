#pragma once
// Loads vigil's TLS module (vigil-tls.so, tls_stream.hpp) the first time a
// config asks for TLS, and keeps it for the process's life. It is installed
// with vigild, at VIGIL_TLS_MODULE_DIR relative to the running program's
// folder (CMake works the path out from the install layout and builds the
// module at the same place relative to the build's programs).
#include "core/result.hpp"
#include "hl7out/tls_stream.hpp"

namespace vigil::hl7out {

// The module, or why it cannot be used (which file, and what to do).
core::Result<const TlsModule*> tls_module();

}  // namespace vigil::hl7out
