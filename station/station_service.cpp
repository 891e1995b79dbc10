#include "station/station_service.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <stdexcept>

#include "client/curve_client.hpp"
#include "client/vigild_replay.hpp"
#include "display/bus_line_format.hpp"
#include "station/page_command.hpp"
#include "station/reply_timeouts.hpp"
#include "wire/station_login.hpp"
#include "wire/timestamp.hpp"

namespace vigil::station {
namespace {

v1::station::PageReply page_reply(const std::string& id, bool ok, const std::string& message) {
  v1::station::PageReply r;
  r.set_request_id(id);
  r.set_ok(ok);
  r.set_message(message);
  return r;
}

}  // namespace

StationService::StationService(boost::asio::io_context& io, v1::station::StationConfig config,
                               const core::Clock& clock)
    : io_{io},
      config_{std::move(config)},
      clock_{clock},
      ward_{config_.name(), std::chrono::minutes{config_.trend_minutes()}},
      tick_{io} {}

StationService::~StationService() {
  stop();
}

void StationService::start() {
  const auto now = std::chrono::steady_clock::now();
  for (const auto& d : config_.daemon()) {
    auto w = std::make_unique<Watched>();
    w->config = d;
    ward_.add_daemon(d.name(), d.publish_endpoint(), {d.bed().begin(), d.bed().end()});
    client::ClientOptions o;
    o.name = d.name();
    o.publish_endpoint = d.publish_endpoint();
    o.command_endpoint = d.command_endpoint();
    o.beds.assign(d.bed().begin(), d.bed().end());
    o.replay = client::vigild_replay_protocol();
    if (!d.server_key_file().empty()) {
      const client::CurveClientFiles curve{config_.key_file(), d.server_key_file()};
      o.secure_socket = [curve, name = d.name()](zmq::socket_t& socket) {
        if (auto applied = client::apply_curve(socket, curve); !applied)
          throw std::runtime_error("daemon '" + name + "': " + applied.error());
      };
    }
    Watched* self = w.get();
    client::ClientCallbacks cb;
    cb.snapshot = [this, self](const v1::BedStatus& s) {
      ward_.on_snapshot(self->config.name(), s);
      changed(true);
    };
    cb.update = [this, self](const std::string& topic, const v1::BusMessage& m) {
      on_client_update(*self, topic, m);
    };
    cb.event = [this, self](const client::ClientEvent& e) { on_client_event(*self, e); };
    w->client = std::make_unique<client::CloneClient>(zmq_, o, cb);
    w->client->start(now);
    for (int fd : w->client->descriptors()) {
      w->fds.push_back(std::make_unique<boost::asio::posix::stream_descriptor>(io_, fd));
      watch(*w, *w->fds.back());
    }
    watched_.push_back(std::move(w));
  }
  running_ = true;
  schedule_tick();
}

void StationService::stop() {
  if (!running_) return;
  running_ = false;
  tick_.cancel();
  for (auto& w : watched_)
    for (auto& fd : w->fds) {
      boost::system::error_code ignored;
      fd->cancel(ignored);
      fd->release();  // the descriptor belongs to ZeroMQ
    }
}

void StationService::watch(Watched& w, boost::asio::posix::stream_descriptor& fd) {
  fd.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                [this, &w, &fd](boost::system::error_code ec) {
                  if (ec || !running_) return;
                  process(w);
                  watch(w, fd);
                });
}

void StationService::schedule_tick() {
  tick_.expires_after(client::CloneClient::kTick);
  tick_.async_wait([this](boost::system::error_code ec) {
    if (ec || !running_) return;
    for (auto& w : watched_) {
      process(*w);
      send_login(*w);
    }
    schedule_tick();
  });
}

void StationService::process(Watched& w) {
  w.client->process(std::chrono::steady_clock::now());
  refresh_health(w);
}

void StationService::refresh_health(Watched& w) {
  const auto now = clock_.now();
  const bool daemon_online = w.client->publisher_online();
  ward_.set_daemon_online(w.config.name(), daemon_online,
                          daemon_online ? "" : (w.lost_detail.empty() ? "not heard from yet" : w.lost_detail),
                          now);
  auto beds = w.client->beds();
  for (const auto& b : w.config.bed())
    if (std::find(beds.begin(), beds.end(), b) == beds.end()) beds.push_back(b);
  std::string signature = daemon_online ? "+" : "-";
  for (const auto& bed : beds) {
    const auto h = w.client->health(bed);
    std::string status;
    if (!daemon_online)
      status = "vigild " + w.config.name() + " lost";
    else if (!h.talking)
      status = "its stream on vigild " + w.config.name() + " is silent";
    else if (!h.in_step)
      status = "out of step: " + (w.sync_detail.empty() ? "recovering missed messages" : w.sync_detail);
    ward_.set_bed_health(w.config.name(), bed, h.talking, h.in_step, status, now);
    signature += bed + (h.talking ? "+" : "-") + (h.in_step ? "+" : "-");
  }
  if (signature == w.health) return;
  w.health = signature;
  changed(true);
}

