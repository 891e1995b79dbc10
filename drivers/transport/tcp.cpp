#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <charconv>

#include "drivers/transport/asio_stream.hpp"

namespace vigil::drivers {
namespace asio = boost::asio;
using asio::ip::tcp;

core::Result<std::pair<std::string, std::uint16_t>> split_host_port(const std::string& host_port) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0) return core::Error{"'" + host_port + "' is not host:port"};
  unsigned port = 0;
  const char* first = host_port.data() + colon + 1;
  const char* last = host_port.data() + host_port.size();
  auto [end, ec] = std::from_chars(first, last, port);
  if (ec != std::errc{} || end != last || port == 0 || port > 65535)
    return core::Error{"'" + host_port + "' has no valid port (1-65535)"};
  std::string host = host_port.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

void connect_tcp(asio::io_context& io, const std::string& host_port,
                 std::function<void(core::Result<std::unique_ptr<ByteStream>>)> done) {
  auto hp = split_host_port(host_port);
  if (!hp) return done(core::Error{hp.error()});
  auto resolver = std::make_shared<tcp::resolver>(io);
  auto socket = std::make_shared<tcp::socket>(io);
  resolver->async_resolve(
      hp->first, std::to_string(hp->second),
      [resolver, socket, host_port, done](boost::system::error_code ec, tcp::resolver::results_type results) {
        if (ec) return done(core::Error{"cannot resolve " + host_port + ": " + ec.message()});
        asio::async_connect(
            *socket, results, [socket, host_port, done](boost::system::error_code cec, const tcp::endpoint&) {
              if (cec) return done(core::Error{"cannot connect to " + host_port + ": " + cec.message()});
              socket->set_option(tcp::no_delay(true));
              done(make_byte_stream(std::move(*socket), "tcp " + host_port));
            });
      });
}

namespace {
class AsioTcpListener final : public TcpListener, public std::enable_shared_from_this<AsioTcpListener> {
 public:
  AsioTcpListener(tcp::acceptor acceptor, std::string description, AcceptHandler on_accept)
      : acceptor_{std::move(acceptor)},
        description_{std::move(description)},
        on_accept_{std::move(on_accept)} {}
  void accept() {
    auto weak = weak_from_this();
    acceptor_.async_accept([weak](boost::system::error_code ec, tcp::socket socket) {
      auto self = weak.lock();
      if (!self) return;
      if (!ec) {
        boost::system::error_code peer_ec;
        auto peer = socket.remote_endpoint(peer_ec);
        std::string who =
            peer_ec ? "unknown peer" : peer.address().to_string() + ":" + std::to_string(peer.port());
        socket.set_option(tcp::no_delay(true), peer_ec);
        self->on_accept_(
            make_byte_stream(std::move(socket), "tcp from " + who + " on " + self->description_));
      }
      if (ec != asio::error::operation_aborted) self->accept();
    });
  }
  void stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  }
  std::string describe() const override { return description_; }

 private:
  tcp::acceptor acceptor_;
  std::string description_;
  AcceptHandler on_accept_;
};

class ListenerHandle final : public TcpListener {
 public:
  explicit ListenerHandle(std::shared_ptr<AsioTcpListener> l) : l_{std::move(l)} {}
  ~ListenerHandle() override { l_->stop(); }
  std::string describe() const override { return l_->describe(); }

 private:
  std::shared_ptr<AsioTcpListener> l_;
};
}  // namespace

core::Result<std::unique_ptr<TcpListener>> listen_tcp(asio::io_context& io, const std::string& host_port,
                                                      AcceptHandler on_accept) {
  auto hp = split_host_port(host_port);
  if (!hp) return core::Error{hp.error()};
  boost::system::error_code ec;
  auto address = asio::ip::make_address(hp->first == "localhost" ? "127.0.0.1" : hp->first, ec);
  if (ec) return core::Error{"'" + hp->first + "' is not an IP address to listen on"};
  tcp::acceptor acceptor{io};
  tcp::endpoint endpoint{address, hp->second};
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return core::Error{"cannot listen on " + host_port + ": " + ec.message()};
  auto listener =
      std::make_shared<AsioTcpListener>(std::move(acceptor), "tcp " + host_port, std::move(on_accept));
  listener->accept();
  return std::unique_ptr<TcpListener>(std::make_unique<ListenerHandle>(listener));
}

}  // namespace vigil::drivers
