#include "station/web_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <set>
#include <stdexcept>
#include <string>

#include "station/login_gate.hpp"
#include "station/login_sessions.hpp"
#include "station/web_server_state.hpp"

namespace vigil::station {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// The pages of sessions ended because their user was removed or given a new
// password: they would otherwise go on showing the ward to whoever holds
// them. The page shows the reason, with a way to log in again. Code 4001 (an
// application's own, RFC 6455 7.4.2) tells it from a station going away.
void close_pages_of(WebServer::State& state, const std::set<std::string>& token_hashes) {
  websocket::close_reason why{static_cast<websocket::close_code>(kAccountChangedCode),
                              "your account was changed; log in again"};
  for (const auto& weak : state.pages)
    if (auto page = weak.lock();
        page && !page->viewer().token.empty() && token_hashes.contains(token_hash(page->viewer().token)))
      page->close(why);
}

tcp::endpoint parse_listen(const std::string& listen, bool secured) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw std::runtime_error("listen address '" + listen + "' is not host:port");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) throw std::runtime_error("listen address '" + listen + "' has no valid port");
  beast::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) throw std::runtime_error("listen address '" + listen + "': '" + host + "' is not an IP address");
  if (!address.is_loopback() && !secured)
    throw std::runtime_error("listen address '" + listen +
                             "' is reachable from the network: there the dashboard needs HTTPS and a login, "
                             "or whoever reached it could acknowledge alarms under any name. Set tls { "
                             "cert_file key_file } and users_file (vigil-station --add-user NAME) in the "
                             "config, or listen on 127.0.0.1 (or [::1])");
  return {address, static_cast<std::uint16_t>(port)};
}

}  // namespace

std::string listen_problem(const std::string& listen, bool secured) {
  try {
    (void)parse_listen(listen, secured);
    return "";
  } catch (const std::runtime_error& e) {
    return e.what();
  }
}

class WebServer::Listener : public std::enable_shared_from_this<WebServer::Listener> {
 public:
  Listener(asio::io_context& io, const tcp::endpoint& at, std::shared_ptr<WebServer::State> state)
      : acceptor_{io}, state_{std::move(state)} {
    beast::error_code ec;
    acceptor_.open(at.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(at, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::runtime_error("cannot listen on " + at.address().to_string() + ":" +
                               std::to_string(at.port()) + ": " + ec.message());
  }

  void start() { accept_next(); }
  void stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  void accept_next() {
    acceptor_.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || self->state_->stopped) return;
      // Too many connections: the newest is closed at once; the others, and
      // the pages already open, are not disturbed.
      if (!ec && self->state_->connections < self->state_->limits.max_connections) {
        if (const auto& tls = self->state_->security.tls)
          serve_https_connection(std::move(socket), *tls, ConnectionTicket{self->state_});
        else
          serve_http_connection(std::move(socket), ConnectionTicket{self->state_});
      }
      self->accept_next();
    });
  }

  tcp::acceptor acceptor_;
  std::shared_ptr<WebServer::State> state_;
};

WebServer::WebServer(asio::io_context& io, const std::string& listen, WebHandlers handlers,
                     WebSecurity security, WebLimits limits)
    : state_{std::make_shared<State>()} {
  if (security.login && !security.tls)
    throw std::runtime_error("a login needs HTTPS: a password must not cross the network in clear");
  state_->handlers = std::move(handlers);
  state_->limits = limits;
  const bool secured = security.tls && security.login;
  state_->security = std::move(security);
  listener_ = std::make_shared<Listener>(io, parse_listen(listen, secured), state_);
  listener_->start();
  if (state_->security.login)
    state_->security.login->on_sessions_ended(
        [weak = std::weak_ptr<State>{state_}](const std::set<std::string>& token_hashes) {
          if (auto state = weak.lock()) close_pages_of(*state, token_hashes);
        });
}

WebServer::~WebServer() {
  state_->stopped = true;
  listener_->stop();
}

void WebServer::broadcast(std::string text) {
  auto shared = std::make_shared<const std::string>(std::move(text));
  auto& pages = state_->pages;
  for (auto it = pages.begin(); it != pages.end();) {
    if (auto p = it->lock()) {
      p->send(shared);
      ++it;
    } else {
      it = pages.erase(it);
    }
  }
}

std::size_t WebServer::pages() const {
  std::size_t n = 0;
  for (const auto& p : state_->pages) n += p.expired() ? 0 : 1;
  return n;
}

std::uint16_t WebServer::port() const {
  return listener_->port();
}

}  // namespace vigil::station
