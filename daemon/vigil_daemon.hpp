#pragma once
// vigild's wiring: config in, the journal, device links, bed monitors, the
// bus and the command channel, all on one event loop thread with an injected
// clock. The journal's writer and the alarm history reader are the only
// other threads; their news comes back through the event loop.
//
// On start the journal gives back each bed's patient, infusion, baseline and
// alarms and the streams' sequence numbers; what was restored is published
// (RESTORED) after a short settling time, so subscribers that were connected
// before the restart have reconnected and hear it, and before any device
// reading of the new run or any command's effect: the command channel is
// bound at once but answers only after that (heartbeats go out throughout).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <zmq.hpp>

#include "core/time.hpp"
#include "daemon/adt_listener.hpp"
#include "daemon/bed_monitor.hpp"
#include "daemon/bus_publisher.hpp"
#include "daemon/capture_writer.hpp"
#include "daemon/command_server.hpp"
#include "daemon/device_link.hpp"
#include "daemon/history_reader.hpp"
#include "daemon/profile_config.hpp"
#include "daemon/zap_authenticator.hpp"
#include "hl7out/hl7_outbound.hpp"
#include "journal/journal.hpp"
#include "vigil/v1/command.pb.h"
#include "vigil/v1/config.pb.h"

namespace vigil::daemon {

class VigilDaemon {
 public:
  VigilDaemon(boost::asio::io_context& io, const core::Clock& clock, vigil::v1::config::DaemonConfig config);
  ~VigilDaemon();
  // Record every device's raw bytes to this capture file (before start()).
  void capture_to(std::string path) { capture_path_ = std::move(path); }
  // Binds the bus and the command channel and opens every device; throws
  // with a readable reason.
  void start();
  void stop();
  // Applies a new config without losing patients or alarms (SIGHUP, `vigil-ctl
  // reload`). A bad config, or one that changes what needs a restart
  // (endpoints, keys, the set of beds), is refused with the reason and the
  // running config stays in force.
  core::Result<std::string> reload(const std::string& path);
  const std::string& config_path() const { return config_path_; }
  void set_config_path(std::string p) { config_path_ = std::move(p); }
  BedMonitor* bed(const std::string& id);
  journal::Journal& journal() { return *journal_; }

  // One command, one reply (command_handler.cpp).
  vigil::v1::CommandReply execute(const vigil::v1::CommandRequest& request);
  std::string execute_bytes(const std::string& request, const std::string& identity = {});
  // Takes an alarm history query off the core thread (to the HistoryReader);
  // false for every other request, and for one it refuses (execute_bytes says why).
  bool defer_command(const std::string& request, const std::string& identity, CommandServer::Reply reply);

 private:
  void on_output(BedMonitor& monitor, DeviceClockAnchor& frame_clock, DeviceLink& link,
                 drivers::DecodeOutput& out);
  void on_link_state(DeviceLink& link);
  void on_raw_bytes(DeviceLink& link, bool sent, std::span<const std::uint8_t> bytes);
  void schedule_tick();
  void tick();
  void heartbeat(core::TimePoint now);
  std::vector<LinkStatus> links_of(const std::string& bed) const;
  void add_links(const vigil::v1::config::Bed& bed);
  void start_link(DeviceLink& link);
  core::Result<alerts::AlarmProfile> profile_for(const vigil::v1::config::Bed& bed) const;
  // The profile of a patient admitted to `bed` under `name` (empty: the bed's own).
  core::Result<alerts::AlarmProfile> admission_profile(const std::string& bed, const std::string& name) const;
  bool restore(BedMonitor& b, const vigil::v1::config::Bed& bed, core::TimePoint now);
  void resume_streams();
  void go_live();
  void check_journal(core::TimePoint now);
  void on_writer_report(const journal::JournalWriterReport& r);
  void start_hl7(std::unique_ptr<hl7out::Hl7Outbound> previous = nullptr);
  std::string reload_hl7(const vigil::v1::config::DaemonConfig& previous);
  vigil::v1::CommandReply run_command(const vigil::v1::CommandRequest& request);
  vigil::v1::CommandReply replay(const vigil::v1::CommandRequest& request);
  vigil::v1::CommandReply hl7_dead_letters(const vigil::v1::CommandRequest& request);
  vigil::v1::CommandReply hl7_resend(const vigil::v1::CommandRequest& request);
  // Signing and amending infusion records (record_signing.cpp). The record
  // is read for signing on the history reader's thread, then signed here.
  bool defer_signing(vigil::v1::CommandRequest request, const std::string& role, CommandServer::Reply reply);
  vigil::v1::CommandReply amend_record(const vigil::v1::CommandRequest& request);
  // The station's record view: a session's record or a list of sessions,
  // answered on the history reader's thread (record_view.cpp).
  bool defer_record_view(const vigil::v1::CommandRequest& request, CommandServer::Reply reply);
  // A history query sees every alarm transition and reading published
  // before it came: it goes to the history reader once the journal's writer
  // has committed them (at once when it has), at most kHistoryWait later
  // (command_handler.cpp).
  void after_journal_writes(std::function<void()> query);
  void release_history_queries(core::TimePoint now);
  // A reply as it leaves on the command channel: this run's id on it, a
  // refusal logged. `sender` does the same for a reply answered later.
  std::string reply_bytes(vigil::v1::CommandReply reply);
  std::function<void(vigil::v1::CommandReply)> sender(CommandServer::Reply reply);
  // One ADT message from the listener, applied; the ACK text (adt_intake.cpp).
  std::string on_adt(const std::string& text, const std::string& peer);

  boost::asio::io_context& io_;
  const core::Clock& clock_;
  vigil::v1::config::DaemonConfig config_;
  ProfileSet profiles_;
  zmq::context_t zmq_{1};
  std::unique_ptr<ZapAuthenticator> zap_;
  std::unique_ptr<journal::Journal> journal_;
  std::unique_ptr<BusPublisher> bus_;
  std::unique_ptr<CommandServer> commands_;
  std::unique_ptr<HistoryReader> history_;  // after commands_: stopped before it
  static constexpr std::chrono::seconds kHistoryWait{1};
  struct WaitingQuery {
    journal::Journal::WritesTicket ticket;  // the journal's last write and reading when it came
    core::TimePoint until;
    std::function<void()> run;
  };
  std::deque<WaitingQuery> waiting_queries_;
  std::unique_ptr<AdtListener> adt_;  // admissions from the hospital (docs/hl7.md); none configured: null
  std::uint64_t adt_acks_ = 0;
  std::unique_ptr<hl7out::Hl7Outbound> hl7_;  // hospital systems (docs/hl7.md); none configured: null
  std::map<std::string, std::unique_ptr<BedMonitor>> beds_;
  std::map<std::string, std::string> bed_profiles_;  // configured profile per bed
  std::vector<std::unique_ptr<DeviceLink>> links_;
  std::string capture_path_;
  std::unique_ptr<CaptureWriter> capture_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer settle_timer_;
  core::TimePoint last_heartbeat_{};
  core::TimePoint next_prune_{};
  core::TimePoint next_heap_trim_{};
  core::TimePoint next_journal_probe_{};
  bool journal_reported_ok_ = true;
  std::uint64_t writer_dropped_ = 0;
  bool running_ = false;
  bool watchdog_ = false;
  std::string config_path_;
  bool live_ = false;
};

}  // namespace vigil::daemon
