#include "daemon/device_link.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace vigil::daemon {
namespace {
constexpr std::chrono::milliseconds kMaxBackoff{5000};
// Bad-frame messages are logged at most this often per device, with a count,
// so a noisy line cannot flood the journal.
constexpr std::chrono::seconds kErrorLogInterval{10};

const drivers::Protocol& protocol_of(const vigil::v1::config::Device& config) {
  const drivers::Protocol* p = drivers::find_protocol(config.protocol());
  if (!p) throw std::invalid_argument("unknown protocol " + config.protocol());
  return *p;
}

core::Duration silence_of(const vigil::v1::config::Device& config) {
  return config.silence_ms() ? core::Duration{std::chrono::milliseconds{config.silence_ms()}}
                             : core::Duration{3 * protocol_of(config).expected_interval};
}

std::string where_of(const vigil::v1::config::Device& config) {
  using D = vigil::v1::config::Device;
  switch (config.link_case()) {
    case D::kPath:
      return config.path();
    case D::kUsbSerial:
      return "usb serial " + config.usb_serial();
    case D::kUsbVidPid:
      return "usb id " + config.usb_vid_pid();
    case D::kTcpConnect:
      return "tcp " + config.tcp_connect();
    case D::kTcpListen:
      return "listening on tcp " + config.tcp_listen();
    case D::LINK_NOT_SET:
      break;
  }
  return "nowhere";
}
}  // namespace

DeviceLink::DeviceLink(boost::asio::io_context& io, const core::Clock& clock, std::string bed,
                       const vigil::v1::config::Device& config, Callbacks callbacks)
    : io_{io},
      clock_{clock},
      bed_{std::move(bed)},
      config_{config},
      protocol_{&protocol_of(config)},
      callbacks_{std::move(callbacks)},
      reopen_timer_{io},
      health_{silence_of(config), where_of(config), clock.now()} {}

DeviceLink::~DeviceLink() {
  stop();
}

std::string DeviceLink::where() const {
  return where_of(config_);
}

LinkStatus DeviceLink::status() const {
  return {bed_,
          id(),
          std::string{protocol_->name},
          health_.state(),
          health_.reason(),
          health_.last_frame(),
          stats(),
          health_.garbled(),
          health_.garbled_reason()};
}

void DeviceLink::start() {
  stopped_ = false;
  open();
}

void DeviceLink::stop() {
  stopped_ = true;
  *alive_ = false;
  alive_ = std::make_shared<bool>(true);
  reopen_timer_.cancel();
  for (auto& c : connections_) c->stream->close();
  connections_.clear();
  listener_.reset();
}

void DeviceLink::open() {
  if (stopped_) return;
  drivers::SerialSettings serial{
      config_.baud() ? config_.baud() : (protocol_->default_baud ? protocol_->default_baud : 9600),
      protocol_->parity, protocol_->rts_cts};
  if (!config_.parity().empty()) serial.parity = config_.parity()[0];
  if (config_.has_rts_cts()) serial.rts_cts = config_.rts_cts();
  using D = vigil::v1::config::Device;
  switch (config_.link_case()) {
    case D::kPath:
    case D::kUsbSerial:
    case D::kUsbVidPid: {
      // USB devices are looked up again at every attempt: a replugged
      // adapter may come back under another /dev/ttyUSBn.
      auto stream = config_.link_case() == D::kPath ? drivers::open_serial(io_, config_.path(), serial)
                    : config_.link_case() == D::kUsbSerial
                        ? drivers::open_usb_serial(io_, config_.usb_serial(), serial)
                        : drivers::open_usb_vid_pid(io_, config_.usb_vid_pid(), serial);
      if (!stream) return fail(stream.error());
      adopt(std::move(stream.value()));
      break;
    }
    case D::kTcpConnect: {
      report(health_.opening("connecting to " + config_.tcp_connect(), clock_.now()));
      std::weak_ptr<bool> alive = alive_;
      drivers::connect_tcp(io_, config_.tcp_connect(), [this, alive](auto result) {
        if (alive.expired()) return;
        if (!result) return fail(result.error());
        adopt(std::move(result.value()));
      });
      break;
    }
    case D::kTcpListen: {
      auto listener =
          drivers::listen_tcp(io_, config_.tcp_listen(), [this](std::unique_ptr<drivers::ByteStream> s) {
            spdlog::info("{}/{}: sender connected: {}", bed_, id(), s->describe());
            adopt(std::move(s));
          });
      if (!listener) return fail(listener.error());
      listener_ = std::move(listener.value());
      report(health_.opening("listening on " + config_.tcp_listen() + ", waiting for data", clock_.now()));
      break;
    }
    case D::LINK_NOT_SET:
      fail("no link configured");
      break;
  }
}

