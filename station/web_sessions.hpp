#pragma once
// A dashboard connection's HTTP exchanges and its page's WebSocket, for
// either stream (plain TCP or TLS). Included only by
// station/web_session_plain.cpp and station/web_session_tls.cpp, each of
// which instantiates it for one stream (station/web_server_state.hpp says why).
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "html/html_text.hpp"
#include "station/client_certificate.hpp"
#include "station/login_form.hpp"
#include "station/login_gate.hpp"
#include "station/web_assets.hpp"
#include "station/web_server_state.hpp"

namespace vigil::station {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Only the page's own files; no framework, nothing fetched from elsewhere.
inline constexpr const char* kSecurityPolicy =
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// What a browser may fetch before logging in: the login page and its looks.
inline bool served_without_login(std::string_view path) {
  return path == "/login.html" || path == "/style.css" || path == "/favicon.svg";
}

// The login page, with what went wrong at the last try in it.
inline std::string login_page(const std::string& message) {
  std::string page{find_web_asset("/login.html")->body};
  if (message.empty()) return page;
  const std::string mark = "<!--message-->";
  const auto at = page.find(mark);
  if (at != std::string::npos)
    page.replace(at, mark.size(),
                 "<p class=\"login-error\" role=\"alert\">" + html::html_escape(message) + "</p>");
  return page;
}

template <class Stream>
std::string peer_address(Stream& s) {
  beast::error_code ec;
  const auto endpoint = beast::get_lowest_layer(s).socket().remote_endpoint(ec);
  return ec ? std::string{"?"} : endpoint.address().to_string();
}

inline std::string_view path_of(beast::string_view t) {
  const std::string_view target{t.data(), t.size()};
  const auto q = target.find_first_of("?#");
  return q == std::string_view::npos ? target : target.substr(0, q);
}

template <class Stream>
class PageSession : public Page, public std::enable_shared_from_this<PageSession<Stream>> {
 public:
  PageSession(Stream stream, ConnectionTicket ticket, Viewer viewer)
      : ws_{std::move(stream)}, ticket_{std::move(ticket)}, viewer_{std::move(viewer)} {}

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
    ws_.async_accept(req, [self = this->shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  void send(std::shared_ptr<const std::string> text) override {
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

  void close(websocket::close_reason why) override {
    if (closed_) return;
    closed_ = true;
    closing_ = std::move(why);
    // What waits is not sent; a message being written is finished first, as
    // a close frame cannot cut into it.
    if (writing_)
      queue_.erase(queue_.begin() + 1, queue_.end());
    else
      send_close();
  }

  const Viewer& viewer() const override { return viewer_; }

 private:
  void on_accept(beast::error_code ec) {
    if (ec || ticket_.state().stopped) return;
    ticket_.state().pages.push_back(this->weak_from_this());
    if (ticket_.state().handlers.greeting)
      for (auto& m : ticket_.state().handlers.greeting(viewer_))
        send(std::make_shared<const std::string>(std::move(m)));
    read_next();
  }

  void read_next() {
    ws_.async_read(
        buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
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
      std::weak_ptr<PageSession> weak = this->weak_from_this();
      ticket_.state().handlers.request(text, viewer_, [weak](std::string reply) {
        if (auto self = weak.lock()) self->send(std::make_shared<const std::string>(std::move(reply)));
      });
    }
    read_next();
  }

  void write_next() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()),
                    [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) {
                        self->closed_ = true;
                        return;
                      }
                      self->queue_.pop_front();
                      if (self->queue_.empty() || self->closing_) {
                        self->writing_ = false;
                        if (self->closing_) self->send_close();
                      } else {
                        self->write_next();
                      }
                    });
  }

  void send_close() {
    ws_.async_close(*closing_, [self = this->shared_from_this()](beast::error_code) {});
  }

