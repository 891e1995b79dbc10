#include "hl7out/tls_context.hpp"

#include <openssl/ssl.h>

#include <optional>

#include "core/bounded_file.hpp"

namespace vigil::hl7out {
namespace ssl = boost::asio::ssl;
using Context = std::shared_ptr<ssl::context>;

namespace {

// Loads one PEM file into the context with `use`; the error names `field`.
// `what` says what the file holds, for the error ("the CA certificates ").
template <class Use>
std::optional<core::Error> load(const std::string& field, const std::string& what, const std::string& path,
                                Use use) {
  auto text = core::read_bounded_file(path);
  if (!text) return core::Error::at(field, "cannot load " + what + text.error());
  boost::system::error_code ec;
  use(boost::asio::buffer(text.value()), ec);
  if (ec) return core::Error::at(field, "cannot load " + what + path + ": " + ec.message());
  return std::nullopt;
}

// Certificate and key, checked to belong together.
std::optional<core::Error> load_identity(ssl::context& ctx, const std::string& cert, const std::string& key) {
  if (auto e = load("tls.cert_file", "", cert,
                    [&](auto buffer, auto& ec) { ctx.use_certificate_chain(buffer, ec); }))
    return e;
  if (auto e = load("tls.key_file", "", key,
                    [&](auto buffer, auto& ec) { ctx.use_private_key(buffer, ssl::context::pem, ec); }))
    return e;
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    return core::Error::at("tls.key_file", key + " is not the key of " + cert);
  return std::nullopt;
}

std::optional<core::Error> load_cas(ssl::context& ctx, const std::string& field, const std::string& path) {
  return load(field, "the CA certificates ", path,
              [&](auto buffer, auto& ec) { ctx.add_certificate_authority(buffer, ec); });
}

}  // namespace

core::Result<Context> make_tls_context(const vigil::v1::config::Hl7Tls& tls) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  if (tls.ca_file().empty()) {
    boost::system::error_code ec;
    ctx->set_default_verify_paths(ec);
    if (ec)
      return core::Error::at("tls.ca_file", "cannot load the CA certificates of the system: " + ec.message());
  } else if (auto e = load_cas(*ctx, "tls.ca_file", tls.ca_file())) {
    return *e;
  }
  if (tls.cert_file().empty() != tls.key_file().empty())
    return core::Error::at(tls.key_file().empty() ? "tls.key_file" : "tls.cert_file",
                           "a client certificate needs both cert_file and key_file");
  if (!tls.cert_file().empty())
    if (auto e = load_identity(*ctx, tls.cert_file(), tls.key_file())) return *e;
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

core::Result<Context> make_tls_server_context(const vigil::v1::config::AdtTls& tls) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  if (tls.cert_file().empty() || tls.key_file().empty())
    return core::Error::at(tls.cert_file().empty() ? "tls.cert_file" : "tls.key_file",
                           "the ADT port needs its certificate (cert_file) and key (key_file)");
  if (auto e = load_identity(*ctx, tls.cert_file(), tls.key_file())) return *e;
  if (tls.client_ca_file().empty()) {
    ctx->set_verify_mode(ssl::verify_none);
    return ctx;
  }
  if (auto e = load_cas(*ctx, "tls.client_ca_file", tls.client_ca_file())) return *e;
  ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  return ctx;
}

}  // namespace vigil::hl7out
