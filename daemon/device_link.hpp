#pragma once
// One configured device: its transport and its protocol session. A link
// that fails is reopened with backoff. Whether it is healthy (connecting, up,
// down, stale, garbled) is judged by its LinkHealth on the core's clock
// (link_health.hpp); every change is logged and reported, never swallowed.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/link_health.hpp"
#include "drivers/device_session.hpp"
#include "drivers/transport/stream.hpp"
#include "vigil/v1/bus.pb.h"
#include "vigil/v1/config.pb.h"

namespace vigil::daemon {

class DeviceLink {
 public:
  struct Callbacks {
    std::function<void(DeviceLink&, drivers::DecodeOutput&)> on_output;
    std::function<void(DeviceLink&)> on_state_change;
    // Every byte received (sent = false) and sent, before decoding; optional
    // (vigild --capture).
    std::function<void(DeviceLink&, bool sent, std::span<const std::uint8_t>)> on_raw;
    // The share of bad frames crossed the garbled threshold, either way.
    std::function<void(DeviceLink&)> on_garbled_change;
  };

  DeviceLink(boost::asio::io_context& io, const core::Clock& clock, std::string bed,
             const vigil::v1::config::Device& config, Callbacks callbacks);
  ~DeviceLink();
  DeviceLink(const DeviceLink&) = delete;
  DeviceLink& operator=(const DeviceLink&) = delete;

  void start();
  void stop();
  // Silence detection and protocol ticks; called by the core about 4 times a second.
  void check(core::TimePoint now);

  const std::string& bed() const { return bed_; }
  const std::string& id() const { return config_.id(); }
  const drivers::Protocol& protocol() const { return *protocol_; }
  LinkState state() const { return health_.state(); }
  const std::string& reason() const { return health_.reason(); }
  drivers::CodecStats stats() const;
  core::Duration silence_limit() const { return health_.silence_limit(); }
  // Valid frames still arrive, but many around them are bad (a noisy line, a
  // wrong baud rate on part of the stream): judged over 10 s windows.
  bool garbled() const { return health_.garbled(); }
  // The link as the bed, the bus and the status see it.
  LinkStatus status() const;
  std::string where() const;

 private:
  struct Connection {
    std::unique_ptr<drivers::ByteStream> stream;
    std::unique_ptr<drivers::DeviceSession> session;
    std::string description;  // the stream's, made once: the link names it when it comes up
    // Each read's output, cleared and filled again: a read allocates nothing
    // for it once the vectors have grown to a read's worth.
    drivers::DecodeOutput out;
  };

  void open();
  void adopt(std::unique_ptr<drivers::ByteStream> stream);
  void on_bytes(Connection& c, std::span<const std::uint8_t> bytes);
  void on_closed(Connection* c, const std::string& reason);
  void fail(const std::string& reason);
  void schedule_reopen();
  // Logs a new reason; reports a new state.
  void report(LinkChange change);
  void deliver(Connection& c, drivers::DecodeOutput& out);
  void note_errors(const drivers::DecodeOutput& out, core::TimePoint now);

  boost::asio::io_context& io_;
  const core::Clock& clock_;
  std::string bed_;
  vigil::v1::config::Device config_;
  const drivers::Protocol* protocol_;
  Callbacks callbacks_;
  boost::asio::steady_timer reopen_timer_;
  std::chrono::milliseconds backoff_{500};
  std::vector<std::unique_ptr<Connection>> connections_;
  std::unique_ptr<drivers::TcpListener> listener_;
  LinkHealth health_;
  drivers::CodecStats closed_stats_;  // totals of sessions already gone
  std::uint64_t errors_since_log_ = 0;
  core::TimePoint last_error_log_{};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool stopped_ = false;
};

}  // namespace vigil::daemon
