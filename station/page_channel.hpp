#pragma once
// What goes between the station and its web pages: the ward as JSON on
// every change (at once for alarms and losses, gathered for a quarter of a
// second for readings, and at least every second so a page can tell the
// station itself is alive), trend points, and the answers to the pages'
// acknowledgements and audio pauses. With a login, each page is told whose
// session it is, and every request acts under that name, never the one a
// page sends; a page whose login has ended is told to log in again.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <vector>

#include "station/station_service.hpp"
#include "station/web_server.hpp"

namespace vigil::station {

std::string to_json(const google::protobuf::Message& m);

class PageChannel {
 public:
  PageChannel(boost::asio::io_context& io, StationService& service, const std::string& listen,
              WebSecurity security = {}, WebLimits limits = {});
  std::uint16_t port() const { return server_->port(); }
  std::size_t pages() const { return server_->pages(); }

 private:
  std::vector<std::string> greeting(const Viewer& viewer);
  void on_request(const std::string& text, const Viewer& viewer,
                  const std::function<void(std::string)>& reply);
  void on_change(bool urgent);
  void push();
  void schedule();

  boost::asio::io_context& io_;
  StationService& service_;
  LoginGate* login_;
  std::unique_ptr<WebServer> server_;
  boost::asio::steady_timer timer_;
  bool dirty_ = false;
  bool push_posted_ = false;
  std::chrono::steady_clock::time_point last_push_{};
};

}  // namespace vigil::station
