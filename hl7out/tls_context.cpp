#include "hl7out/tls_context.hpp"

#include <optional>

#include "core/bounded_file.hpp"
#include "hl7out/tls_module.hpp"

namespace vigil::hl7out {
using Context = std::shared_ptr<TlsContext>;

namespace {

// Loads one PEM file into the context with `use`; the error names `field`.
// `what` says what the file holds, for the error ("the CA certificates ").
template <class Use>
std::optional<core::Error> load_pem(const std::string& field, const std::string& what,
                                    const std::string& path, Use use) {
  auto text = core::read_bounded_file(path);
  if (!text) return core::Error::at(field, "cannot load " + what + text.error());
  if (const std::string problem = use(text.value()); !problem.empty())
    return core::Error::at(field, "cannot load " + what + path + ": " + problem);
  return std::nullopt;
}

// Certificate and key, checked to belong together.
std::optional<core::Error> load_identity(TlsContext& ctx, const std::string& cert, const std::string& key) {
  if (auto e = load_pem("tls.cert_file", "", cert,
                        [&](const std::string& pem) { return ctx.use_certificate_chain(pem); }))
    return e;
  if (auto e =
          load_pem("tls.key_file", "", key, [&](const std::string& pem) { return ctx.use_private_key(pem); }))
    return e;
  if (!ctx.key_matches_certificate())
    return core::Error::at("tls.key_file", key + " is not the key of " + cert);
  return std::nullopt;
}

std::optional<core::Error> load_cas(TlsContext& ctx, const std::string& field, const std::string& path) {
  return load_pem(field, "the CA certificates ", path,
                  [&](const std::string& pem) { return ctx.add_cas(pem); });
}

}  // namespace

core::Result<Context> make_tls_context(const vigil::v1::config::Hl7Tls& tls) {
  const auto module = tls_module();
  if (!module) return module.failure();
  auto ctx = module.value()->client_context();
  if (tls.ca_file().empty()) {
    if (const std::string problem = ctx->use_system_cas(); !problem.empty())
      return core::Error::at("tls.ca_file", "cannot load the CA certificates of the system: " + problem);
  } else if (auto e = load_cas(*ctx, "tls.ca_file", tls.ca_file())) {
    return *e;
  }
  if (tls.cert_file().empty() != tls.key_file().empty())
    return core::Error::at(tls.key_file().empty() ? "tls.key_file" : "tls.cert_file",
                           "a client certificate needs both cert_file and key_file");
  if (!tls.cert_file().empty())
    if (auto e = load_identity(*ctx, tls.cert_file(), tls.key_file())) return *e;
  ctx->verify(TlsContext::Peer::verified);
  return ctx;
}

core::Result<Context> make_tls_server_context(const vigil::v1::config::AdtTls& tls) {
  const auto module = tls_module();
  if (!module) return module.failure();
  auto ctx = module.value()->server_context();
  if (tls.cert_file().empty() || tls.key_file().empty())
    return core::Error::at(tls.cert_file().empty() ? "tls.cert_file" : "tls.key_file",
                           "the ADT port needs its certificate (cert_file) and key (key_file)");
  if (auto e = load_identity(*ctx, tls.cert_file(), tls.key_file())) return *e;
  if (tls.client_ca_file().empty()) {
    ctx->verify(TlsContext::Peer::unverified);
    return ctx;
  }
  if (auto e = load_cas(*ctx, "tls.client_ca_file", tls.client_ca_file())) return *e;
  ctx->verify(TlsContext::Peer::required);
  return ctx;
}

}  // namespace vigil::hl7out
