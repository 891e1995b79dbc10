#include "daemon/adt_listener.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <type_traits>

#include "drivers/hl7/mllp_framing.hpp"
#include "hl7out/destination_check.hpp"
#include "hl7out/tls_context.hpp"

namespace vigil::daemon {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

asio::ip::address plain(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a;
}

tcp::endpoint endpoint_of(const std::string& address) {
  std::string host, port;
  if (!hl7out::split_address(address, host, port))
    throw std::runtime_error("adt_listen address '" + address + "' is not host:port");
  asio::io_context io;
  tcp::resolver resolver{io};
  boost::system::error_code ec;
  auto found = resolver.resolve(host, port, ec);
  if (ec || found.empty())
    throw std::runtime_error("adt_listen address '" + address + "': " + (ec ? ec.message() : "not found"));
  return found.begin()->endpoint();
}

// An ADT connection over TLS (the TLS module's stream) with the calls
// Session makes of a socket.
class AdtTlsConnection {
 public:
  explicit AdtTlsConnection(std::shared_ptr<hl7out::TlsStream> tls) : tls_{std::move(tls)} {}
  tcp::socket& lowest_layer() { return tls_->socket(); }
  auto get_executor() { return tls_->socket().get_executor(); }
  void async_handshake(hl7out::TlsStream::Done done) { tls_->async_handshake(std::move(done)); }
  void async_read_some(asio::mutable_buffer into, hl7out::TlsStream::Transferred done) {
    tls_->async_read_some(into, std::move(done));
  }
  void async_write(asio::const_buffer bytes, hl7out::TlsStream::Transferred done) {
    tls_->async_write(bytes, std::move(done));
  }

 private:
  std::shared_ptr<hl7out::TlsStream> tls_;
};

// The sender hung up (with TLS, with or without ending it first): nothing to log.
bool adt_sender_hung_up(const boost::system::error_code& ec) {
  return ec == asio::error::eof;
}
bool adt_sender_hung_up(const hl7out::TlsOutcome& outcome) {
  return outcome.closed || outcome.truncated;
}

// One sender's connection: bytes in, frames out in order, one ACK per frame.
// Stream is a TCP socket or a TLS connection over one.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  using Handler = AdtListener::Handler;
  static constexpr std::size_t kMaxWaiting = 64;  // frames read ahead of their ACKs

  Session(Stream stream, std::string peer, asio::io_context& core, std::weak_ptr<Handler> handler,
          std::chrono::seconds idle_timeout, std::shared_ptr<std::atomic<std::size_t>> open)
      : stream_(std::move(stream)),
        peer_(std::move(peer)),
        core_(core),
        handler_(std::move(handler)),
        idle_timer_(stream_.get_executor()),
        idle_timeout_(idle_timeout),
        open_(std::move(open)) {
    ++*open_;
  }
  ~Session() { --*open_; }

  void start() {
    arm_idle_timer();
    if constexpr (std::is_same_v<Stream, AdtTlsConnection>) {
      stream_.async_handshake([self = this->shared_from_this()](const auto& ec) {
        if (ec) return self->close("TLS handshake failed: " + ec.message());
        self->read();
      });
    } else {
      read();
    }
  }

 private:
  void read() {
    stream_.async_read_some(asio::buffer(buffer_), [self = this->shared_from_this()](const auto& ec,
                                                                                     std::size_t n) {
      if (ec) return self->close(adt_sender_hung_up(ec) ? "" : ec.message());
      self->arm_idle_timer();
      std::vector<std::string> errors;
      self->deframer_.feed(
          std::span{self->buffer_.data(), n},
          [&](const std::string& frame) { self->waiting_.push_back(frame); }, errors);
      for (const auto& e : errors) spdlog::warn("ADT from {}: {}", self->peer_, e);
      if (self->waiting_.size() > kMaxWaiting)
        return self->close("more than " + std::to_string(kMaxWaiting) + " messages without waiting for ACKs");
      self->next();
      self->read();
    });
  }

  // Hands the oldest frame to the core loop unless one is there already.
  void next() {
    if (busy_ || waiting_.empty() || !stream_.lowest_layer().is_open()) return;
    busy_ = true;
    auto frame = std::move(waiting_.front());
    waiting_.pop_front();
    // Weak: a session the listener's thread has let go (its sender hung up,
    // or vigild stops) is not kept alive by the core loop; its message got
    // no ACK and is not applied.
    asio::post(core_, [weak = this->weak_from_this(), frame = std::move(frame)] {
      auto self = weak.lock();
      auto handler = self ? self->handler_.lock() : nullptr;
      if (!handler) return;
      auto ack = drivers::mllp_frame((*handler)(frame, self->peer_));
      asio::post(self->stream_.get_executor(),
                 [self, ack = std::move(ack)]() mutable { self->reply(std::move(ack)); });
    });
  }

