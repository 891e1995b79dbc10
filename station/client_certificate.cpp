#include "station/client_certificate.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace vigil::station {

core::Result<std::string> certificate_user(const ClientCertificate& c, const UsersFile& users) {
  const std::string which =
      c.common_name.empty() ? "the certificate" : "the certificate of '" + c.common_name + "'";
  if (!c.problem.empty()) return core::Error{which + " is not accepted: " + c.problem};
  if (auto it = users.certificates.find(c.sha256); it != users.certificates.end()) {
    // A listed fingerprint is the user's only while the user has a password line.
    if (users.passwords.count(it->second)) return it->second;
  }
  if (!c.common_name.empty() && users.passwords.count(c.common_name)) return c.common_name;
  return core::Error{which +
                     " names no user in users_file (its CN is not a user's name, and its fingerprint "
                     "sha256:" +
                     c.sha256 + " is not listed)"};
}

std::optional<ClientCertificate> peer_certificate(SSL* ssl) {
  std::unique_ptr<X509, decltype(&X509_free)> cert{SSL_get1_peer_certificate(ssl), X509_free};
  if (!cert) return std::nullopt;
  ClientCertificate c;
  char cn[256] = {};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn) > 0)
    c.common_name = cn;
  // Whoever holds a certificate wrote its CN: it goes into the log as one line.
  for (char& ch : c.common_name)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert.get(), EVP_sha256(), digest, &length) == 1) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < length; ++i) {
      c.sha256 += kHex[digest[i] >> 4];
      c.sha256 += kHex[digest[i] & 0xf];
    }
  }
  if (const long verdict = SSL_get_verify_result(ssl); verdict != X509_V_OK)
    c.problem = X509_verify_cert_error_string(verdict);
  return c;
}

}  // namespace vigil::station