void DeviceLink::adopt(std::unique_ptr<drivers::ByteStream> stream) {
  auto conn = std::make_unique<Connection>();
  conn->stream = std::move(stream);
  conn->session = protocol_->make_session();
  conn->description = conn->stream->describe();
  Connection* c = conn.get();
  connections_.push_back(std::move(conn));
  std::weak_ptr<bool> alive = alive_;
  c->stream->start(
      [this, c, alive](std::span<const std::uint8_t> bytes) {
        if (!alive.expired()) on_bytes(*c, bytes);
      },
      [this, c, alive](const std::string& reason) {
        if (!alive.expired()) on_closed(c, reason);
      });
  report(health_.opening("opened " + c->description + ", waiting for data", clock_.now()));
  drivers::DecodeOutput out;
  c->session->on_open(out);
  deliver(*c, out);
}

void DeviceLink::on_bytes(Connection& c, std::span<const std::uint8_t> bytes) {
  if (callbacks_.on_raw) callbacks_.on_raw(*this, false, bytes);
  const auto frames_before = c.session->stats().frames_ok;
  drivers::DecodeOutput& out = c.out;
  out.clear();
  c.session->on_bytes(bytes, out);
  const auto now = clock_.now();
  if (c.session->stats().frames_ok > frames_before) {
    backoff_ = std::chrono::milliseconds{500};
    report(health_.frames_decoded(c.description, now));
  }
  note_errors(out, now);
  deliver(c, out);
}

void DeviceLink::deliver(Connection& c, drivers::DecodeOutput& out) {
  for (const auto& note : out.notes) spdlog::info("{}/{}: {}", bed_, id(), note);
  if (!out.to_send.empty()) {
    if (callbacks_.on_raw) callbacks_.on_raw(*this, true, out.to_send);
    c.stream->write(out.to_send);
  }
  out.to_send.clear();
  callbacks_.on_output(*this, out);
}

void DeviceLink::note_errors(const drivers::DecodeOutput& out, core::TimePoint now) {
  if (out.errors.empty()) return;
  errors_since_log_ += out.errors.size();
  if (now - last_error_log_ < kErrorLogInterval) return;
  spdlog::warn("{}/{}: {} bad frame(s) from {}; latest: {}", bed_, id(), errors_since_log_, where(),
               out.errors.back());
  errors_since_log_ = 0;
  last_error_log_ = now;
}

void DeviceLink::on_closed(Connection* c, const std::string& reason) {
  // Defer the erase: we may be inside this connection's own read handler.
  boost::asio::post(io_, [this, c, reason, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired()) return;
    for (auto it = connections_.begin(); it != connections_.end(); ++it) {
      if (it->get() != c) continue;
      const auto& s = (*it)->session->stats();
      closed_stats_.bytes += s.bytes;
      closed_stats_.frames_ok += s.frames_ok;
      closed_stats_.frames_bad += s.frames_bad;
      closed_stats_.resyncs += s.resyncs;
      connections_.erase(it);
      break;
    }
    if (listener_) {
      spdlog::info("{}/{}: sender disconnected: {}", bed_, id(), reason);
      return;  // a listening link waits for the next sender; silence decides loss
    }
    fail(reason);
  });
}

void DeviceLink::fail(const std::string& reason) {
  for (auto& c : connections_) c->stream->close();
  connections_.clear();
  const LinkChange change = health_.failed(reason, clock_.now());
  if (change == LinkChange::none)
    spdlog::debug("{}/{}: still down ({}); retrying in {} ms", bed_, id(), reason, backoff_.count());
  report(change);
  schedule_reopen();
}

void DeviceLink::schedule_reopen() {
  if (stopped_) return;
  reopen_timer_.expires_after(core::real_wait(backoff_, clock_));
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  std::weak_ptr<bool> alive = alive_;
  reopen_timer_.async_wait([this, alive](boost::system::error_code ec) {
    if (!ec && !alive.expired()) open();
  });
}

void DeviceLink::check(core::TimePoint now) {
  for (auto& c : connections_) {
    drivers::DecodeOutput out;
    c->session->on_tick(now, out);
    if (!out.to_send.empty() || !out.readings.empty()) deliver(*c, out);
  }
  const auto totals = stats();
  if (health_.check_garbling(now, totals)) {
    spdlog::log(health_.garbled() ? spdlog::level::warn : spdlog::level::info, "{}/{}: {}", bed_, id(),
                health_.garbled_reason());
    if (callbacks_.on_garbled_change) callbacks_.on_garbled_change(*this);
  }
  report(health_.check_silence(now, totals));
}

drivers::CodecStats DeviceLink::stats() const {
  drivers::CodecStats total = closed_stats_;
  for (const auto& c : connections_) {
    const auto& s = c->session->stats();
    total.bytes += s.bytes;
    total.frames_ok += s.frames_ok;
    total.frames_bad += s.frames_bad;
    total.resyncs += s.resyncs;
  }
  return total;
}

void DeviceLink::report(LinkChange change) {
  if (change == LinkChange::none) return;
  const LinkState s = health_.state();
  const auto level =
      (s == vigil::v1::DOWN || s == vigil::v1::STALE) ? spdlog::level::warn : spdlog::level::info;
  spdlog::log(level, "{}/{}: link {}: {}", bed_, id(), vigil::v1::LinkState_Name(s), health_.reason());
  if (change == LinkChange::state) callbacks_.on_state_change(*this);
}

}  // namespace vigil::daemon
