#include "daemon/vigil_daemon.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cmath>
#include <random>
#include <stdexcept>

#include "core/curve_keys.hpp"
#include "daemon/config_loader.hpp"
#include "drivers/transport/read_pacer.hpp"
#include "journal/journal_state.hpp"

namespace vigil::daemon {
namespace {
// The core checks silence and delays this often (on its clock: a drill's fast
// clock ticks as often per simulated second); well under every condition
// delay and staleness limit it serves.
constexpr std::chrono::milliseconds kTick{250};
// A link that streams small pieces is read on one ward-wide beat this often
// (on the clock, like the tick): a 75 Hz pleth stream three frames a read,
// and at most this much later than it came (drivers/transport/read_pacer.hpp).
constexpr std::chrono::milliseconds kReadPace{40};
// After a restart, what was restored waits this long before it is published:
// ZeroMQ subscribers reconnect every 100 ms, so those connected before the
// restart are back and hear the RESTORED alarms as they go out.
constexpr std::chrono::seconds kSettle{1};
// An unavailable journal is tried again this often.
constexpr std::chrono::seconds kJournalRetry{10};
constexpr std::chrono::hours kPruneEvery{1};
// Free heap pages go back to the kernel this often (malloc_trim). glibc gives
// back only the top of a heap by itself; a burst (the start-up backlog, a
// slow disk growing the writer's queue) leaves large free chunks inside it,
// resident for good: 1.6 MB of the main heap after 640 s at 128 beds. A trim
// walks the free chunks once (docs/journal.md, "Memory at 128 beds, fourth
// round").
constexpr std::chrono::seconds kHeapTrimEvery{60};

std::string new_daemon_id() {
  std::random_device rd;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
  return buf;
}

journal::JournalOptions journal_options(const vigil::v1::config::DaemonConfig& c) {
  journal::JournalOptions o;
  o.path = c.journal_path();
  o.retention = std::chrono::hours{24} * c.retention_days();
  o.max_bytes = static_cast<std::int64_t>(c.journal_max_mb()) * 1024 * 1024;
  return o;
}

std::string local_time(core::TimePoint t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}
}  // namespace

VigilDaemon::VigilDaemon(boost::asio::io_context& io, const core::Clock& clock,
                         vigil::v1::config::DaemonConfig config)
    : io_{io}, clock_{clock}, config_{std::move(config)}, tick_timer_{io}, settle_timer_{io} {}

VigilDaemon::~VigilDaemon() {
  stop();
}

BedMonitor* VigilDaemon::bed(const std::string& id) {
  auto it = beds_.find(id);
  return it == beds_.end() ? nullptr : it->second.get();
}

void VigilDaemon::start() {
  auto profiles = build_profiles(config_);
  if (!profiles) throw std::runtime_error(profiles.error());
  profiles_ = std::move(profiles.value());
  std::string curve_secret;
  if (config_.has_security()) {
    auto keys = core::read_curve_key_file(config_.security().server_key_file());
    if (!keys || keys->secret_key.empty())
      throw std::runtime_error("security.server_key_file: " + (keys ? "no 'secret:' line" : keys.error()));
    curve_secret = keys->secret_key;
    zap_ = std::make_unique<ZapAuthenticator>(io_, zmq_, config_.security());
    spdlog::info("CURVE on; {} client key(s) allowed; server public key {}", config_.security().client_size(),
                 keys->public_key);
  }
  if (!capture_path_.empty()) {
    capture_ = std::make_unique<CaptureWriter>(capture_path_, clock_.now());
    spdlog::info("recording every device's bytes to {}", capture_path_);
  }
  const auto now = clock_.now();
  const std::string daemon_id = new_daemon_id();

  journal_ = std::make_unique<journal::Journal>(journal_options(config_),
                                                [this](const journal::JournalWriterReport& r) {
                                                  boost::asio::post(io_, [this, r] { on_writer_report(r); });
                                                });
  if (journal_->open(daemon_id, now)) {
    spdlog::info("journal {} (readings kept {} days)", config_.journal_path(), config_.retention_days());
    if (const auto& prev = journal_->previous_run()) {
      if (prev->stopped)
        spdlog::info("journal: the previous vigild ({}, started {}) stopped cleanly", prev->daemon_id,
                     local_time(prev->started));
      else
        spdlog::warn(
            "journal: the previous vigild ({}, started {}) did not stop cleanly; restoring the beds from "
            "the journal",
            prev->daemon_id, local_time(prev->started));
    }
  } else {
    spdlog::error(
        "journal unavailable: {}; alarms are still published but not recorded, and would not survive a "
        "restart",
        journal_->problem());
  }
  journal_reported_ok_ = journal_->available();

  bus_ =
      std::make_unique<BusPublisher>(zmq_, config_.publish_endpoint(), daemon_id,
                                     static_cast<int>(config_.publish_hwm()), config_.drill(), curve_secret);
  bus_->set_reserve(
      [this](const std::string& bed, std::uint64_t up_to) { journal_->reserve_seq(bed, up_to); });
  bus_->hold_readings(
      [this](std::function<void()> flush) { drivers::ReadPacer::of(io_).after_beat(std::move(flush)); });
  resume_streams();
  spdlog::info("publishing on {}", config_.publish_endpoint());
  start_hl7();
  commands_ = std::make_unique<CommandServer>(
      io_, zmq_, config_.command_endpoint(),
      [this](const std::string& r, const std::string& who) { return execute_bytes(r, who); }, curve_secret);
  history_ = std::make_unique<HistoryReader>(io_, config_.journal_path());
  commands_->defer_with([this](const std::string& r, const std::string& who, CommandServer::Reply reply) {
    return defer_command(r, who, std::move(reply));
  });
  spdlog::info("commands on {}", config_.command_endpoint());
  if (config_.has_adt_listen()) {
    adt_ = std::make_unique<AdtListener>(
        io_, config_.adt_listen(),
        [this](const std::string& m, const std::string& peer) { return on_adt(m, peer); });
    spdlog::info("ADT admissions on {} (port {})", config_.adt_listen().address(), adt_->port());
  }
  const core::Duration window =
      std::chrono::seconds{config_.baseline_window_s() ? config_.baseline_window_s() : 600};
  drivers::ReadPacer::of(io_).set_period(core::real_wait(kReadPace, clock_));
  bool restored = false;
  for (const auto& bed : config_.bed()) {
    auto profile = profile_for(bed);
    if (!profile) throw std::runtime_error(profile.error());
    spdlog::info("{}: profile {} ({} rules)", bed.id(), profile->name, profile->rules.size());
    auto& b = beds_[bed.id()] = std::make_unique<BedMonitor>(bed, std::move(profile.value()), window,
                                                             config_.drill(), *bus_, *journal_);
    restored = restore(*b, bed, now) || restored;
    add_links(bed);
  }
  std::uint64_t watchdog_usec = 0;
  watchdog_ = sd_watchdog_enabled(0, &watchdog_usec) > 0;
  if (watchdog_) spdlog::info("systemd watchdog every {} ms", watchdog_usec / 1000);
  running_ = true;
  // Heartbeats from the first moment: a restart is not a second of silence.
  heartbeat(now);
  schedule_tick();
  if (!restored) return go_live();
  settle_timer_.expires_after(kSettle);
  settle_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec && running_) go_live();
  });
}

