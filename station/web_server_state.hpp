#pragma once
// What the dashboard's server (station/web_server.cpp) shares with the
// connections it accepts, and the two ways a connection is served: plain
// HTTP (station/web_session_plain.cpp) or HTTPS (station/web_session_tls.cpp).
// Each way instantiates Beast's HTTP and WebSocket code for its own stream,
// the longest compiles of the station, so each has a file of its own and the
// two compile side by side.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cstddef>
#include <list>
#include <memory>

#include "station/web_server.hpp"

namespace vigil::station {

// An open page's WebSocket, whichever stream it runs over.
class Page {
 public:
  virtual ~Page() = default;
  virtual void send(std::shared_ptr<const std::string> text) = 0;
  // Closes the page's WebSocket with `why` in its close frame, for the page to show.
  virtual void close(boost::beast::websocket::close_reason why) = 0;
  virtual const Viewer& viewer() const = 0;
};

struct WebServer::State {
  WebHandlers handlers;
  WebSecurity security;
  WebLimits limits;
  std::size_t connections = 0;
  std::list<std::weak_ptr<Page>> pages;
  bool stopped = false;
};

// Counts a connection for as long as its session lives.
class ConnectionTicket {
 public:
  explicit ConnectionTicket(std::shared_ptr<WebServer::State> s) : state_{std::move(s)} {
    ++state_->connections;
  }
  ~ConnectionTicket() {
    if (state_) --state_->connections;
  }
  ConnectionTicket(ConnectionTicket&& o) noexcept : state_{std::move(o.state_)} {}
  ConnectionTicket(const ConnectionTicket&) = delete;
  ConnectionTicket& operator=(const ConnectionTicket&) = delete;
  ConnectionTicket& operator=(ConnectionTicket&&) = delete;
  WebServer::State& state() const { return *state_; }
  const std::shared_ptr<WebServer::State>& shared() const { return state_; }

 private:
  std::shared_ptr<WebServer::State> state_;
};

// Serves one accepted connection until it closes: its requests, then, if it
// asks, its page's WebSocket.
void serve_http_connection(boost::asio::ip::tcp::socket socket, ConnectionTicket ticket);
void serve_https_connection(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls,
                            ConnectionTicket ticket);

}  // namespace vigil::station
