#pragma once
// A stand-in vigild for the clone client's tests: a PUB and a ROUTER on
// loopback ports, bed streams with sequence numbers, a snapshot command, and
// a replay command carried in fields this build does not know (as a daemon
// newer than the client would send them). The test decides what is lost.
#include <google/protobuf/unknown_field_set.h>

#include <iterator>
#include <map>
#include <string>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "client/replay_protocol.hpp"
#include "vigil/v1/bus.pb.h"
#include "vigil/v1/command.pb.h"

namespace vigil::testing {

// The replay command as the fake daemon speaks it: request field 9000 (bed)
// and 9001 (after_seq); the reply carries each message in field 9000. Far
// above the numbers command.proto uses (the trend took 90, where this fake
// used to be), so the build never knows them.
inline client::ReplayProtocol fake_replay_protocol() {
  client::ReplayProtocol p;
  p.ask = [](vigil::v1::CommandRequest& r, const std::string& bed, std::uint64_t after) {
    auto* u = r.GetReflection()->MutableUnknownFields(&r);
    u->AddLengthDelimited(9000, bed);
    u->AddVarint(9001, after);
  };
  p.messages = [](const vigil::v1::CommandReply& reply) {
    std::vector<vigil::v1::BusMessage> v;
    const auto& u = reply.GetReflection()->GetUnknownFields(reply);
    for (int i = 0; i < u.field_count(); ++i) {
      if (u.field(i).number() != 9000) continue;
      vigil::v1::BusMessage m;
      if (m.ParseFromString(u.field(i).length_delimited())) v.push_back(m);
    }
    return v;
  };
  return p;
}

class FakeVigild {
 public:
  FakeVigild() : pub_{ctx_, zmq::socket_type::pub}, router_{ctx_, zmq::socket_type::router} {
    pub_.set(zmq::sockopt::linger, 0);
    router_.set(zmq::sockopt::linger, 0);
    pub_.bind("tcp://127.0.0.1:*");
    router_.bind("tcp://127.0.0.1:*");
    publish_endpoint = pub_.get(zmq::sockopt::last_endpoint);
    command_endpoint = router_.get(zmq::sockopt::last_endpoint);
  }

  std::string publish_endpoint, command_endpoint;
  std::string daemon_id = "run-1";
  std::string reply_daemon_id;  // when set, replies claim to come from this daemon
  bool answers = true;          // false: requests are read and kept unanswered (answer_kept() answers them)
  bool knows_replay = false;    // false: a replay request gets the "command" error a real vigild gives
  std::size_t journal_keeps = 1000;  // how many messages per bed the replay reaches back
  std::uint64_t snapshot_lag = 0;    // the snapshot is taken this many messages ago
  int snapshots = 0, replays = 0, refused_replays = 0, commands = 0;
  std::vector<vigil::v1::CommandRequest> requests;

  // A reading on the bed's stream; `lost` numbers it but the subscriber never gets it.
  std::uint64_t reading(const std::string& bed, double value, bool lost = false) {
    vigil::v1::BusMessage m;
    auto* o = m.mutable_observation();
    o->set_bed(bed);
    o->set_metric("spo2");
    o->set_value(value);
    o->set_seq(++seq_[bed]);
    journal_[bed].push_back(m);
    latest_[bed] = m.observation();
    if (!lost) send("obs/" + bed + "/", m);
    return o->seq();
  }

  // `interval_ms` other than vigild's 1000 lets a test tell one heartbeat from the rest.
  void heartbeat(const std::string& bed, std::uint32_t interval_ms = 1000) {
    vigil::v1::BusMessage m;
    auto* hb = m.mutable_heartbeat();
    hb->set_bed(bed);
    hb->set_last_seq(seq_[bed]);
    hb->set_daemon_id(daemon_id);
    hb->set_interval_ms(interval_ms);
    send("hb/" + bed + "/", m);
  }

  // A new run of the daemon: another id, numbers from the start.
  void restart(const std::string& id) {
    daemon_id = id;
    for (auto& [bed, seq] : seq_) seq = 0;
    journal_.clear();
  }