void StationService::on_client_update(Watched& w, const std::string& topic, const v1::BusMessage& m) {
  if (m.has_heartbeat()) return;
  ward_.on_update(w.config.name(), m);
  const bool urgent = !m.has_observation();
  if (urgent) line(w.config.name() + " " + display::format_line(m));
  if (m.has_context()) w.client->refresh(m.context().bed());  // limits and patient come whole with a snapshot
  (void)topic;
  changed(urgent);
}

void StationService::on_client_event(Watched& w, const client::ClientEvent& e) {
  if (e.kind == client::EventKind::publisher_lost) w.lost_detail = e.detail;
  if (e.kind == client::EventKind::sync_failed) w.sync_detail = e.detail;
  if (e.kind == client::EventKind::resynced) w.sync_detail.clear();
  line(client::describe(e));
  refresh_health(w);
  changed(true);
}

void StationService::journal_query(const v1::station::PageRequest& r, ReplyHandler done) {
  auto it =
      std::find_if(watched_.begin(), watched_.end(), [&](auto& w) { return w->config.name() == r.daemon(); });
  if (it == watched_.end())
    return done(page_reply(r.request_id(), false, "no daemon named '" + r.daemon() + "'"));
  Watched& w = **it;
  v1::CommandRequest cmd;
  cmd.set_actor(operator_name(r));
  cmd.set_station(config_.name());
  if (r.has_trend())
    *cmd.mutable_trend() = r.trend();
  else if (r.has_record())
    *cmd.mutable_record() = r.record();
  else if (r.has_sessions())
    *cmd.mutable_sessions() = r.sessions();
  else
    *cmd.mutable_alarm_history() = r.alarm_history();
  // A record holds a patient's name and course: who opened which is logged
  // (once per view; an open view asks again every 30 s as a refresh).
  const bool logged = r.has_record() && !r.refresh();
  const std::string who = cmd.actor().empty() ? "(no name given)" : cmd.actor();
  const std::string id = r.request_id(), daemon = r.daemon(), session = std::to_string(r.record().session());
  const std::string no_answer = no_answer_words(r, daemon);
  auto sent = w.client->send(
      cmd,
      [this, done, id, daemon, session, who, logged, no_answer](const v1::CommandReply& reply) {
        const std::string why = reply.error_code() == "timeout" ? no_answer : reply.error();
        if (logged)
          line((reply.has_record() ? reply.record().bed() + " (" + daemon + ")" : daemon) +
               ": record of session " + session + (reply.ok() ? " opened" : " REFUSED") + " by " + who +
               " at " + config_.name() + (reply.ok() ? "" : ": " + why));
        auto answer = page_reply(id, reply.ok(), reply.ok() ? reply.message() : why);
        answer.set_daemon(daemon);
        if (reply.has_trend()) *answer.mutable_trend() = reply.trend();
        if (reply.has_alarm_history()) *answer.mutable_alarm_history() = reply.alarm_history();
        if (reply.has_record()) *answer.mutable_record() = reply.record();
        if (reply.has_sessions()) *answer.mutable_sessions() = reply.sessions();
        done(answer);
      },
      std::chrono::steady_clock::now(), reply_timeout(r));
  if (!sent) {
    auto answer = page_reply(id, false, daemon + ": " + sent.error());
    answer.set_daemon(daemon);
    return done(answer);
  }
  boost::asio::post(io_, [this, &w] {
    if (running_) process(w);
  });
}

