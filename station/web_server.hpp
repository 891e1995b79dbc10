#pragma once
// The dashboard's HTTP and WebSocket server (Boost.Beast) on the station's
// one Asio loop. It serves the page's few files, built into the binary, and
// one WebSocket at /ws, and refuses the rest: methods other than GET and HEAD
// (405), paths it does not serve (404), request bodies and oversized headers,
// WebSocket handshakes from another origin's page (403), connections past a
// limit, idle connections, and WebSocket messages over a few kilobytes. A bad
// peer loses its own connection; the server and the other pages carry on.
// On loopback it may serve plain HTTP with no login; on any other address
// only HTTPS, and every page needs a login (see listen_problem): the login
// page and its form (POST /login, POST /logout) are then the only things
// served without a session, and each page's WebSocket knows its session.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace vigil::station {

struct WebLimits {
  std::size_t max_connections = 64;  // HTTP and WebSocket together
  std::size_t max_message = 4096;    // a page's WebSocket message
  std::chrono::seconds request_timeout{10};
  std::size_t max_queued = 256;  // messages waiting for a slow page before it is dropped
};

class LoginGate;

// The WebSocket close code of a page whose session ended because its user
// was removed from users_file or given a new password.
inline constexpr std::uint16_t kAccountChangedCode = 4001;

// Who a page is: its session token (empty without a login) and address.
struct Viewer {
  std::string token;
  std::string address;
};

struct WebHandlers {
  // What a page gets first on connecting (the ward, every trend point).
  std::function<std::vector<std::string>(const Viewer&)> greeting;
  // A page's message; `reply` answers that page only.
  std::function<void(const std::string& text, const Viewer&, std::function<void(std::string)> reply)> request;
};

// HTTPS and the login: both absent on loopback by default.
struct WebSecurity {
  std::shared_ptr<boost::asio::ssl::context> tls;
  LoginGate* login = nullptr;  // set: every page needs a login (only with tls)
  // tls asks for client certificates (client_ca_file): a page without a
  // session is logged in by its certificate, if it presents one that maps to a user.
  bool client_certificates = false;
};

// Why the dashboard may not listen on "host:port" (empty when it may): it
// must be an IP address and port, and loopback only unless `secured` (HTTPS
// and a login).
std::string listen_problem(const std::string& listen, bool secured);

class WebServer {
 public:
  // Listens on "host:port"; throws std::runtime_error naming the address.
  WebServer(boost::asio::io_context& io, const std::string& listen, WebHandlers handlers,
            WebSecurity security = {}, WebLimits limits = {});
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Sends to every open page.
  void broadcast(std::string text);
  std::size_t pages() const;
  std::uint16_t port() const;

  struct State;
  class Listener;

 private:
  std::shared_ptr<State> state_;
  std::shared_ptr<Listener> listener_;
};

}  // namespace vigil::station
