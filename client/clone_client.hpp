#pragma once
// A reliable subscriber to one vigild: the client half of the ZeroMQ guide's
// clone pattern, as docs/bus-protocol.md describes it for any language.
//
//  1. Subscribe to the publisher (topics "<kind>/<bed>/"), then ask the
//     command channel for a snapshot: every bed's state as of its stream's
//     sequence number `last_seq`.
//  2. Updates that arrive meanwhile are held back; once the snapshot is in,
//     those numbered after its last_seq are applied in order, older ones dropped.
//  3. A number that jumps, or a heartbeat whose last_seq is ahead of what was
//     applied, is a gap: the bed is brought back in step by a replay of what
//     was missed when the daemon has one (ReplayProtocol), else by a new snapshot.
//  4. Nothing at all for the silence limit (heartbeats come every second) is
//     a lost publisher; a heartbeat with a new daemon_id is a restarted
//     daemon, whose numbers start again: every bed is synced anew.
//
// Single-threaded and never blocking outside poll(): an event loop waits on
// descriptors() and calls process(), and also calls it every kTick, so
// several clients share one loop (the nurse station's Asio loop).
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "client/bed_stream.hpp"
#include "client/client_event.hpp"
#include "client/replay_protocol.hpp"
#include "core/result.hpp"
#include "vigil/v1/bus.pb.h"
#include "vigil/v1/command.pb.h"

namespace vigil::client {

// Silence is judged on a clock that never jumps: a wall clock set back
// would otherwise hide a lost publisher for as long as it was set back.
using SteadyTime = std::chrono::steady_clock::time_point;

struct ClientOptions {
  std::string name;               // which vigild, in events and request ids
  std::string publish_endpoint;   // vigild's PUB socket
  std::string command_endpoint;   // vigild's command channel; empty: no snapshot, gaps only reported
  std::vector<std::string> beds;  // only these beds; empty: every bed the daemon has
  // Publisher (or bed) lost after this long without a message: two and a
  // half heartbeat intervals, so a loss is reported within 3 s.
  std::chrono::milliseconds silence_limit{2500};
  std::chrono::milliseconds request_timeout{2000};
  std::chrono::milliseconds retry_after{1000};
  std::optional<ReplayProtocol> replay;
  // Called on each socket before it connects: CURVE keys, when vigild wants them.
  std::function<void(zmq::socket_t&)> secure_socket;
};

struct ClientCallbacks {
  // A bed's whole state (from a snapshot): replace whatever was known of it.
  std::function<void(const vigil::v1::BedStatus&)> snapshot;
  // The next message of a bed's stream, each once and in order after its
  // snapshot; heartbeats as they come. `topic` is "<kind>/<bed>/".
  std::function<void(const std::string& topic, const vigil::v1::BusMessage&)> update;
  std::function<void(const ClientEvent&)> event;
};

struct BedHealth {
  bool talking = false;  // heard within the silence limit, and the publisher is there
  bool in_step = false;  // synced: every message up to `applied` was applied
  std::uint64_t applied = 0;
};

using ReplyHandler = std::function<void(const vigil::v1::CommandReply&)>;

// "<kind>/<bed>/" of a bus message, as vigild publishes it.
std::string topic_of(const vigil::v1::BusMessage& m);

class CloneClient {
 public:
  static constexpr std::chrono::milliseconds kTick{100};

  // Creates the sockets; throws std::runtime_error naming a bad endpoint.
  CloneClient(zmq::context_t& ctx, ClientOptions options, ClientCallbacks callbacks);
  CloneClient(const CloneClient&) = delete;
  CloneClient& operator=(const CloneClient&) = delete;

  // Connects, subscribes and asks for the first snapshot.
  void start(SteadyTime now);
  // Reads everything that arrived, hands it on, checks silence and request
  // deadlines, and asks for what is missing. Never blocks.
  void process(SteadyTime now);
  // Waits up to `timeout` for input, then process(): for programs without a loop of their own.
  void poll(std::chrono::milliseconds timeout);
  // ZeroMQ's notification descriptors of both sockets. They are edge-triggered:
  // when one is readable call process(), which reads until nothing is left.
  std::vector<int> descriptors();