core::Result<alerts::AlarmProfile> VigilDaemon::profile_for(const vigil::v1::config::Bed& bed) const {
  const std::string name = bed.profile().empty() ? default_profile_name(config_) : bed.profile();
  auto it = profiles_.find(name);
  if (it == profiles_.end()) return core::Error{"bed " + bed.id() + ": no profile '" + name + "'"};
  auto profile = it->second;
  for (const auto& o : bed.override()) {
    auto r = apply_config_override(profile, o);
    if (!r) return core::Error{"bed " + bed.id() + ": " + r.error()};
  }
  return profile;
}

// Links open only once the daemon is live: after a restart, what was restored
// is published before the first new reading can change it.
void VigilDaemon::add_links(const vigil::v1::config::Bed& bed) {
  bed_profiles_[bed.id()] = bed.profile().empty() ? default_profile_name(config_) : bed.profile();
  // Beds live as long as the daemon (a reload cannot change the list), so
  // each link's bed and frame clock are looked up here, once, not per read.
  BedMonitor& monitor = *beds_.at(bed.id());
  for (const auto& dev : bed.device()) {
    DeviceClockAnchor& frame_clock = monitor.frame_clock(dev.id());
    auto& link = links_.emplace_back(std::make_unique<DeviceLink>(
        io_, clock_, bed.id(), dev,
        DeviceLink::Callbacks{[this, &monitor, &frame_clock](DeviceLink& l, drivers::DecodeOutput& o) {
                                on_output(monitor, frame_clock, l, o);
                              },
                              [this](DeviceLink& l) { on_link_state(l); },
                              [this](DeviceLink& l, bool sent, std::span<const std::uint8_t> bytes) {
                                on_raw_bytes(l, sent, bytes);
                              },
                              [this](DeviceLink& l) {
                                if (BedMonitor* b = this->bed(l.bed()))
                                  b->on_link_garbled(l.status(), clock_.now());
                              }}));
    if (live_) start_link(*link);
  }
}

