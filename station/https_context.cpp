#include "station/https_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <memory>

#include "core/bounded_file.hpp"

namespace vigil::station {
namespace ssl = boost::asio::ssl;
namespace {

// Every certificate of the CA's PEM file, trusted for client certificates
// and named to the browser (which then offers only certificates it issued).
core::Result<bool> ask_client_certificates(ssl::context& ctx, const std::string& path) {
  const auto pem = core::read_bounded_file(path);
  if (!pem) return core::Error::at("tls.client_ca_file", "cannot load " + pem.error());
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{
      BIO_new_mem_buf(pem.value().data(), static_cast<int>(pem.value().size())), BIO_free};
  int count = 0;
  while (X509* ca = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    const bool added = X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.native_handle()), ca) == 1 &&
                       SSL_CTX_add_client_CA(ctx.native_handle(), ca) == 1;
    X509_free(ca);
    if (!added) return core::Error::at("tls.client_ca_file", "cannot use the certificates of " + path);
    ++count;
  }
  ERR_clear_error();  // the end of the file reads as an error
  if (count == 0) return core::Error::at("tls.client_ca_file", path + " holds no PEM certificate");
  // Asked, not required: a browser without a certificate still gets the
  // password login. A certificate that fails the check does not end the
  // handshake either: the login page says why it was not taken
  // (client_certificate.hpp reads OpenSSL's verdict).
  SSL_CTX_set_verify(ctx.native_handle(), SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
  // A resumed TLS session keeps its certificate's verdict; OpenSSL refuses to
  // resume one with a client certificate unless the server names a context.
  static constexpr unsigned char kContext[] = "vigil-station";
  SSL_CTX_set_session_id_context(ctx.native_handle(), kContext, sizeof kContext - 1);
  return true;
}

}  // namespace

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
  if (!tls.client_ca_file().empty())
    if (auto asked = ask_client_certificates(*ctx, tls.client_ca_file()); !asked) return asked.failure();
  return ctx;
}

}  // namespace vigil::station
