// The dashboard's connections over plain HTTP (loopback only, see
// listen_problem).
#include <boost/beast/core/tcp_stream.hpp>

#include "station/web_sessions.hpp"

namespace vigil::station {

void serve_http_connection(tcp::socket socket, ConnectionTicket ticket) {
  std::make_shared<HttpSession<beast::tcp_stream>>(beast::tcp_stream{std::move(socket)}, std::move(ticket))
      ->start();
}

}  // namespace vigil::station