void VigilDaemon::start_link(DeviceLink& link) {
  spdlog::info("{}/{}: {} on {}", link.bed(), link.id(), link.protocol().title, link.where());
  link.start();
}

core::Result<std::string> VigilDaemon::reload(const std::string& path) {
  auto loaded = load_config(path);
  if (!loaded) return core::Error{"config: " + loaded.error()};
  const auto& next = loaded->config;
  const auto restart = [](const std::string& what) {
    return core::Error{"config: " + what + " changed; that needs a restart (systemctl restart vigild)"};
  };
  if (next.publish_endpoint() != config_.publish_endpoint()) return restart("publish_endpoint");
  if (next.command_endpoint() != config_.command_endpoint()) return restart("command_endpoint");
  if (next.has_security() != config_.has_security() ||
      next.security().server_key_file() != config_.security().server_key_file())
    return restart("security.server_key_file");
  if (next.drill() != config_.drill()) return restart("drill");
  if (next.journal_path() != config_.journal_path()) return restart("journal_path");
  if (next.retention_days() != config_.retention_days()) return restart("retention_days");
  if (next.journal_max_mb() != config_.journal_max_mb()) return restart("journal_max_mb");
  if (next.publish_hwm() != config_.publish_hwm()) return restart("publish_hwm");
  // The queues live in the outbox file, so the senders can be rebuilt on
  // another address or with other settings without losing a message.
  if (next.hl7_outbox_path() != config_.hl7_outbox_path()) return restart("hl7_outbox_path");
  const auto hl7_of = [](const vigil::v1::config::DaemonConfig& c) {
    std::string s = c.equipment_eui64();
    for (const auto& d : c.hl7_destination()) s += "|" + d.SerializeAsString();
    return s;
  };
  const bool hl7_changed = hl7_of(next) != hl7_of(config_);
  // The location map is read per message and follows a reload; the port does not.
  const auto adt_port = [](const vigil::v1::config::DaemonConfig& c) {
    auto a = c.adt_listen();
    a.clear_location();
    return std::to_string(c.has_adt_listen()) + a.SerializeAsString();
  };
  if (adt_port(next) != adt_port(config_))
    return restart("adt_listen address, allow, allow_plain_tcp, tls, idle_timeout_s or max_connections");
  std::vector<std::string> old_beds, new_beds;
  for (const auto& b : config_.bed()) old_beds.push_back(b.id());
  for (const auto& b : next.bed()) new_beds.push_back(b.id());
  if (old_beds != new_beds) return restart("the list of beds");
  auto profiles = build_profiles(next);
  if (!profiles) return core::Error{"config: " + profiles.error()};

  const auto previous = config_;
  config_ = next;
  profiles_ = std::move(profiles.value());
  std::vector<std::string> done;
  for (int i = 0; i < config_.bed_size(); ++i) {
    const auto& bed = config_.bed(i);
    auto profile = profile_for(bed);
    if (!profile) return core::Error{"config: " + profile.error()};  // validated above; cannot happen
    const bool applied = beds_.at(bed.id())->reconfigure(std::move(profile.value()));
    done.push_back(bed.id() +
                   (applied ? ": limits from profile " : ": keeps the admitted patient's limits; profile ") +
                   (bed.profile().empty() ? default_profile_name(config_) : bed.profile()) +
                   (applied ? "" : " applies from the next admission"));
    if (bed.device_size() != previous.bed(i).device_size() ||
        !std::equal(
            bed.device().begin(), bed.device().end(), previous.bed(i).device().begin(),
            [](const auto& a, const auto& b) { return a.SerializeAsString() == b.SerializeAsString(); })) {
      std::erase_if(links_, [&](const auto& l) { return l->bed() == bed.id(); });
      add_links(bed);
      done.back() += "; devices reopened";
    }
  }
  if (zap_) zap_->update(config_.security());
  if (hl7_changed) done.push_back(reload_hl7(previous));
  std::string message = "reloaded " + path;
  for (const auto& d : done) message += "; " + d;
  spdlog::info("{}", message);
  return message;
}

