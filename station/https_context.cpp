#include "station/https_context.hpp"

#include <openssl/ssl.h>

#include "core/bounded_file.hpp"

namespace vigil::station {
namespace ssl = boost::asio::ssl;

core::Result<std::shared_ptr<ssl::context>> make_https_context(const v1::station::Tls& tls) {
  if (tls.cert_file().empty())
    return core::Error::at("tls.cert_file", "HTTPS needs the station's certificate");
  if (tls.key_file().empty())
    return core::Error::at("tls.key_file", "HTTPS needs the certificate's private key");
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  // Read through the bound, then handed to OpenSSL as buffers: OpenSSL's own
  // file reading would block on a FIFO and never end on /dev/zero.
  const auto cert = core::read_bounded_file(tls.cert_file());
  if (!cert) return core::Error::at("tls.cert_file", "cannot load " + cert.error());
  const auto key = core::read_bounded_file(tls.key_file());
  if (!key) return core::Error::at("tls.key_file", "cannot load " + key.error());
  boost::system::error_code ec;
  ctx->use_certificate_chain(boost::asio::buffer(cert.value()), ec);
  if (ec) return core::Error::at("tls.cert_file", "cannot load " + tls.cert_file() + ": " + ec.message());
  ctx->use_private_key(boost::asio::buffer(key.value()), ssl::context::pem, ec);
  if (ec) return core::Error::at("tls.key_file", "cannot load " + tls.key_file() + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    return core::Error::at("tls.key_file", tls.key_file() + " is not the key of " + tls.cert_file());
  return ctx;
}

}  // namespace vigil::station
