#include "client/clone_client.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "wire/envelope.hpp"

namespace vigil::client {
namespace v1 = vigil::v1;

namespace {

std::string seconds_text(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

}  // namespace

std::string topic_of(const v1::BusMessage& m) {
  return wire::topic(wire::topic_kind(m), wire::bed_of(m));
}

CloneClient::CloneClient(zmq::context_t& ctx, ClientOptions options, ClientCallbacks callbacks)
    : options_{std::move(options)},
      callbacks_{std::move(callbacks)},
      sub_{ctx, zmq::socket_type::sub},
      dealer_{ctx, zmq::socket_type::dealer} {
  // A daemon publishing faster than we read drops at our high-water mark;
  // the gap is then found and recovered like any other.
  sub_.set(zmq::sockopt::rcvhwm, 100000);
  sub_.set(zmq::sockopt::linger, 0);
  dealer_.set(zmq::sockopt::linger, 0);
  // Requests go only to a connected daemon and are never queued for a later
  // one: an acknowledgement must not be carried out long after the nurse was
  // told it failed.
  dealer_.set(zmq::sockopt::immediate, 1);
  if (options_.secure_socket) {
    options_.secure_socket(sub_);
    options_.secure_socket(dealer_);
  }
  if (options_.name.empty()) options_.name = options_.publish_endpoint;
}

bool CloneClient::wanted(const std::string& bed) const {
  if (bed.empty() || bed == "*") return false;
  return options_.beds.empty() ||
         std::find(options_.beds.begin(), options_.beds.end(), bed) != options_.beds.end();
}

void CloneClient::start(SteadyTime now) {
  auto subscribe = [&](const std::string& prefix) { sub_.set(zmq::sockopt::subscribe, prefix); };
  for (const char* kind : {"obs", "alarm", "link", "ctx", "hb"}) {
    if (options_.beds.empty()) subscribe(std::string{kind} + "/");
    for (const auto& b : options_.beds) subscribe(std::string{kind} + "/" + b + "/");
  }
  // The daemon-wide heartbeat tells the publisher is alive even when no bed is.
  if (!options_.beds.empty()) subscribe("hb/*/");
  try {
    sub_.connect(options_.publish_endpoint);
    if (recoverable()) dealer_.connect(options_.command_endpoint);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error(options_.name + ": cannot connect to " + options_.publish_endpoint +
                             (recoverable() ? " / " + options_.command_endpoint : "") + ": " + e.what());
  }
  for (const auto& b : options_.beds) beds_.emplace(b, Bed{recoverable()}).first->second.last_heard = now;
  need_all_ = recoverable() && options_.beds.empty();
  last_heard_ = now;
  started_ = true;
  start_syncs(now);
}

std::vector<int> CloneClient::descriptors() {
  std::vector<int> fds{static_cast<int>(sub_.get(zmq::sockopt::fd))};
  if (recoverable()) fds.push_back(static_cast<int>(dealer_.get(zmq::sockopt::fd)));
  return fds;
}

void CloneClient::poll(std::chrono::milliseconds timeout) {
  std::vector<zmq::pollitem_t> items{{sub_.handle(), 0, ZMQ_POLLIN, 0}};
  if (recoverable()) items.push_back({dealer_.handle(), 0, ZMQ_POLLIN, 0});
  zmq::poll(items.data(), items.size(), timeout);
  process(std::chrono::steady_clock::now());
}

void CloneClient::process(SteadyTime now) {
  if (!started_) return;
  read_publisher(now);
  if (recoverable()) read_replies(now);
  check_deadlines(now);
  check_silence(now);
  start_syncs(now);
}

void CloneClient::read_publisher(SteadyTime now) {
  // ZMQ_FD is edge-triggered: read until ZeroMQ says nothing is left.
  while (sub_.get(zmq::sockopt::events) & ZMQ_POLLIN) {
    frames_.clear();
    if (!zmq::recv_multipart(sub_, std::back_inserter(frames_), zmq::recv_flags::dontwait)) break;
    // vigild sends topic and body; anything else is not one of its messages.
    if (frames_.size() != 2) continue;
    v1::BusMessage m;
    if (!m.ParseFromArray(frames_[1].data(), static_cast<int>(frames_[1].size()))) continue;
    on_bus_message(frames_[0].to_string(), std::move(m), now);
  }
}

CloneClient::Bed* CloneClient::bed_for(const std::string& bed, SteadyTime now) {
  if (!wanted(bed)) return nullptr;
  auto [it, created] = beds_.try_emplace(bed, recoverable());
  Bed& b = it->second;
  if (b.lost_reported) {
    b.lost_reported = false;
    emit(EventKind::bed_back, bed, "");
  }
  b.last_heard = now;
  if (created && !all_request_.empty()) {
    // The snapshot of every bed that is on its way covers this one too.
    b.request_id = all_request_;
    b.stream.begin_sync();
    pending_[all_request_].beds.push_back(bed);
  }
  return &b;
}

void CloneClient::on_bus_message(const std::string& topic, v1::BusMessage m, SteadyTime now) {
  last_heard_ = now;
  heard_ = true;
  if (publisher_lost_) {
    publisher_lost_ = false;
    emit(EventKind::publisher_back, "", "heard from " + options_.publish_endpoint + " again");
  }
  if (m.has_heartbeat()) {
    on_heartbeat(topic, m, now);
    return;
  }
  const std::string bed = wire::bed_of(m);
  Bed* b = bed_for(bed, now);
  if (!b || wire::seq_of(m) == 0) return;
  apply(bed, *b, b->stream.on_update(std::move(m)), now);
}

void CloneClient::on_heartbeat(const std::string& topic, const v1::BusMessage& m, SteadyTime now) {
  const auto& hb = m.heartbeat();
  if (!hb.daemon_id().empty() && hb.daemon_id() != daemon_id_) {
    if (daemon_id_.empty())
      daemon_id_ = hb.daemon_id();
    else
      on_daemon_restart(hb.daemon_id());
  }
  Bed* b = bed_for(hb.bed(), now);
  if (hb.bed() != "*" && !b) return;
  if (callbacks_.update) callbacks_.update(topic, m);
  if (!b) return;
  if (auto gap = b->stream.on_heartbeat(hb.last_seq())) {
    emit(EventKind::gap, hb.bed(),
         recoverable() ? "the heartbeat is ahead; recovering" : "the heartbeat is ahead", gap->have,
         gap->seen);
    b->retry_at = now;
  }
}

void CloneClient::on_daemon_restart(const std::string& new_id) {
  emit(EventKind::daemon_restarted, "",
       "daemon " + daemon_id_ + " is now " + new_id + "; syncing every bed again");
  daemon_id_ = new_id;
  replay_refused_ = false;
  // Questions put to the previous run will never be answered.
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.kind != RequestKind::command)
      it = pending_.erase(it);
    else
      ++it;
  }
  all_request_.clear();
  for (auto& [id, b] : beds_) {
    b.stream.reset();
    b.request_id.clear();
    b.snapshot_next = true;
    b.retry_at = {};
  }
  need_all_ = recoverable() && options_.beds.empty();
  all_retry_at_ = {};
}

