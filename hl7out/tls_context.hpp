#pragma once
// The TLS contexts of vigil's MLLP links, TLS 1.2 or later. As a client (to
// a destination): the receiver's certificate must chain to the configured
// CAs (or the system's) and carry the host name vigil connects to (or
// `server_name`); an optional client certificate proves who vigil is. As a
// server (the ADT port): vigil's certificate and key, and, when a client CA
// is named, a client certificate that chains to it is required.
//
// Every file is read through core::read_bounded_file: a config naming
// /dev/zero or a FIFO gets an error, never a hang. The contexts are the TLS
// module's (tls_module.hpp), loaded by the first of these calls; without it
// they fail with the reason.
#include <memory>
#include <string>

#include "core/result.hpp"
#include "hl7out/tls_stream.hpp"
#include "vigil/v1/config.pb.h"

namespace vigil::hl7out {

// The context for one destination, or what is wrong with its files (the
// field at fault named: "tls.ca_file", "tls.cert_file", "tls.key_file").
core::Result<std::shared_ptr<TlsContext>> make_tls_context(const vigil::v1::config::Hl7Tls& tls);

// The ADT port's context ("tls.cert_file", "tls.key_file",
// "tls.client_ca_file" at fault).
core::Result<std::shared_ptr<TlsContext>> make_tls_server_context(const vigil::v1::config::AdtTls& tls);

}  // namespace vigil::hl7out