// One sender per destination on the shared outbox; what the bus publishes
// is handed to them.
void VigilDaemon::start_hl7(std::unique_ptr<hl7out::Hl7Outbound> previous) {
  if (!config_.hl7_destination_size()) {
    bus_->set_tap(nullptr);
    return;
  }
  hl7_ = std::make_unique<hl7out::Hl7Outbound>(
      io_, clock_, config_,
      [this](const std::string& bed) {
        const auto* b = this->bed(bed);
        return b ? b->alarms().patient_id() : std::string{};
      },
      std::move(previous));
  bus_->set_tap(
      [this](const vigil::v1::BusMessage& m, const std::string& bed) { hl7_->on_bus_message(m, bed); });
  hl7_->start();
}

// The senders stop (a message in flight stays queued and goes again, same
// MSH-10) and new ones start on the same outbox and writer, so nothing
// queued or waiting to be written is lost and the order is kept; a periodic
// destination's window and the held alarms go on. A destination that is
// gone takes its alarm along.
std::string VigilDaemon::reload_hl7(const vigil::v1::config::DaemonConfig& previous) {
  const auto now = clock_.now();
  auto running = std::move(hl7_);
  bus_->set_tap(nullptr);
  if (running && !config_.hl7_destination_size()) running.reset();  // nothing left to send to
  std::string failed;
  try {
    start_hl7(std::move(running));
  } catch (const std::runtime_error& e) {
    bus_->set_tap(nullptr);
    spdlog::error("hl7: {}; nothing is sent to hospital systems", e.what());
    failed = std::string{"HL7 senders not restarted: "} + e.what();
  }
  // After the restart, so the destinations kept hear of the alarm's end.
  for (const auto& old : previous.hl7_destination()) {
    const auto& kept = config_.hl7_destination();
    if (std::none_of(kept.begin(), kept.end(), [&](const auto& d) { return d.name() == old.name(); }))
      for (auto& [id, b] : beds_)
        b->on_hl7_destination(old.name(), false, "HL7 destination " + old.name() + " removed from the config",
                              now);
  }
  if (!failed.empty()) return failed;
  std::string names;
  for (const auto& d : config_.hl7_destination()) names += (names.empty() ? "" : ", ") + d.name();
  return "HL7 senders restarted (" + (names.empty() ? std::string{"none"} : names) + "), queues kept";
}

// Sequence numbers continue above whatever the journal says was used.
void VigilDaemon::resume_streams() {
  if (auto* r = journal_->reader()) {
    try {
      for (const auto& [bed, seq] : r->seq_reserved()) bus_->continue_after(bed, seq);
    } catch (const journal::sqlite::Error& e) {
      spdlog::error("journal: cannot read the streams' sequence numbers: {}", e.what());
    }
  }
}