void CloneClient::apply(const std::string& bed, Bed& b, StreamStep step, SteadyTime now) {
  if (callbacks_.update)
    for (const auto& m : step.deliver) callbacks_.update(topic_of(m), m);
  if (step.gap) {
    emit(EventKind::gap, bed, recoverable() ? "recovering" : "no command channel to recover from",
         step.gap->have, step.gap->seen);
    b.retry_at = now;
  }
}

void CloneClient::read_replies(SteadyTime now) {
  while (dealer_.get(zmq::sockopt::events) & ZMQ_POLLIN) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(dealer_, std::back_inserter(frames), zmq::recv_flags::dontwait)) break;
    // The envelope (an empty delimiter) comes back first; the reply is the last frame.
    v1::CommandReply reply;
    if (!frames.empty() && reply.ParseFromArray(frames.back().data(), static_cast<int>(frames.back().size())))
      on_reply(reply, now);
  }
}

void CloneClient::on_reply(const v1::CommandReply& reply, SteadyTime now) {
  auto it = pending_.find(reply.request_id());
  if (it == pending_.end()) return;  // answered after we gave up on it
  Pending p = std::move(it->second);
  pending_.erase(it);
  switch (p.kind) {
    case RequestKind::command:
      if (p.done) p.done(reply);
      break;
    case RequestKind::snapshot:
      on_snapshot_reply(p, reply, now);
      break;
    case RequestKind::replay:
      on_replay_reply(p, reply, now);
      break;
  }
}