void StationService::request(const v1::station::PageRequest& r, ReplyHandler done) {
  if (r.has_alarm_history() || r.has_trend() || r.has_record() || r.has_sessions())
    return journal_query(r, done);
  auto command = page_command(r);
  if (!command) return done(page_reply(r.request_id(), false, command.failure().message));
  v1::CommandRequest& cmd = command->command;
  cmd.set_station(config_.name());
  const std::string& bed = command->bed;
  const std::string& who = cmd.actor();
  const std::string& what = command->what;
  std::string daemon = r.daemon();
  if (daemon.empty() && r.has_acknowledge()) daemon = ward_.daemon_of_alarm(r.acknowledge().alarm_id());
  auto it =
      std::find_if(watched_.begin(), watched_.end(), [&](auto& w) { return w->config.name() == daemon; });
  if (it == watched_.end() || !ward_.has_bed(daemon, bed))
    return done(page_reply(r.request_id(), false, "no bed '" + bed + "' on a daemon named '" + daemon + "'"));
  Watched& w = **it;
  const std::string where = bed + " (" + daemon + ")";
  line(where + ": " + what + " by " + who + " at " + config_.name());
  const std::string id = r.request_id();
  const std::string no_answer = no_answer_words(r, daemon);
  auto sent = w.client->send(
      cmd,
      [this, done, id, where, no_answer](const v1::CommandReply& reply) {
        const bool timed_out = reply.error_code() == "timeout";
        const std::string text = reply.ok() ? reply.message() : timed_out ? no_answer : reply.error();
        line(where + ": " + (reply.ok() ? "done: " : timed_out ? "NO ANSWER: " : "REFUSED: ") + text);
        done(page_reply(id, reply.ok(), text));
      },
      std::chrono::steady_clock::now(), reply_timeout(r));
  if (!sent) {
    line(where + ": NOT SENT: " + sent.error());
    return done(page_reply(id, false, sent.error()));
  }
  // ZeroMQ's descriptor may not signal a reply that follows a send: look soon.
  boost::asio::post(io_, [this, &w] {
    if (running_) process(w);
  });
}

void StationService::journal_login(v1::StationLogin e) {
  // A typed name may be anything: it goes as vigild takes it, never to be refused.
  for (auto* text : {e.mutable_operator_name(), e.mutable_address(), e.mutable_detail()})
    *text = wire::station_login_text(std::move(*text));
  e.set_station_id(wire::station_login_text(config_.name()));
  if (!e.has_at()) wire::set_time(e.mutable_at(), clock_.now());
  // Unique for this station (with its name): its time and its number since the station started.
  e.set_event_id(std::to_string(wire::from_proto(e.at()).time_since_epoch().count()) + "-" +
                 std::to_string(++login_events_));
  for (auto& w : watched_) {
    if (w->config.command_endpoint().empty()) continue;  // nowhere to send it
    if (!w->logins.add(e) && !w->logins_dropping) {
      w->logins_dropping = true;
      line("login events for vigild " + w->config.name() + ": " + std::to_string(w->logins.waiting()) +
           " wait to be journalled; the oldest are DROPPED from now on (the journal will say how many)");
    }
    send_login(*w);
  }
}

void StationService::send_login(Watched& w) {
  if (!running_ || !w.client->publisher_online()) return;
  auto e = w.logins.due(clock_.now());
  if (!e) return;
  using Kind = v1::StationLogin;
  const bool someones = e->kind() != Kind::LOGIN_FAILED && e->kind() != Kind::USERS_FILE_READ;
  v1::CommandRequest cmd;
  // A failed login's name is only what was typed: the station is the actor.
  cmd.set_actor(someones ? e->operator_name() : config_.name());
  cmd.set_station(config_.name());
  *cmd.mutable_station_login() = std::move(*e);
  const std::string daemon = w.config.name();
  const auto unanswered = [this, &w, daemon](const std::string& why) {
    w.logins.unanswered(clock_.now());
    if (std::exchange(w.logins_unanswered, true)) return;
    line("login events NOT YET JOURNALLED on vigild " + daemon + ": " + why + "; " +
         std::to_string(w.logins.waiting()) + " kept and sent again");
  };
  auto sent = w.client->send(
      cmd,
      [this, &w, daemon, unanswered](const v1::CommandReply& reply) {
        if (reply.error_code() == "timeout") return unanswered("no answer");
        w.logins.answered();
        if (std::exchange(w.logins_unanswered, false))
          line("login events: vigild " + daemon + " answers again; " + std::to_string(w.logins.waiting()) +
               " more to send");
        if (w.logins.dropped() == 0) w.logins_dropping = false;
        if (!reply.ok())
          line("login event REFUSED by vigild " + daemon + " (not sent again): " + reply.error());
        boost::asio::post(io_, [this, &w] { send_login(w); });
      },
      std::chrono::steady_clock::now(), kLiveCommandTimeout);
  if (!sent) return unanswered(sent.error());
  boost::asio::post(io_, [this, &w] {
    if (running_) process(w);
  });
}

void StationService::changed(bool urgent) {
  for (auto& f : change_listeners_) f(urgent);
}

void StationService::line(const std::string& text) {
  for (auto& f : line_listeners_) f(text);
}

}  // namespace vigil::station
