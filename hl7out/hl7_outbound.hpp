#pragma once
// vigild's side of hospital integration: every reading and alarm transition
// the bus publishes is turned into HL7 for each destination that wants it,
// queued in the outbox and handed to that destination's sender.
//   - a drill reaches a destination only if it says so (then as MSH-11 T);
//   - readings only for a bed with an admitted patient;
//   - alarms always (PID empty when nobody is admitted);
//   - readings every one, or each period's median per metric (NIBP as it comes);
//   - an active or latched alarm's state again every alarm_keepalive_s (phase continue).
// The core makes each message and hands it to the outbox writer's thread
// (outbox_writer.hpp), which puts it on disk and then wakes the senders; a
// reload keeps the outbox, its writer and each destination's window and
// held alarms (by destination name).
#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "hl7out/mllp_sender.hpp"
#include "hl7out/outbox.hpp"
#include "hl7out/outbox_writer.hpp"
#include "hl7out/pcd01_encoder.hpp"
#include "hl7out/unreachable_alarm.hpp"
#include "vigil/v1/bus.pb.h"
#include "vigil/v1/command.pb.h"
#include "vigil/v1/config.pb.h"

namespace vigil::hl7out {

class Hl7Outbound {
 public:
  using PatientOf = std::function<std::string(const std::string& bed)>;
  // Opens the outbox (throws std::runtime_error with the reason), or, on a
  // reload, takes over `previous`'s outbox, writer, periodic windows and
  // held alarms (`previous` stopped first).
  Hl7Outbound(boost::asio::io_context& io, const core::Clock& clock,
              const vigil::v1::config::DaemonConfig& config, PatientOf patient_of,
              std::unique_ptr<Hl7Outbound> previous = nullptr);
  ~Hl7Outbound();
  void start();
  void stop();
  void on_bus_message(const vigil::v1::BusMessage& m, const std::string& bed);
  // A change of a destination's hl7_unreachable technical alarm.
  struct AlarmChange {
    std::string destination;
    bool raised = false;
    std::string text;
  };
  // Sends each periodic destination's medians when its period is over;
  // says which destinations' alarms changed.
  std::vector<AlarmChange> tick(core::TimePoint now);
  std::vector<SenderStatus> status();
  // Dead letters and rejected messages of one destination (empty: all).
  std::vector<QueuedMessage> kept(const std::string& destination);
  // Queues a kept message again; the reply's text says which, or why not.
  core::Result<std::string> resend(std::int64_t id);
  static std::string default_outbox_path(const std::string& journal_path);
  // Waits until every message made so far is on disk (or a write failed).
  void sync() { writer_->sync(); }
  static constexpr std::chrono::hours kPruneEvery{1};

 private:
  struct Destination {
    vigil::v1::config::Hl7Destination config;
    std::shared_ptr<MllpSender> sender;
    // Periodic cadence: this period's values per bed and metric.
    std::map<std::string, std::map<std::uint32_t, std::vector<ReportedValue>>> window;
    // Alarms still active or latched, for the keep-alive: the last
    // transition, its bed and when its state last went out.
    struct Held {
      vigil::v1::AlarmEvent last;
      std::string bed;
      core::TimePoint sent{};
    };
    std::map<std::string, Held> held;
    UnreachableAlarm alarm{std::chrono::seconds{300}};
    std::optional<core::TimePoint> write_failing_since;  // the outbox could not take its messages
    std::string write_error;
    bool window_drill = false;  // a drill's values are in it (only where drills are taken)
    core::TimePoint next_flush{};
  };
  MessageHeader header(const Destination& d, bool drill, core::TimePoint now) const;
  void enqueue(Destination& d, const std::function<std::string(const MessageHeader&)>& encode, bool drill,
               core::TimePoint now, bool reading);
  void add_copy(SharedReading& reading, const Destination& d, const BedContext& bed, bool drill,
                core::TimePoint now);
  void take_over(Hl7Outbound& previous);
  void poke_all();
  void check_writer(core::TimePoint now);
  void flush(Destination& d, core::TimePoint now);
  void keep_alive(Destination& d, core::TimePoint now);
  std::optional<AlarmChange> check_alarm(Destination& d, core::TimePoint now);

  boost::asio::io_context& io_;
  const core::Clock& clock_;
  std::string eui64_;
  PatientOf patient_of_;
  std::unique_ptr<Outbox> outbox_;  // the core's connection: ids, the senders' reads and replies
  std::unique_ptr<OutboxWriter> writer_;
  // The Hl7Outbound the writer's "written" wakes (posted to the core): this
  // one, its successor after a reload, none once gone.
  std::shared_ptr<Hl7Outbound*> self_;
  std::vector<Destination> destinations_;
  core::Duration retention_;
  core::TimePoint next_prune_{};
  std::uint64_t shed_reported_ = 0;
};

vigil::v1::Hl7DestinationStatus to_proto(const SenderStatus& s);
vigil::v1::Hl7KeptMessage to_proto(const QueuedMessage& m);

}  // namespace vigil::hl7out