void CloneClient::on_snapshot_reply(const Pending& p, const v1::CommandReply& reply, SteadyTime now) {
  if (p.all_beds) all_request_.clear();
  std::string refusal;
  if (!reply.ok())
    refusal = "snapshot refused: " + reply.error();
  else if (!reply.daemon_id().empty() && !daemon_id_.empty() && reply.daemon_id() != daemon_id_)
    refusal = "the command channel " + options_.command_endpoint + " answers for daemon " +
              reply.daemon_id() + " but the publisher is daemon " + daemon_id_;
  if (!refusal.empty()) {
    if (p.all_beds) {
      need_all_ = true;
      all_retry_at_ = now + options_.retry_after;
      if (!all_failure_reported_) emit(EventKind::sync_failed, "", refusal);
      all_failure_reported_ = true;
    }
    for (const auto& bed : p.beds)
      if (auto it = beds_.find(bed); it != beds_.end() && it->second.request_id == reply.request_id())
        sync_failed(bed, it->second, refusal, now);
    return;
  }
  if (daemon_id_.empty()) daemon_id_ = reply.daemon_id();
  if (p.all_beds) all_failure_reported_ = false;
  for (const auto& status : reply.beds()) {
    if (!wanted(status.bed())) continue;
    auto [it, created] = beds_.try_emplace(status.bed(), recoverable());
    Bed& b = it->second;
    if (created) b.last_heard = now;
    // A bed already in step keeps its stream: this snapshot may be older
    // than what it has applied since.
    if (!created && b.request_id != reply.request_id()) continue;
    b.request_id.clear();
    b.failure_reported = false;
    b.snapshot_next = false;
    if (callbacks_.snapshot) callbacks_.snapshot(status);
    emit(EventKind::resynced, status.bed(), "", status.last_seq(), 0, "snapshot");
    apply(status.bed(), b, b.stream.on_snapshot(status.last_seq()), now);
    if (b.stream.state() != BedStream::State::live) b.snapshot_next = true;
  }
  for (const auto& bed : p.beds)
    if (auto it = beds_.find(bed); it != beds_.end() && it->second.request_id == reply.request_id())
      sync_failed(bed, it->second, "the daemon's snapshot has no bed '" + bed + "'", now);
}

void CloneClient::on_replay_reply(const Pending& p, const v1::CommandReply& reply, SteadyTime now) {
  const std::string& bed = p.beds.front();
  auto it = beds_.find(bed);
  if (it == beds_.end() || it->second.request_id != reply.request_id()) return;
  Bed& b = it->second;
  b.request_id.clear();
  if (!reply.ok()) {
    // An unknown command reads as no command at all: the error names "command".
    if (reply.error_field() == "command") replay_refused_ = true;
    b.snapshot_next = true;
    b.stream.sync_failed();
    b.retry_at = now;
    return;
  }
  const auto step = b.stream.on_replay(options_.replay->messages(reply));
  const bool closed = !step.gap;
  const auto applied = b.stream.applied();
  apply(bed, b, step, now);
  if (closed) {
    b.failure_reported = false;
    emit(EventKind::resynced, bed, "", applied, 0, "replay");
  } else {
    b.snapshot_next = true;  // the journal did not reach back far enough
  }
}

void CloneClient::sync_failed(const std::string& bed, Bed& b, const std::string& why, SteadyTime now) {
  b.request_id.clear();
  b.stream.sync_failed();
  b.retry_at = now + options_.retry_after;
  if (!b.failure_reported) emit(EventKind::sync_failed, bed, why);
  b.failure_reported = true;
}

void CloneClient::check_deadlines(SteadyTime now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    Pending p = std::move(it->second);
    const std::string id = it->first;
    it = pending_.erase(it);
    const std::string why =
        "no reply from " + options_.command_endpoint + " within " + seconds_text(p.timeout);
    if (p.kind == RequestKind::command) {
      v1::CommandReply r;
      r.set_request_id(id);
      r.set_ok(false);
      r.set_error_code("timeout");
      r.set_error(why + "; the command may or may not have been carried out");
      if (p.done) p.done(r);
      continue;
    }
    if (p.all_beds) {
      all_request_.clear();
      need_all_ = true;
      all_retry_at_ = now + options_.retry_after;
      if (!all_failure_reported_) emit(EventKind::sync_failed, "", "snapshot: " + why);
      all_failure_reported_ = true;
    }
    for (const auto& bed : p.beds)
      if (auto b = beds_.find(bed); b != beds_.end() && b->second.request_id == id)
        sync_failed(bed, b->second, (p.kind == RequestKind::replay ? "replay: " : "snapshot: ") + why, now);
  }
}

void CloneClient::check_silence(SteadyTime now) {
  if (!publisher_lost_ && now - last_heard_ > options_.silence_limit) {
    publisher_lost_ = true;
    emit(EventKind::publisher_lost, "",
         std::string{heard_ ? "nothing" : "never heard anything"} + " from " + options_.publish_endpoint +
             " for " +
             seconds_text(std::chrono::duration_cast<std::chrono::milliseconds>(now - last_heard_)));
  }
  if (publisher_lost_) return;  // one loss, not one per bed
  for (auto& [id, b] : beds_) {
    if (b.lost_reported || now - b.last_heard <= options_.silence_limit) continue;
    b.lost_reported = true;
    emit(EventKind::bed_lost, id, "no heartbeat for " + seconds_text(options_.silence_limit));
  }
}

