#include "hl7out/tls_context.hpp"

#include <openssl/ssl.h>

namespace vigil::hl7out {
namespace ssl = boost::asio::ssl;

core::Result<std::shared_ptr<ssl::context>> make_tls_context(const vigil::v1::config::Hl7Tls& tls) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  if (tls.ca_file().empty())
    ctx->set_default_verify_paths(ec);
  else
    ctx->load_verify_file(tls.ca_file(), ec);
  if (ec)
    return core::Error::at("tls.ca_file", "cannot load the CA certificates " +
                                              (tls.ca_file().empty() ? "of the system" : tls.ca_file()) +
                                              ": " + ec.message());
  if (tls.cert_file().empty() != tls.key_file().empty())
    return core::Error::at(tls.key_file().empty() ? "tls.key_file" : "tls.cert_file",
                           "a client certificate needs both cert_file and key_file");
  if (!tls.cert_file().empty()) {
    ctx->use_certificate_chain_file(tls.cert_file(), ec);
    if (ec) return core::Error::at("tls.cert_file", "cannot load " + tls.cert_file() + ": " + ec.message());
    ctx->use_private_key_file(tls.key_file(), ssl::context::pem, ec);
    if (ec) return core::Error::at("tls.key_file", "cannot load " + tls.key_file() + ": " + ec.message());
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
      return core::Error::at("tls.key_file", tls.key_file() + " is not the key of " + tls.cert_file());
  }
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

}  // namespace vigil::hl7out