  // Answers every request waiting on the command channel.
  void serve() {
    while (router_.get(zmq::sockopt::events) & ZMQ_POLLIN) {
      std::vector<zmq::message_t> frames;
      if (!zmq::recv_multipart(router_, std::back_inserter(frames), zmq::recv_flags::dontwait)) break;
      vigil::v1::CommandRequest req;
      if (!req.ParseFromArray(frames.back().data(), static_cast<int>(frames.back().size()))) continue;
      requests.push_back(req);
      if (answers)
        respond(frames, req);
      else
        kept_.push_back(std::move(frames));
    }
  }

  // Answers the requests kept while `answers` was false, as the daemon is now.
  void answer_kept() {
    auto kept = std::move(kept_);
    kept_.clear();
    for (auto& frames : kept) {
      vigil::v1::CommandRequest req;
      req.ParseFromArray(frames.back().data(), static_cast<int>(frames.back().size()));
      respond(frames, req);
    }
  }

 private:
  void respond(const std::vector<zmq::message_t>& frames, const vigil::v1::CommandRequest& req) {
    auto reply = answer(req);
    reply.set_request_id(req.request_id());
    reply.set_daemon_id(reply_daemon_id.empty() ? daemon_id : reply_daemon_id);
    std::string bytes;
    reply.SerializeToString(&bytes);
    for (std::size_t i = 0; i + 1 < frames.size(); ++i)
      router_.send(zmq::buffer(frames[i].data(), frames[i].size()), zmq::send_flags::sndmore);
    router_.send(zmq::buffer(bytes), zmq::send_flags::none);
  }

  vigil::v1::CommandReply answer(const vigil::v1::CommandRequest& req) {
    vigil::v1::CommandReply reply;
    const auto& unknown = req.GetReflection()->GetUnknownFields(req);
    if (req.command_case() == vigil::v1::CommandRequest::COMMAND_NOT_SET && unknown.field_count() > 0) {
      if (!knows_replay) {
        ++refused_replays;
        reply.set_error_field("command");
        reply.set_error("command: no command given");
        return reply;
      }
      return replay(unknown);
    }
    if (req.has_snapshot()) {
      ++snapshots;
      for (const auto& [bed, seq] : seq_) {
        if (!req.snapshot().bed().empty() && req.snapshot().bed() != bed) continue;
        auto* s = reply.add_beds();
        s->set_bed(bed);
        s->set_last_seq(seq - std::min(seq, snapshot_lag));
        if (latest_.count(bed)) *s->add_latest() = latest_[bed];
      }
      if (reply.beds_size() == 0 && !req.snapshot().bed().empty()) {
        reply.set_error_field("snapshot.bed");
        reply.set_error("snapshot.bed: no bed '" + req.snapshot().bed() + "'");
        return reply;
      }
      reply.set_ok(true);
      return reply;
    }
    ++commands;
    reply.set_ok(true);
    reply.set_message("done");
    return reply;
  }

  vigil::v1::CommandReply replay(const google::protobuf::UnknownFieldSet& u) {
    ++replays;
    std::string bed;
    std::uint64_t after = 0;
    for (int i = 0; i < u.field_count(); ++i) {
      if (u.field(i).number() == 9000) bed = u.field(i).length_delimited();
      if (u.field(i).number() == 9001) after = u.field(i).varint();
    }
    vigil::v1::CommandReply reply;
    reply.set_ok(true);
    const auto& j = journal_[bed];
    const std::size_t from = j.size() > journal_keeps ? j.size() - journal_keeps : 0;
    auto* out = reply.GetReflection()->MutableUnknownFields(&reply);
    for (std::size_t i = from; i < j.size(); ++i)
      if (j[i].observation().seq() > after) out->AddLengthDelimited(9000, j[i].SerializeAsString());
    return reply;
  }

  void send(const std::string& topic, const vigil::v1::BusMessage& m) {
    const auto bytes = m.SerializeAsString();
    pub_.send(zmq::buffer(topic), zmq::send_flags::sndmore);
    pub_.send(zmq::buffer(bytes), zmq::send_flags::none);
  }

  zmq::context_t ctx_{1};
  zmq::socket_t pub_;
  zmq::socket_t router_;
  std::map<std::string, std::uint64_t> seq_;
  std::map<std::string, std::vector<vigil::v1::BusMessage>> journal_;
  std::map<std::string, vigil::v1::Observation> latest_;
  std::vector<std::vector<zmq::message_t>> kept_;
};

}  // namespace vigil::testing