bool VigilDaemon::restore(BedMonitor& b, const vigil::v1::config::Bed& bed, core::TimePoint now) {
  auto* reader = journal_->reader();
  if (!reader) return false;
  try {
    const auto saved = reader->bed_state(bed.id());
    if (!saved) return false;
    const alerts::BedState s = journal::from_journal(*saved);
    const alerts::SavedContext& c = s.context;
    if (c.patient_id.empty() && !c.infusion && s.alarms.empty() && c.profile_changes.empty()) return false;
    auto configured = profile_for(bed);
    if (!configured) return false;  // validated at start; cannot happen
    alerts::AlarmProfile profile = std::move(configured.value());
    if (c.profile_from_admission) {
      auto it = profiles_.find(c.profile);
      if (it != profiles_.end())
        profile = it->second;
      else
        spdlog::warn("{}: profile {} of the admission is no longer configured; using {}", bed.id(), c.profile,
                     profile.name);
    } else if (c.profile != profile.name) {
      spdlog::warn("{}: the bed's profile changed from {} to {} in the config", bed.id(), c.profile,
                   profile.name);
    }
    for (const auto& change : c.profile_changes)
      if (auto r = alerts::apply_override(profile, change); !r)
        spdlog::warn("{}: a limit change made before the restart no longer applies: {}", bed.id(), r.error());
    const core::Duration window =
        std::chrono::seconds{config_.baseline_window_s() ? config_.baseline_window_s() : 600};
    b.restore(s, std::move(profile), reader->readings_since(bed.id(), now - window),
              reader->last_cuff(bed.id()), now);
    if (c.infusion) {
      // The pauses and rate changes of the running infusion are in the journal's context events.
      journal::MessageQuery q;
      q.bed = bed.id();
      q.from = c.infusion->started;
      q.kinds = {"ctx"};
      q.max = 100000;
      std::vector<vigil::v1::ContextEvent> events;
      for (const auto& m : reader->messages(q))
        if (m.has_context()) events.push_back(m.context());
      b.infusion_course().restore(c.infusion->started, events);
      if (b.infusion_course().paused(b.alarms()))
        spdlog::info("{}: the infusion was paused before the restart and stays paused", bed.id());
    }
    spdlog::info("{}: restored from the journal: patient {}, {}, {} alarm(s) with a signal", bed.id(),
                 c.patient_id.empty() ? "none" : c.patient_id,
                 c.infusion ? "infusion running" : "no infusion", s.alarms.size());
    return true;
  } catch (const journal::sqlite::Error& e) {
    spdlog::error("{}: cannot restore from the journal: {}", bed.id(), e.what());
    return false;
  }
}

void VigilDaemon::go_live() {
  live_ = true;
  const auto now = clock_.now();
  for (auto& [id, b] : beds_) {
    // A journal that failed at start is an alarm from the first moment.
    if (!journal_->available())
      b->on_journal(false, journal_->problem(), now);
    else
      b->on_journal(true, "", now);
    b->publish_pending(now);
  }
  // Commands that came during the settling time are answered now, after
  // the restored alarms, so their effects follow them on the bus and in
  // the journal, and a snapshot includes them.
  commands_->serve();
  if (adt_) adt_->serve();
  for (auto& link : links_) start_link(*link);
  journal_->prune(now);
  next_prune_ = now + kPruneEvery;
  next_journal_probe_ = now + kJournalRetry;
}

void VigilDaemon::stop() {
  if (!running_) return;
  running_ = false;
  tick_timer_.cancel();
  settle_timer_.cancel();
  for (auto& link : links_) link->stop();
  if (hl7_) hl7_->stop();
  adt_.reset();
  waiting_queries_.clear();  // their replies would go through the command channel
  commands_.reset();
  // A clean stop: the next start continues the numbers without a gap.
  for (const auto& bed : bus_->streams()) journal_->reserve_seq(bed, bus_->last_seq(bed));
  journal_->close(clock_.now());
}

std::vector<LinkStatus> VigilDaemon::links_of(const std::string& bed) const {
  std::vector<LinkStatus> v;
  for (const auto& l : links_)
    if (l->bed() == bed) v.push_back(l->status());
  return v;
}

void VigilDaemon::on_output(BedMonitor& monitor, DeviceClockAnchor& frame_clock, DeviceLink& link,
                            drivers::DecodeOutput& out) {
  const auto now = clock_.now();
  // A device's "no number" is a reading without a value; a NaN or infinity
  // is a codec bug, dropped here with a line naming it before rules, bus or
  // journal see it.
  std::erase_if(out.readings, [&](const core::Reading& r) {
    if (!r.value || std::isfinite(*r.value)) return false;
    spdlog::error("{}/{}: {} reading with a value that is not finite dropped (a bug of the {} codec)",
                  link.bed(), link.id(), core::name(r.metric), link.protocol().name);
    return true;
  });
  monitor.on_readings(link.id(), out.readings, now);
  if (out.conditions) monitor.on_device_conditions(link.id(), *out.conditions, now);
  if (!out.beats.empty() || out.device_clock_end) monitor.on_beats(link.id(), frame_clock, out, now);
  if (!out.waveforms.empty()) monitor.on_waveforms(link.id(), out.waveforms, now);
  journal_->hand_over();
}

