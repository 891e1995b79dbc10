#pragma once
// The dashboard's HTTPS (Asio SSL over OpenSSL): the station's certificate
// chain and key from its config, TLS 1.2 or later. Browsers check the
// certificate against the host name staff type, so the clinic's IT issues it
// (or installs the CA of a self-made one on the ward's tablets).
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "core/result.hpp"
#include "vigil/v1/station.pb.h"

namespace vigil::station {

// The server context, or what is wrong with its files (the field at fault
// named: "tls.cert_file", "tls.key_file").
core::Result<std::shared_ptr<boost::asio::ssl::context>> make_https_context(const v1::station::Tls& tls);

}  // namespace vigil::station
