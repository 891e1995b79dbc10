#pragma once
// The publishing half of the ZeroMQ clone pattern: every bed is a stream with
// its own sequence number; heartbeats carry the last one so a subscriber
// knows when it missed something and when the publisher is gone, and the
// recent messages of each stream are kept for replay.
//
// Sequence numbers survive restarts: the journal holds, per bed, a number no
// published message has passed (the reservation). When a stream reaches it,
// the next block is reserved through the `reserve` callback (a durable
// write) before a message beyond it goes out; a restart continues above it.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "core/observation.hpp"
#include "core/time.hpp"
#include "daemon/recent_messages.hpp"
#include "vigil/v1/bus.pb.h"
#include "wire/bus_message_bytes.hpp"

namespace vigil::daemon {

class BusPublisher {
 public:
  using Reserve = std::function<void(const std::string& bed, std::uint64_t up_to)>;
  static constexpr std::uint64_t kReserveBlock = 1000;
  // What each bed's replay store may hold (docs/journal.md, bounds table):
  // at 128 beds about 2 MB; at a Masimo and a Nonin per bed, ten seconds or
  // more, well beyond the second a reading takes to reach the journal.
  static constexpr std::size_t kRecentBytes = 16 * 1024;

  // Binds the PUB socket; throws std::runtime_error naming the endpoint.
  // `hwm`: messages held for one slow subscriber before it loses some.
  // `drill` marks every heartbeat: the whole daemon runs a drill. With
  // curve_secret the socket is a CURVE server: subscribers need an allowed
  // key (the ZAP handler decides).
  BusPublisher(zmq::context_t& ctx, const std::string& endpoint, std::string daemon_id, int hwm = 10000,
               bool drill = false, const std::string& curve_secret = {});

  ~BusPublisher();
  BusPublisher(const BusPublisher&) = delete;
  BusPublisher& operator=(const BusPublisher&) = delete;

  void set_reserve(Reserve r) { reserve_ = std::move(r); }
  // Readings held, to go out together: each sent message may wake ZeroMQ's
  // I/O thread, and at 128 beds those wake-ups were a fifth of vigild's CPU.
  // `schedule` is handed a flush when a first reading is held and runs it
  // once the readings that come with it are in (vigild: at the end of the
  // read pacer's beat, at most 40 ms on; at once when no beat is coming).
  // A bed's readings go out before any other message of the bed (an alarm,
  // a heartbeat): its stream keeps its order, and an alarm waits for no
  // other bed. Unset (the default), every reading is sent at once.
  using Schedule = std::function<void(std::function<void()> flush)>;
  void hold_readings(Schedule schedule) { schedule_ = std::move(schedule); }
  // Sends every held reading now (a replay answer must not run ahead of
  // the stream).
  void flush();
  // Called with every message sent on a bed stream (the HL7 outbound feed).
  using Tap = std::function<void(const vigil::v1::BusMessage&, const std::string& bed)>;
  void set_tap(Tap t) { tap_ = std::move(t); }
  // After a restart: the bed's numbers continue above `seq`, never below.
  void continue_after(const std::string& bed, std::uint64_t seq);

  // Stamps the bed's next sequence number into the message; returns it.
  std::uint64_t stamp(vigil::v1::BusMessage& m, const std::string& bed);
  // Sends a stamped message and keeps it for replay.
  void send(const vigil::v1::BusMessage& m, const std::string& bed);
  // Both at once, for messages that need nothing written first.
  std::uint64_t publish(vigil::v1::BusMessage& m, const std::string& bed);
  // One bed's stream: its sequence numbers and recent messages. Made on the
  // first message of the bed and never erased, so a reference to it stays
  // good; its fields are the publisher's own.
  struct Stream {
    std::uint64_t seq = 0;
    std::uint64_t reserved = 0;
    RecentMessages recent{kRecentBytes};
    std::string reading_topic;  // "obs/<bed>/", made once: every reading goes on it
    // Readings stamped and kept but not yet sent: each a 4-byte length and
    // the bytes.
    std::string held;
    bool listed = false;  // in holding_
  };
  // What may be held in all, past which it is sent at once (a flood).
  static constexpr std::size_t kHeldBytes = 64 * 1024;
  static constexpr std::size_t kKeptHeldCapacity = 4 * 1024;
  // The bed's stream, made if it is new: a caller that publishes the bed's
  // readings keeps it, so a reading costs no look-up of its bed.
  Stream& stream(const std::string& bed);
  // Sends the stream's held readings now (before its next message they go
  // out anyway).
  void flush(Stream& s);

  // A reading, on its bed's stream (o.bed): stamped (o.seq), sent (or held)
  // and kept, its bytes written from the observation without a message
  // built for it (wire/bus_message_bytes.hpp); the tap, if any, gets
  // wire::to_proto(o) at once.
  std::uint64_t publish(core::Observation& o, bool drill);
  // The same on the bed's stream found before (stream(o.bed)).
  std::uint64_t publish(Stream& s, core::Observation& o, bool drill);
  void heartbeat(const std::string& bed, core::TimePoint now, std::uint32_t interval_ms);

  std::uint64_t last_seq(const std::string& bed) const;
  std::uint64_t reserved(const std::string& bed) const;
  std::vector<std::string> streams() const;
  // Kept messages of the bed with seq > after, oldest first, at most max.
  std::vector<vigil::v1::BusMessage> recent(const std::string& bed, std::uint64_t after,
                                            std::size_t max) const;
  // The oldest sequence number still kept for the bed (0: none kept).
  std::uint64_t oldest_recent(const std::string& bed) const;
  const std::string& endpoint() const { return endpoint_; }
  const std::string& daemon_id() const { return daemon_id_; }

 private:
  std::uint64_t next_seq(const std::string& bed, Stream& s);
  std::uint64_t stamp(vigil::v1::BusMessage& m, const std::string& bed, Stream& s);
  void send(const vigil::v1::BusMessage& m, const std::string& bed, Stream& s);
  const Stream* find(const std::string& bed) const;
  void send_frames(std::string_view kind, const std::string& bed, std::string_view body);
  void send_frames(std::string_view topic, std::string_view body);
  void hold(Stream& s, std::string_view body);
  zmq::socket_t socket_;
  std::string endpoint_;
  std::string daemon_id_;
  bool drill_;
  std::map<std::string, Stream, std::less<>> streams_;
  Reserve reserve_;
  Tap tap_;
  Schedule schedule_;
  std::vector<Stream*> holding_;  // streams with held readings, in the order they began
  std::size_t held_bytes_ = 0;
  bool flush_scheduled_ = false;
  // Whether this publisher still exists when a scheduled flush runs.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  vigil::v1::BusMessage tapped_;      // a reading for the tap, reused
  wire::ReadingBytes reading_bytes_;  // a reading's bytes, before they are kept and sent
  std::string buffer_;                // heartbeats' bytes
  std::string topic_;                 // the topic being sent, reused
};

}  // namespace vigil::daemon
