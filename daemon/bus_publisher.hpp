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

  void set_reserve(Reserve r) { reserve_ = std::move(r); }
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
  };
  // The bed's stream, made if it is new: a caller that publishes the bed's
  // readings keeps it, so a reading costs no look-up of its bed.
  Stream& stream(const std::string& bed);

  // A reading, on its bed's stream (o.bed): stamped (o.seq), sent and kept,
  // its bytes written from the observation without a message built for it
  // (wire/bus_message_bytes.hpp); the tap, if any, gets wire::to_proto(o).
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
  zmq::socket_t socket_;
  std::string endpoint_;
  std::string daemon_id_;
  bool drill_;
  std::map<std::string, Stream, std::less<>> streams_;
  Reserve reserve_;
  Tap tap_;
  vigil::v1::BusMessage tapped_;      // a reading for the tap, reused
  wire::ReadingBytes reading_bytes_;  // a reading's bytes, before they are kept and sent
  std::string buffer_;                // heartbeats' bytes
  std::string topic_;                 // the topic being sent, reused
};

}  // namespace vigil::daemon