  // Sends a command. `done` gets the reply, or one with ok false, error_code
  // "timeout" and the reason when none came within `timeout` (default the
  // options' request_timeout; a journal query may take longer than a live
  // command). Returns the request id, or an error when the channel has no
  // connection (nothing was sent, so a command is never carried out late,
  // after its sender gave up).
  core::Result<std::string> send(vigil::v1::CommandRequest request, ReplyHandler done, SteadyTime now,
                                 std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // Asks for a fresh snapshot of a bed (its limits or patient changed).
  void refresh(const std::string& bed);

  bool publisher_online() const { return heard_ && !publisher_lost_; }
  BedHealth health(const std::string& bed) const;
  std::vector<std::string> beds() const;
  const std::string& daemon_id() const { return daemon_id_; }
  const ClientOptions& options() const { return options_; }

 private:
  struct Bed {
    explicit Bed(bool recoverable) : stream{recoverable} {}
    BedStream stream;
    SteadyTime last_heard{};
    bool lost_reported = false;
    std::string request_id;     // the snapshot or replay it waits for
    bool snapshot_next = true;  // the next sync is a snapshot (else a replay may do)
    SteadyTime retry_at{};
    bool failure_reported = false;
  };
  enum class RequestKind { snapshot, replay, command };
  struct Pending {
    RequestKind kind = RequestKind::command;
    std::vector<std::string> beds;  // the beds a snapshot or replay serves
    bool all_beds = false;
    SteadyTime deadline{};
    ReplyHandler done;
    std::chrono::milliseconds timeout{};  // what the deadline was, for the words when it passes
  };

  bool recoverable() const { return !options_.command_endpoint.empty(); }
  bool wanted(const std::string& bed) const;
  Bed* bed_for(const std::string& bed, SteadyTime now);
  void read_publisher(SteadyTime now);
  void read_replies(SteadyTime now);
  void on_bus_message(const std::string& topic, vigil::v1::BusMessage m, SteadyTime now);
  void on_heartbeat(const std::string& topic, const vigil::v1::BusMessage& m, SteadyTime now);
  void on_daemon_restart(const std::string& new_id);
  void on_reply(const vigil::v1::CommandReply& reply, SteadyTime now);
  void on_snapshot_reply(const Pending& p, const vigil::v1::CommandReply& reply, SteadyTime now);
  void on_replay_reply(const Pending& p, const vigil::v1::CommandReply& reply, SteadyTime now);
  void apply(const std::string& bed, Bed& b, StreamStep step, SteadyTime now);
  void sync_failed(const std::string& bed, Bed& b, const std::string& why, SteadyTime now);
  void check_deadlines(SteadyTime now);
  void check_silence(SteadyTime now);
  void start_syncs(SteadyTime now);
  void request_sync(const std::string& bed, Bed& b, SteadyTime now);
  void request_all(SteadyTime now);
  std::optional<std::string> send_request(vigil::v1::CommandRequest& request, SteadyTime now);
  void emit(EventKind kind, const std::string& bed, const std::string& detail, std::uint64_t have = 0,
            std::uint64_t seen = 0, const std::string& how = {});

  ClientOptions options_;
  ClientCallbacks callbacks_;
  zmq::socket_t sub_;
  zmq::socket_t dealer_;
  std::vector<zmq::message_t> frames_;  // reused by read_publisher
  std::map<std::string, Bed> beds_;
  std::map<std::string, Pending> pending_;
  std::uint64_t next_request_ = 0;
  std::string daemon_id_;
  bool started_ = false;
  bool heard_ = false;
  bool publisher_lost_ = false;
  SteadyTime last_heard_{};
  bool need_all_ = false;  // every bed wants a snapshot (start, daemon restart)
  std::string all_request_;
  SteadyTime all_retry_at_{};
  bool all_failure_reported_ = false;
  bool replay_refused_ = false;             // this run of the daemon has no replay command
  std::optional<SteadyTime> unsent_since_;  // requests could not be sent (no connection) since
  bool unsent_reported_ = false;
};

}  // namespace vigil::client
