#pragma once
// Logging in with a client certificate instead of a password (tls
// client_ca_file): the station asks the browser for a certificate on TLS,
// OpenSSL checks it against the configured CA and its dates, and this says
// whom a checked certificate logs in as. A certificate from another CA, an
// expired one, or one that maps to nobody logs nobody in; the login page
// says why, and the password login remains.
#include <openssl/ssl.h>

#include <optional>
#include <string>

#include "core/result.hpp"
#include "station/user_file.hpp"

namespace vigil::station {

struct ClientCertificate {
  std::string common_name;  // the subject's CN, empty when it has none
  std::string sha256;       // fingerprint of the DER certificate, 64 lowercase hex digits
  std::string problem;      // why OpenSSL did not trust it ("certificate has expired"); empty when it did
};

// The user a certificate logs in as: the one whose listed fingerprint it
// has, else the user named by its CN; an error for people when none (or the
// certificate was not trusted).
core::Result<std::string> certificate_user(const ClientCertificate& c, const UsersFile& users);

// The certificate the peer of `ssl` presented, with OpenSSL's verdict on it; nullopt when none.
std::optional<ClientCertificate> peer_certificate(SSL* ssl);

}  // namespace vigil::station