void VigilDaemon::on_raw_bytes(DeviceLink& link, bool sent, std::span<const std::uint8_t> bytes) {
  if (!capture_) return;
  capture_->bytes(link.bed() + "/" + link.id(), std::string{link.protocol().name},
                  sent ? drivers::CaptureRecord::Kind::tx : drivers::CaptureRecord::Kind::rx, bytes,
                  clock_.now());
}

void VigilDaemon::on_link_state(DeviceLink& link) {
  if (capture_)
    capture_->link(link.bed() + "/" + link.id(), std::string{link.protocol().name},
                   vigil::v1::LinkState_Name(link.state()), link.reason(), clock_.now());
  if (BedMonitor* b = bed(link.bed())) b->on_link_state(link.status(), clock_.now());
}

void VigilDaemon::on_writer_report(const journal::JournalWriterReport& r) {
  if (!journal_) return;
  journal_->on_writer_report(r);
  release_history_queries(clock_.now());
  if (r.batch_rows > 0)
    spdlog::debug("journal: {} rows in {} us, first queued {} ms before", r.batch_rows, r.batch_time.count(),
                  r.oldest_wait.count() / 1000);
  if (r.rows_dropped > writer_dropped_) {
    spdlog::warn("journal: {} reading(s) could not be written ({} in all)", r.rows_dropped - writer_dropped_,
                 r.rows_dropped);
    writer_dropped_ = r.rows_dropped;
  }
}

// The journal's health becomes an alarm on every bed, and back.
void VigilDaemon::check_journal(core::TimePoint now) {
  if (!journal_->available() && now >= next_journal_probe_) {
    next_journal_probe_ = now + kJournalRetry;
    if (!journal_->is_open() && journal_->open(bus_->daemon_id(), now)) {
      resume_streams();
      for (const auto& bed : bus_->streams()) journal_->reserve_seq(bed, bus_->reserved(bed));
    }
    // Writing every bed's state is both the test and the catching up.
    for (auto& [id, b] : beds_) b->write_state(now);
  }
  const bool ok = journal_->available();
  if (ok == journal_reported_ok_) return;
  journal_reported_ok_ = ok;
  if (ok)
    spdlog::info("journal {} is writing again", config_.journal_path());
  else
    spdlog::error(
        "journal unavailable: {}; alarms are still published but not recorded, and would not survive "
        "a restart",
        journal_->problem());
  for (auto& [id, b] : beds_) b->on_journal(ok, journal_->problem(), now);
}

void VigilDaemon::schedule_tick() {
  tick_timer_.expires_after(core::real_wait(kTick, clock_));
  tick_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec && running_) tick();
  });
}

void VigilDaemon::heartbeat(core::TimePoint now) {
  last_heartbeat_ = now;
  for (auto& [id, b] : beds_) bus_->heartbeat(id, now, config_.heartbeat_ms());
  bus_->heartbeat("*", now, config_.heartbeat_ms());
}

void VigilDaemon::tick() {
  const auto now = clock_.now();
  release_history_queries(now);
  if (!live_) {
    // Settling after a restart: nothing but heartbeats until the restored
    // alarms are out (a bed's tick could publish them early). One every
    // tick, so subscribers reconnecting to the new run hear at once that
    // the daemon is back rather than a second of silence.
    if (watchdog_) sd_notify(0, "WATCHDOG=1");
    heartbeat(now);
    clock_.caught_up(now);
    return schedule_tick();
  }
  for (auto& link : links_) link->check(now);
  for (auto& [id, b] : beds_) b->tick(now);
  journal_->hand_over();
  check_journal(now);
  if (hl7_)
    for (const auto& a : hl7_->tick(now))
      for (auto& [id, b] : beds_) b->on_hl7_destination(a.destination, a.raised, a.text, now);
  if (now >= next_prune_) {
    journal_->prune(now);
    next_prune_ = now + kPruneEvery;
  }
  if (now >= next_heap_trim_) {
    malloc_trim(0);
    next_heap_trim_ = now + kHeapTrimEvery;
  }
  // systemd's watchdog is fed from here, so only a live core keeps the
  // service from being restarted.
  if (watchdog_) sd_notify(0, "WATCHDOG=1");
  if (now - last_heartbeat_ >= std::chrono::milliseconds{config_.heartbeat_ms()}) heartbeat(now);
  clock_.caught_up(now);
  schedule_tick();
}

}  // namespace vigil::daemon
