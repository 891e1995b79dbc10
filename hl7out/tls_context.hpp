#pragma once
// The TLS side of a destination (Asio SSL over OpenSSL): the receiver's
// certificate must chain to the configured CAs (or the system's) and carry
// the host name vigil connects to (or `server_name`); an optional client
// certificate proves who vigil is. TLS 1.2 or later.
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "vigil/v1/config.pb.h"

namespace vigil::hl7out {

// The context for one destination, or what is wrong with its files (the
// field at fault named: "tls.ca_file", "tls.cert_file", "tls.key_file").
core::Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(
    const vigil::v1::config::Hl7Tls& tls);

}  // namespace vigil::hl7out
