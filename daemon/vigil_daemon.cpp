#include "daemon/vigil_daemon.hpp"

#include <spdlog/spdlog.h>

#include <random>
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
  if (!capture_path_.empty()) {
    capture_ = std::make_unique<CaptureWriter>(capture_path_, clock_.now());
    spdlog::info("recording every device's bytes to {}", capture_path_);
  }
  bus_ = std::make_unique<BusPublisher>(zmq_, config_.publish_endpoint(), new_daemon_id(), config_.drill());
  spdlog::info("publishing on {}", config_.publish_endpoint());
  commands_ = std::make_unique<CommandServer>(io_, zmq_, config_.command_endpoint(),
                                              [this](const std::string& r) { return execute_bytes(r); });
  spdlog::info("commands on {}", config_.command_endpoint());
  const core::Duration window = std::chrono::seconds{config_.baseline_window_s() ? config_.baseline_window_s() : 600};
  for (const auto& bed : config_.bed()) {
    const std::string profile_name = bed.profile().empty() ? default_profile_name(config_) : bed.profile();
    auto profile = profiles_.at(profile_name);
    for (const auto& o : bed.override()) {
      auto r = alerts::apply_override(profile, from_proto(o));
      if (!r) throw std::runtime_error("bed " + bed.id() + ": " + r.error());
    }
    bed_profiles_[bed.id()] = profile_name;
    spdlog::info("{}: profile {} ({} rules)", bed.id(), profile.name, profile.rules.size());
    beds_[bed.id()] = std::make_unique<BedMonitor>(bed, std::move(profile), window, config_.drill(), *bus_);
    for (const auto& dev : bed.device()) {
      links_.push_back(std::make_unique<DeviceLink>(
          io_, clock_, bed.id(), dev,
          DeviceLink::Callbacks{[this](DeviceLink& l, drivers::DecodeOutput& o) { on_output(l, o); },
                                [this](DeviceLink& l) { on_link_state(l); },
                                [this](DeviceLink& l, bool sent, std::span<const std::uint8_t> bytes) {
                                  if (!capture_) return;
                                  capture_->bytes(l.bed() + "/" + l.id(), std::string{l.protocol().name},
                                                  sent ? drivers::CaptureRecord::Kind::tx
                                                       : drivers::CaptureRecord::Kind::rx,
                                                  bytes, clock_.now());
                                }}));
    }
  }
  for (auto& link : links_) {
    spdlog::info("{}/{}: {} on {}", link->bed(), link->id(), link->protocol().title, link->where());
    link->start();
  }
  running_ = true;
  schedule_tick();
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
