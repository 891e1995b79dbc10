#include "daemon/vigil_daemon.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <random>

#include "core/curve_keys.hpp"
#include "daemon/config_loader.hpp"
#include <stdexcept>

namespace vigil::daemon {
namespace {
// The core checks silence and delays this often (on its clock: a drill's fast
// clock ticks as often per simulated second); well under every condition
// delay and staleness limit it serves.
constexpr std::chrono::milliseconds kTick{250};

std::string new_daemon_id() {
  std::random_device rd;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
  return buf;
}
}  // namespace

VigilDaemon::VigilDaemon(boost::asio::io_context& io, const core::Clock& clock,
                         vigil::v1::config::DaemonConfig config)
    : io_{io}, clock_{clock}, config_{std::move(config)}, tick_timer_{io} {}

VigilDaemon::~VigilDaemon() { stop(); }

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
  bus_ = std::make_unique<BusPublisher>(zmq_, config_.publish_endpoint(), new_daemon_id(), config_.drill(),
                                        curve_secret);
  spdlog::info("publishing on {}", config_.publish_endpoint());
  commands_ = std::make_unique<CommandServer>(
      io_, zmq_, config_.command_endpoint(),
      [this](const std::string& r, const std::string& who) { return execute_bytes(r, who); }, curve_secret);
  spdlog::info("commands on {}", config_.command_endpoint());
  const core::Duration window = std::chrono::seconds{config_.baseline_window_s() ? config_.baseline_window_s() : 600};
  for (const auto& bed : config_.bed()) {
    auto profile = profile_for(bed);
    if (!profile) throw std::runtime_error(profile.error());
    spdlog::info("{}: profile {} ({} rules)", bed.id(), profile->name, profile->rules.size());
    beds_[bed.id()] = std::make_unique<BedMonitor>(bed, std::move(profile.value()), window, config_.drill(), *bus_);
    add_links(bed);
  }
  std::uint64_t watchdog_usec = 0;
  watchdog_ = sd_watchdog_enabled(0, &watchdog_usec) > 0;
  if (watchdog_) spdlog::info("systemd watchdog every {} ms", watchdog_usec / 1000);
  running_ = true;
  schedule_tick();
}

core::Result<alerts::AlarmProfile> VigilDaemon::profile_for(const vigil::v1::config::Bed& bed) const {
  const std::string name = bed.profile().empty() ? default_profile_name(config_) : bed.profile();
  auto it = profiles_.find(name);
  if (it == profiles_.end()) return core::Error{"bed " + bed.id() + ": no profile '" + name + "'"};
  auto profile = it->second;
  for (const auto& o : bed.override()) {
    auto r = alerts::apply_override(profile, from_proto(o));
    if (!r) return core::Error{"bed " + bed.id() + ": " + r.error()};
  }
  return profile;
}

void VigilDaemon::add_links(const vigil::v1::config::Bed& bed) {
  bed_profiles_[bed.id()] = bed.profile().empty() ? default_profile_name(config_) : bed.profile();
  for (const auto& dev : bed.device()) {
    auto& link = links_.emplace_back(std::make_unique<DeviceLink>(
        io_, clock_, bed.id(), dev,
        DeviceLink::Callbacks{[this](DeviceLink& l, drivers::DecodeOutput& o) { on_output(l, o); },
                              [this](DeviceLink& l) { on_link_state(l); },
                              [this](DeviceLink& l, bool sent, std::span<const std::uint8_t> bytes) {
                                on_raw_bytes(l, sent, bytes);
                              },
                              [this](DeviceLink& l) {
                                if (BedMonitor* b = this->bed(l.bed())) b->on_link_garbled(l, clock_.now());
                              }}));
    spdlog::info("{}/{}: {} on {}", link->bed(), link->id(), link->protocol().title, link->where());
    link->start();
  }
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
    done.push_back(bed.id() + (applied ? ": limits from profile " : ": keeps the admitted patient's limits; profile ") +
                   (bed.profile().empty() ? default_profile_name(config_) : bed.profile()) +
                   (applied ? "" : " applies from the next admission"));
    if (bed.device_size() != previous.bed(i).device_size() ||
        !std::equal(bed.device().begin(), bed.device().end(), previous.bed(i).device().begin(),
                    [](const auto& a, const auto& b) { return a.SerializeAsString() == b.SerializeAsString(); })) {
      std::erase_if(links_, [&](const auto& l) { return l->bed() == bed.id(); });
      add_links(bed);
      done.back() += "; devices reopened";
    }
  }
  if (zap_) zap_->update(config_.security());
  std::string message = "reloaded " + path;
  for (const auto& d : done) message += "; " + d;
  spdlog::info("{}", message);
  return message;
}

void VigilDaemon::stop() {
  if (!running_) return;
  running_ = false;
  tick_timer_.cancel();
  for (auto& link : links_) link->stop();
  commands_.reset();
}

std::vector<const DeviceLink*> VigilDaemon::links_of(const std::string& bed) const {
  std::vector<const DeviceLink*> v;
  for (const auto& l : links_)
    if (l->bed() == bed) v.push_back(l.get());
  return v;
}

void VigilDaemon::on_output(DeviceLink& link, drivers::DecodeOutput& out) {
  BedMonitor* b = bed(link.bed());
  const auto now = clock_.now();
  for (const auto& r : out.readings) b->on_reading(link.id(), r, now);
  if (out.conditions) b->on_device_conditions(link.id(), *out.conditions, now);
  if (!out.beats.empty()) b->on_beats(out, now);
}

void VigilDaemon::on_raw_bytes(DeviceLink& link, bool sent, std::span<const std::uint8_t> bytes) {
  if (!capture_) return;
  capture_->bytes(link.bed() + "/" + link.id(), std::string{link.protocol().name},
                  sent ? drivers::CaptureRecord::Kind::tx : drivers::CaptureRecord::Kind::rx, bytes, clock_.now());
}

void VigilDaemon::on_link_state(DeviceLink& link) {
  if (capture_)
    capture_->link(link.bed() + "/" + link.id(), std::string{link.protocol().name},
                   vigil::v1::LinkState_Name(link.state()), link.reason(), clock_.now());
  if (BedMonitor* b = bed(link.bed())) b->on_link_state(link, clock_.now());
}

void VigilDaemon::schedule_tick() {
  tick_timer_.expires_after(core::real_wait(kTick, clock_));
  tick_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec && running_) tick();
  });
}

void VigilDaemon::tick() {
  const auto now = clock_.now();
  for (auto& link : links_) link->check(now);
  for (auto& [id, b] : beds_) b->tick(now);
  // systemd's watchdog is fed from here, so only a live core keeps the
  // service from being restarted.
  if (watchdog_) sd_notify(0, "WATCHDOG=1");
  const auto interval = std::chrono::milliseconds{config_.heartbeat_ms()};
  if (now - last_heartbeat_ >= interval) {
    last_heartbeat_ = now;
    for (auto& [id, b] : beds_) bus_->heartbeat(id, now, config_.heartbeat_ms());
    bus_->heartbeat("*", now, config_.heartbeat_ms());
  }
  clock_.caught_up(now);
  schedule_tick();
}

}  // namespace vigil::daemon
