// The dashboard's connections over HTTPS.
#include "station/web_sessions.hpp"

namespace vigil::station {

void serve_https_connection(tcp::socket socket, asio::ssl::context& tls, ConnectionTicket ticket) {
  std::make_shared<HttpSession<TlsStream>>(TlsStream{std::move(socket), tls}, std::move(ticket))->start();
}

}  // namespace vigil::station
