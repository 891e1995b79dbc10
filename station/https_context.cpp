#include "station/https_context.hpp"

#include <openssl/ssl.h>

namespace vigil::station {
namespace ssl = boost::asio::ssl;

core::Result<std::shared_ptr<ssl::context>> make_https_context(const v1::station::Tls& tls) {
  if (tls.cert_file().empty())
    return core::Error::at("tls.cert_file", "HTTPS needs the station's certificate");
  if (tls.key_file().empty())
    return core::Error::at("tls.key_file", "HTTPS needs the certificate's private key");
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(tls.cert_file(), ec);
  if (ec) return core::Error::at("tls.cert_file", "cannot load " + tls.cert_file() + ": " + ec.message());
  ctx->use_private_key_file(tls.key_file(), ssl::context::pem, ec);
  if (ec) return core::Error::at("tls.key_file", "cannot load " + tls.key_file() + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    return core::Error::at("tls.key_file", tls.key_file() + " is not the key of " + tls.cert_file());
  return ctx;
}

}  // namespace vigil::station
