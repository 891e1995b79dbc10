#include "station/web_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <list>
#include <optional>
#include <stdexcept>

#include "station/web_assets.hpp"

namespace vigil::station {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

class PageSession;

struct WebServer::State {
  WebHandlers handlers;
  WebLimits limits;
  std::size_t connections = 0;
  std::list<std::weak_ptr<PageSession>> pages;
  bool stopped = false;
};

namespace {

// Counts a connection for as long as its session lives.
class Ticket {
 public:
  explicit Ticket(std::shared_ptr<WebServer::State> s) : state_{std::move(s)} { ++state_->connections; }
  ~Ticket() {
    if (state_) --state_->connections;
  }
  Ticket(Ticket&& o) noexcept : state_{std::move(o.state_)} {}
  Ticket(const Ticket&) = delete;
  Ticket& operator=(const Ticket&) = delete;
  Ticket& operator=(Ticket&&) = delete;
  WebServer::State& state() const { return *state_; }
  const std::shared_ptr<WebServer::State>& shared() const { return state_; }

 private:
  std::shared_ptr<WebServer::State> state_;
};

// Only the page's own files; no framework, nothing fetched from elsewhere.
constexpr const char* kSecurityPolicy =
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

std::string_view path_of(beast::string_view t) {
  const std::string_view target{t.data(), t.size()};
  const auto q = target.find_first_of("?#");
  return q == std::string_view::npos ? target : target.substr(0, q);
}

}  // namespace

class PageSession : public std::enable_shared_from_this<PageSession> {
 public:
  PageSession(tcp::socket socket, Ticket ticket) : ws_{std::move(socket)}, ticket_{std::move(ticket)} {}

  void accept(http::request<http::string_body> req) {
    beast::get_lowest_layer(ws_).expires_never();
    // Pings find a page that vanished without closing (a laptop lid shut).
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds{10};
    t.idle_timeout = std::chrono::seconds{20};
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.read_message_max(ticket_.state().limits.max_message);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "vigil-station"); }));
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  void send(std::shared_ptr<const std::string> text) {
    if (closed_) return;
    if (queue_.size() >= ticket_.state().limits.max_queued) {
      // A page that cannot keep up is dropped; it reconnects and starts afresh.
      closed_ = true;
      beast::get_lowest_layer(ws_).cancel();
      return;
    }
    queue_.push_back(std::move(text));
    if (!writing_) write_next();
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec || ticket_.state().stopped) return;
    ticket_.state().pages.push_back(weak_from_this());
    if (ticket_.state().handlers.greeting)
      for (auto& m : ticket_.state().handlers.greeting())
        send(std::make_shared<const std::string>(std::move(m)));
    read_next();
  }

  void read_next() {
    ws_.async_read(buffer_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    // Any error (closed, a malformed frame, a message over the limit) ends
    // this page's connection only.
    if (ec) {
      closed_ = true;
      return;
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (!ws_.got_text()) {
      send(std::make_shared<const std::string>(
          R"({"reply":{"ok":false,"message":"send text (JSON), not binary"}})"));
    } else if (ticket_.state().handlers.request) {
      std::weak_ptr<PageSession> weak = weak_from_this();
      ticket_.state().handlers.request(text, [weak](std::string reply) {
        if (auto self = weak.lock()) self->send(std::make_shared<const std::string>(std::move(reply)));
      });
    }
    read_next();
  }

  void write_next() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) {
                        self->closed_ = true;
                        return;
                      }
                      self->queue_.pop_front();
                      if (self->queue_.empty())
                        self->writing_ = false;
                      else
                        self->write_next();
                    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  Ticket ticket_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool writing_ = false;
  bool closed_ = false;
};

