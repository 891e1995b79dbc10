#pragma once
// The station's core: one clone client per watched vigild, all driven by the
// one Asio loop (each client's ZeroMQ descriptors plus a 100 ms tick), feeding
// the Ward. The dashboard, the terminal view and the log lines read the Ward
// and are told when it changed; acknowledgements go back through the bed's
// daemon's command channel with the operator's name.
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "client/clone_client.hpp"
#include "station/login_event_outbox.hpp"
#include "station/ward.hpp"
#include "vigil/v1/station.pb.h"

namespace vigil::station {

class StationService {
 public:
  using ReplyHandler = std::function<void(const v1::station::PageReply&)>;

  StationService(boost::asio::io_context& io, v1::station::StationConfig config, const core::Clock& clock);
  ~StationService();
  StationService(const StationService&) = delete;
  StationService& operator=(const StationService&) = delete;

  // Connects to every daemon; throws std::runtime_error for an unusable endpoint.
  void start();
  void stop();

  Ward& ward() { return ward_; }
  const v1::station::StationConfig& config() const { return config_; }
  core::TimePoint now() const { return clock_.now(); }

  // An acknowledgement or audio pause from a page or the terminal, or a
  // look at a daemon's alarm history or a bed's trend (its journal, through
  // its command channel).
  void request(const v1::station::PageRequest& r, ReplyHandler done);

  // A login event (login, failed login, logout, a session ended, users_file
  // read again): sent to every watched vigild with a command channel, to be
  // journalled; kept and sent again while one does not answer
  // (login_event_outbox.hpp). Fills in the station and the event's id.
  void journal_login(v1::StationLogin e);

  // Told after every change; `urgent` for alarms and lost connections (show
  // at once), not for readings (may be gathered for a moment).
  void on_change(std::function<void(bool urgent)> f) { change_listeners_.push_back(std::move(f)); }
  // One line per event worth a log: alarms, links, context, losses, gaps, commands.
  void on_line(std::function<void(const std::string&)> f) { line_listeners_.push_back(std::move(f)); }
  // Says `text` to every on_line listener (the station's log).
  void line(const std::string& text);

 private:
  struct Watched {
    v1::station::Daemon config;
    std::unique_ptr<client::CloneClient> client;
    std::vector<std::unique_ptr<boost::asio::posix::stream_descriptor>> fds;
    std::string lost_detail;
    std::string sync_detail;  // why the last snapshot or replay failed
    std::string health;       // what refresh_health saw last, to tell a change
    LoginEventOutbox logins;
    bool logins_unanswered = false;  // said in the log, once per outage
    bool logins_dropping = false;    // said in the log, once until the buffer drains
  };

  // alarm_history, trend, record and sessions: forwarded to the daemon's
  // journal reader; who opened which record is logged.
  void journal_query(const v1::station::PageRequest& r, ReplyHandler done);
  // Sends w's next login event when one is due.
  void send_login(Watched& w);
  void watch(Watched& w, boost::asio::posix::stream_descriptor& fd);
  void schedule_tick();
  void process(Watched& w);
  void refresh_health(Watched& w);
  void changed(bool urgent);
  void on_client_event(Watched& w, const client::ClientEvent& e);
  void on_client_update(Watched& w, const std::string& topic, const v1::BusMessage& m);

  boost::asio::io_context& io_;
  v1::station::StationConfig config_;
  const core::Clock& clock_;
  Ward ward_;
  zmq::context_t zmq_{1};
  std::vector<std::unique_ptr<Watched>> watched_;
  boost::asio::steady_timer tick_;
  bool running_ = false;
  std::uint64_t login_events_ = 0;  // for each event's id
  std::vector<std::function<void(bool)>> change_listeners_;
  std::vector<std::function<void(const std::string&)>> line_listeners_;
};

}  // namespace vigil::station