  void reply(std::string ack) {
    out_ = std::move(ack);
    auto sent = [self = this->shared_from_this()](const auto& ec, std::size_t) {
      if (ec) return self->close(ec.message());
      self->busy_ = false;
      self->arm_idle_timer();
      self->next();
    };
    if constexpr (std::is_same_v<Stream, AdtTlsConnection>)
      stream_.async_write(asio::buffer(out_), std::move(sent));
    else
      asio::async_write(stream_, asio::buffer(out_), std::move(sent));
  }

  // A sender that connects and says nothing (or stops halfway through a
  // handshake or a message) would hold its connection, and one of the
  // listener's few slots, for ever. Time spent waiting for vigild's own ACK
  // is not the sender's silence, so it does not count.
  void arm_idle_timer() {
    idle_timer_.expires_after(idle_timeout_);
    idle_timer_.async_wait([self = this->shared_from_this()](auto ec) {
      if (ec) return;  // re-armed by activity, or cancelled by close()
      if (self->busy_ || !self->waiting_.empty()) return self->arm_idle_timer();
      self->close("nothing received for " + std::to_string(self->idle_timeout_.count()) +
                  " s (adt_listen idle_timeout_s)");
    });
  }

  void close(const std::string& why) {
    auto& socket = stream_.lowest_layer();
    if (!socket.is_open()) return;
    if (!why.empty()) spdlog::warn("ADT connection from {} closed: {}", peer_, why);
    boost::system::error_code ignored;
    socket.close(ignored);
    // The timer's wait holds the session: end it, so the slot is free now.
    idle_timer_.cancel();
  }

  Stream stream_;
  std::string peer_;
  asio::io_context& core_;
  std::weak_ptr<Handler> handler_;
  asio::steady_timer idle_timer_;
  std::chrono::seconds idle_timeout_;
  std::shared_ptr<std::atomic<std::size_t>> open_;  // the listener's count of open connections
  std::array<std::uint8_t, 4096> buffer_{};
  drivers::MllpDeframer deframer_;
  std::deque<std::string> waiting_;
  std::string out_;
  bool busy_ = false;
};

}  // namespace

AdtListener::AdtListener(asio::io_context& core, const vigil::v1::config::AdtListen& config, Handler handler)
    : core_(core),
      acceptor_(io_),
      idle_timeout_(config.idle_timeout_s()),
      max_connections_(config.max_connections()),
      handler_(std::make_shared<Handler>(std::move(handler))) {
  for (const auto& a : config.allow()) allow_.push_back(plain(asio::ip::make_address(a)));
  if (config.has_tls()) {
    auto context = hl7out::make_tls_server_context(config.tls());
    if (!context) throw std::runtime_error("adt_listen " + context.error());
    tls_ = context.value();
  }
  const auto at = endpoint_of(config.address());
  try {
    acceptor_.open(at.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(at);
    acceptor_.listen();
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("adt_listen cannot listen on " + config.address() + ": " + e.code().message());
  }
}

AdtListener::~AdtListener() {
  stop();
}

void AdtListener::serve() {
  if (thread_.joinable()) return;
  accept();
  thread_ = std::thread{[this] { io_.run(); }};
}

void AdtListener::stop() {
  handler_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

unsigned short AdtListener::port() const {
  return acceptor_.local_endpoint().port();
}

bool AdtListener::allowed(const asio::ip::address& a) const {
  for (const auto& ok : allow_)
    if (ok == plain(a)) return true;
  return false;
}

void AdtListener::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      boost::system::error_code peer_ec;
      const auto peer = socket.remote_endpoint(peer_ec);
      if (peer_ec) {
        spdlog::warn("ADT connection closed at once: {}", peer_ec.message());
      } else if (!allowed(peer.address())) {
        spdlog::warn("ADT connection from {} refused: not in adt_listen allow", peer.address().to_string());
        socket.close(peer_ec);
      } else if (open_->load() >= max_connections_) {
        spdlog::warn("ADT connection from {} refused: {} connections are open, adt_listen max_connections",
                     peer.address().to_string(), open_->load());
        socket.close(peer_ec);
      } else {
        const auto from = peer.address().to_string();
        spdlog::info("ADT connection from {}{}", from, tls_ ? " (TLS)" : "");
        if (tls_)
          std::make_shared<Session<AdtTlsConnection>>(AdtTlsConnection{tls_->server(std::move(socket))}, from,
                                                      core_, handler_, idle_timeout_, open_)
              ->start();
        else
          std::make_shared<Session<tcp::socket>>(std::move(socket), from, core_, handler_, idle_timeout_,
                                                 open_)
              ->start();
      }
    } else {
      spdlog::warn("ADT accept failed: {}", ec.message());
    }
    accept();
  });
}

}  // namespace vigil::daemon