namespace {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, Ticket ticket) : stream_{std::move(socket)}, ticket_{std::move(ticket)} {}

  void start() { read_next(); }

 private:
  void read_next() {
    parser_.emplace();
    parser_->header_limit(8 * 1024);
    parser_->body_limit(1024);
    stream_.expires_after(ticket_.state().limits.request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit)
      return reply_error(http::status::payload_too_large, "no request bodies here\n");
    if (ec == http::error::header_limit)
      return reply_error(http::status::request_header_fields_too_large, "headers too large\n");
    if (ec) return close();  // closed, timed out, or not HTTP: nothing to answer
    auto req = parser_->release();
    if (websocket::is_upgrade(req)) return upgrade(std::move(req));
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      http::response<http::string_body> res{http::status::method_not_allowed, req.version()};
      res.set(http::field::allow, "GET, HEAD");
      return respond(std::move(res), req, "only GET and HEAD are served\n");
    }
    std::string_view path = path_of(req.target());
    if (path == "/") path = "/index.html";
    const WebAsset* asset = find_web_asset(path);
    if (!asset) return respond({http::status::not_found, req.version()}, req, "not found\n");
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, std::string{asset->content_type});
    res.set(http::field::cache_control, "no-cache");
    const bool head = req.method() == http::verb::head;
    respond(std::move(res), req, std::string{asset->body}, head);
  }

  void upgrade(http::request<http::string_body> req) {
    if (path_of(req.target()) != "/ws")
      return respond({http::status::not_found, req.version()}, req, "not found\n");
    // A page from another site open in the same browser must not be able to
    // acknowledge alarms: only this server's own page may connect.
    const auto origin = req[http::field::origin];
    const auto host = req[http::field::host];
    if (!origin.empty() && origin != "http://" + std::string{host})
      return respond({http::status::forbidden, req.version()}, req, "not from this station's page\n");
    stream_.expires_never();
    std::make_shared<PageSession>(stream_.release_socket(), std::move(ticket_))->accept(std::move(req));
  }

  void respond(http::response<http::string_body> res, const http::request<http::string_body>& req,
               std::string body, bool head = false) {
    res.set(http::field::server, "vigil-station");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Content-Security-Policy", kSecurityPolicy);
    if (res.find(http::field::content_type) == res.end()) res.set(http::field::content_type, "text/plain");
    res.keep_alive(req.keep_alive() && res.result() == http::status::ok);
    res.content_length(body.size());
    if (!head) res.body() = std::move(body);
    write(std::move(res), head);
  }

  void reply_error(http::status status, std::string body) {
    http::response<http::string_body> res{status, 11};
    res.set(http::field::server, "vigil-station");
    res.set(http::field::content_type, "text/plain");
    res.keep_alive(false);
    res.body() = std::move(body);
    res.prepare_payload();
    write(std::move(res), false);
  }

  void write(http::response<http::string_body> res, bool head) {
    auto shared = std::make_shared<http::response<http::string_body>>(std::move(res));
    stream_.expires_after(ticket_.state().limits.request_timeout);
    auto done = [self = shared_from_this(), shared](beast::error_code ec, std::size_t) {
      if (ec || !shared->keep_alive()) return self->close();
      self->read_next();
    };
    if (head) {
      auto sr_ptr = std::make_shared<http::response_serializer<http::string_body>>(*shared);
      http::async_write_header(stream_, *sr_ptr,
                               [done, sr_ptr](beast::error_code ec, std::size_t n) { done(ec, n); });
      return;
    }
    http::async_write(stream_, *shared, done);
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Ticket ticket_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

tcp::endpoint parse_listen(const std::string& listen) {
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
  if (!address.is_loopback())
    throw std::runtime_error("listen address '" + listen +
                             "' is reachable from the network, and the dashboard has neither HTTPS nor a "
                             "login yet: whoever reached it could acknowledge alarms under any name. Listen "
                             "on 127.0.0.1 (or [::1]) and reach it from another PC through an SSH tunnel");
  return {address, static_cast<std::uint16_t>(port)};
}

}  // namespace

std::string listen_problem(const std::string& listen) {
  try {
    (void)parse_listen(listen);
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
      if (!ec && self->state_->connections < self->state_->limits.max_connections)
        std::make_shared<HttpSession>(std::move(socket), Ticket{self->state_})->start();
      self->accept_next();
    });
  }

  tcp::acceptor acceptor_;
  std::shared_ptr<WebServer::State> state_;
};

WebServer::WebServer(asio::io_context& io, const std::string& listen, WebHandlers handlers, WebLimits limits)
    : state_{std::make_shared<State>()} {
  state_->handlers = std::move(handlers);
  state_->limits = limits;
  listener_ = std::make_shared<Listener>(io, parse_listen(listen), state_);
  listener_->start();
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