  websocket::stream<Stream> ws_;
  ConnectionTicket ticket_;
  Viewer viewer_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool writing_ = false;
  bool closed_ = false;
  std::optional<websocket::close_reason> closing_;
};

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  using Request = http::request<http::string_body>;
  using Response = http::response<http::string_body>;

  HttpSession(Stream stream, ConnectionTicket ticket)
      : stream_{std::move(stream)}, ticket_{std::move(ticket)}, address_{peer_address(stream_)} {}

  void start() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      beast::get_lowest_layer(stream_).expires_after(ticket_.state().limits.request_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->close();  // not TLS, or a certificate refused
                                self->read_next();
                              });
    } else {
      read_next();
    }
  }

 private:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  LoginGate* login() const { return ticket_.state().security.login; }

  static std::string token_of(const Request& req) {
    const auto cookie = req[http::field::cookie];
    return session_token({cookie.data(), cookie.size()});
  }

  void read_next() {
    parser_.emplace();
    parser_->header_limit(8 * 1024);
    parser_->body_limit(1024);
    beast::get_lowest_layer(stream_).expires_after(ticket_.state().limits.request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit)
      return reply_error(http::status::payload_too_large, "no request bodies here\n");
    if (ec == http::error::header_limit)
      return reply_error(http::status::request_header_fields_too_large, "headers too large\n");
    if (ec) return close();  // closed, timed out, or not HTTP: nothing to answer
    auto req = parser_->release();
    if (websocket::is_upgrade(req)) return upgrade(std::move(req));
    std::string_view path = path_of(req.target());
    if (login() && req.method() == http::verb::post && (path == "/login" || path == "/logout"))
      return path == "/login" ? log_in(std::move(req)) : log_out(std::move(req));
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      Response res{http::status::method_not_allowed, req.version()};
      res.set(http::field::allow, login() ? "GET, HEAD, POST" : "GET, HEAD");
      return respond(std::move(res), req, "only GET and HEAD are served\n");
    }
    if (path == "/") path = "/index.html";
    const WebAsset* asset = find_web_asset(path);
    if (!asset) return respond({http::status::not_found, req.version()}, req, "not found\n");
    if (login() && !served_without_login(path) && !login()->use(token_of(req))) {
      if constexpr (kTls)
        if (ticket_.state().security.client_certificates && !certificate_tried_)
          return log_in_by_certificate(std::move(req));
      return redirect(req, "/login.html");
    }
    Response res{http::status::ok, req.version()};
    res.set(http::field::content_type, std::string{asset->content_type});
    res.set(http::field::cache_control, "no-cache");
    const bool head = req.method() == http::verb::head;
    respond(std::move(res), req, std::string{asset->body}, head);
  }

  // Only this server's own page may send what acts under someone's name: a
  // page from another site open in the same browser must not.
  bool from_own_page(const Request& req) const {
    const auto origin = req[http::field::origin];
    return origin.empty() ||
           origin == std::string{kTls ? "https://" : "http://"} + std::string{req[http::field::host]};
  }

  void log_in(Request req) {
    if (!from_own_page(req))
      return respond({http::status::forbidden, req.version()}, req, "not from this station's page\n");
    auto form = parse_login_form(req.body());
    if (!form) return login_refused(req, http::status::bad_request, form.failure().message);
    auto self = this->shared_from_this();
    login()->log_in(std::move(form.value()), address_,
                    [self, req = std::move(req)](LoginOutcome o) { self->answer_login(req, o); });
  }

  // Once per connection: a refused certificate shows the login page with
  // the reason, and the connection's next requests go the password's way.
  void log_in_by_certificate(Request req) {
    certificate_tried_ = true;
    auto certificate = peer_certificate(stream_.native_handle());
    if (!certificate) return redirect(req, "/login.html");
    auto self = this->shared_from_this();
    login()->log_in_certificate(*certificate, address_,
                                [self, req = std::move(req)](LoginOutcome o) { self->answer_login(req, o); });
  }

  // The session's cookie and the dashboard, or the login page saying why not.
  void answer_login(const Request& req, const LoginOutcome& o) {
    if (!o.ok)
      return login_refused(req, o.busy ? http::status::too_many_requests : http::status::unauthorized,
                           o.message);
    Response res{http::status::see_other, req.version()};
    res.set(http::field::location, "/");
    res.set(http::field::set_cookie, session_cookie(o.token, o.max_age));
    respond(std::move(res), req, "logged in\n");
  }

  void login_refused(const Request& req, http::status status, const std::string& message) {
    Response res{status, req.version()};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    respond(std::move(res), req, login_page(message));
  }

  void log_out(Request req) {
    if (!from_own_page(req))
      return respond({http::status::forbidden, req.version()}, req, "not from this station's page\n");
    login()->log_out(token_of(req), address_);
    Response res{http::status::see_other, req.version()};
    res.set(http::field::location, "/login.html");
    res.set(http::field::set_cookie, session_cookie("", {}));
    respond(std::move(res), req, "logged out\n");
  }

  void redirect(const Request& req, const char* where) {
    Response res{http::status::see_other, req.version()};
    res.set(http::field::location, where);
    respond(std::move(res), req, "log in first\n");
  }

  void upgrade(Request req) {
    if (path_of(req.target()) != "/ws")
      return respond({http::status::not_found, req.version()}, req, "not found\n");
    if (!from_own_page(req))
      return respond({http::status::forbidden, req.version()}, req, "not from this station's page\n");
    Viewer viewer{"", address_};
    if (login()) {
      viewer.token = token_of(req);
      if (!login()->use(viewer.token))
        return respond({http::status::unauthorized, req.version()}, req, "log in first\n");
    }
    beast::get_lowest_layer(stream_).expires_never();
    std::make_shared<PageSession<Stream>>(std::move(stream_), std::move(ticket_), std::move(viewer))
        ->accept(std::move(req));
  }

  void respond(Response res, const Request& req, std::string body, bool head = false) {
    res.set(http::field::server, "vigil-station");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Content-Security-Policy", kSecurityPolicy);
    if (res.find(http::field::content_type) == res.end()) res.set(http::field::content_type, "text/plain");
    res.keep_alive(req.keep_alive() &&
                   (res.result() == http::status::ok || res.result() == http::status::see_other));
    res.content_length(body.size());
    if (!head) res.body() = std::move(body);
    write(std::move(res), head);
  }

  void reply_error(http::status status, std::string body) {
    Response res{status, 11};
    res.set(http::field::server, "vigil-station");
    res.set(http::field::content_type, "text/plain");
    res.keep_alive(false);
    res.body() = std::move(body);
    res.prepare_payload();
    write(std::move(res), false);
  }

  void write(Response res, bool head) {
    auto shared = std::make_shared<Response>(std::move(res));
    beast::get_lowest_layer(stream_).expires_after(ticket_.state().limits.request_timeout);
    auto done = [self = this->shared_from_this(), shared](beast::error_code ec, std::size_t) {
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
    // Over TLS without a close_notify: the page has had its answer, and a
    // peer that stopped reading must not keep the connection open.
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    beast::get_lowest_layer(stream_).close();
  }

  Stream stream_;
  ConnectionTicket ticket_;
  std::string address_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool certificate_tried_ = false;
};

}  // namespace vigil::station