void CloneClient::start_syncs(SteadyTime now) {
  if (!recoverable()) return;
  if (need_all_ && all_request_.empty() && now >= all_retry_at_) request_all(now);
  if (need_all_) return;  // every bed waits for the one question about all of them
  for (auto& [id, b] : beds_) {
    if (b.stream.state() != BedStream::State::unsynced || !b.request_id.empty() || now < b.retry_at) continue;
    if (!all_request_.empty()) {
      b.request_id = all_request_;
      b.stream.begin_sync();
      pending_[all_request_].beds.push_back(id);
      continue;
    }
    request_sync(id, b, now);
  }
}

void CloneClient::request_all(SteadyTime now) {
  v1::CommandRequest r;
  r.mutable_snapshot();
  auto id = send_request(r, now);
  if (!id) {
    all_retry_at_ = now + options_.retry_after / 4;
    return;
  }
  need_all_ = false;
  all_request_ = *id;
  Pending p{RequestKind::snapshot, {}, true, now + options_.request_timeout, {}, options_.request_timeout};
  for (auto& [bed, b] : beds_) {
    b.request_id = *id;
    b.stream.begin_sync();
    p.beds.push_back(bed);
  }
  pending_[*id] = std::move(p);
}

void CloneClient::request_sync(const std::string& bed, Bed& b, SteadyTime now) {
  const bool replay = options_.replay && !replay_refused_ && !b.snapshot_next;
  v1::CommandRequest r;
  if (replay)
    options_.replay->ask(r, bed, b.stream.applied());
  else
    r.mutable_snapshot()->set_bed(bed);
  auto id = send_request(r, now);
  if (!id) {
    // Not connected: try again soon; the silence check tells if the daemon is gone.
    b.retry_at = now + options_.retry_after / 4;
    return;
  }
  b.request_id = *id;
  b.stream.begin_sync();
  pending_[*id] = Pending{replay ? RequestKind::replay : RequestKind::snapshot,
                          {bed},
                          false,
                          now + options_.request_timeout,
                          {},
                          options_.request_timeout};
}

std::optional<std::string> CloneClient::send_request(v1::CommandRequest& request, SteadyTime now) {
  if (request.request_id().empty())
    request.set_request_id(options_.name + "-" + std::to_string(++next_request_));
  std::string body;
  request.SerializeToString(&body);
  // A REQ-style empty delimiter keeps the envelope the same for every client kind.
  if (!dealer_.send(zmq::message_t{}, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
    // No connection: said once, after the time an answer would have taken.
    if (!unsent_since_) unsent_since_ = now;
    if (!unsent_reported_ && now - *unsent_since_ > options_.request_timeout) {
      unsent_reported_ = true;
      emit(EventKind::sync_failed, "", "cannot reach the command channel " + options_.command_endpoint);
    }
    return std::nullopt;
  }
  dealer_.send(zmq::buffer(body), zmq::send_flags::dontwait);
  unsent_since_.reset();
  unsent_reported_ = false;
  return request.request_id();
}

core::Result<std::string> CloneClient::send(v1::CommandRequest request, ReplyHandler done, SteadyTime now,
                                            std::optional<std::chrono::milliseconds> timeout) {
  if (!recoverable()) return core::Error{options_.name + " has no command channel configured"};
  auto id = send_request(request, now);
  if (!id) return core::Error{"not connected to the command channel " + options_.command_endpoint};
  const auto wait = timeout.value_or(options_.request_timeout);
  pending_[*id] = Pending{RequestKind::command, {}, false, now + wait, std::move(done), wait};
  return *id;
}

void CloneClient::refresh(const std::string& bed) {
  auto it = beds_.find(bed);
  if (it == beds_.end() || !recoverable() || !it->second.request_id.empty()) return;
  it->second.stream.sync_failed();
  it->second.snapshot_next = true;
  it->second.retry_at = {};
}

BedHealth CloneClient::health(const std::string& bed) const {
  auto it = beds_.find(bed);
  if (it == beds_.end()) return {};
  const auto& b = it->second;
  return BedHealth{publisher_online() && !b.lost_reported, b.stream.state() == BedStream::State::live,
                   b.stream.applied()};
}

std::vector<std::string> CloneClient::beds() const {
  std::vector<std::string> v;
  for (const auto& [id, b] : beds_) v.push_back(id);
  return v;
}

void CloneClient::emit(EventKind kind, const std::string& bed, const std::string& detail, std::uint64_t have,
                       std::uint64_t seen, const std::string& how) {
  if (!callbacks_.event) return;
  ClientEvent e;
  e.kind = kind;
  e.source = options_.name;
  e.bed = bed;
  e.have = have;
  e.seen = seen;
  e.how = how;
  e.detail = detail;
  callbacks_.event(e);
}

}  // namespace vigil::client
