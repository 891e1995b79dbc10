#include "hl7out/mllp_sender.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <span>
#include <string>
#include <vector>

namespace vigil::hl7out {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
// The receiver ended the connection in order (TCP's end; with TLS, its
// close_notify), rather than it failing.
bool receiver_closed(const boost::system::error_code& ec) {
  return ec == asio::error::eof;
}
bool receiver_closed(const TlsOutcome& outcome) {
  return outcome.closed;
}
}  // namespace

MllpSender::MllpSender(asio::io_context& io, const core::Clock& clock, Outbox& outbox, std::string name,
                       std::string host, std::string port, DeliveryPolicy policy, TlsSetup tls)
    : io_{io},
      clock_{clock},
      outbox_{outbox},
      name_{std::move(name)},
      host_{std::move(host)},
      port_{std::move(port)},
      delivery_{policy},
      resolver_{io},
      socket_{io},
      timer_{io},
      connect_timer_{io},
      tls_setup_{std::move(tls)},
      server_name_{tls_setup_.server_name.empty() ? host_ : tls_setup_.server_name} {
  status_.destination = name_;
  status_.address = host_ + ":" + port_ + (tls_setup_.enabled ? ", TLS to " + server_name_ : "");
}

void MllpSender::stop() {
  stopped_ = true;
  timer_.cancel();
  close();
}

void MllpSender::poke() {
  // Only an idle sender needs waking; a busy one takes the next message
  // from the outbox when it is done with this one.
  if (!stopped_ && !delivery_.has_message()) asio::post(io_, [self = shared_from_this()] { self->step(); });
}

SenderStatus MllpSender::status() {
  status_.depth = outbox_.depth(name_);
  status_.kept = outbox_.kept_count(name_);
  status_.connected = connected_;
  return status_;
}

void MllpSender::close() {
  ++generation_;
  boost::system::error_code ignored;
  resolver_.cancel();
  connect_timer_.cancel();
  socket().shutdown(tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
  connected_ = connecting_ = writing_ = false;
  deframer_ = {};  // a partial reply of the old connection is no reply
}

void MllpSender::wake_at(core::TimePoint when) {
  const auto now = clock_.now();
  timer_.expires_after(when > now ? core::real_wait(when - now, clock_) : std::chrono::nanoseconds{0});
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->step();
  });
}

void MllpSender::step() {
  if (stopped_ || connecting_ || writing_) return;
  const auto now = clock_.now();
  if (!delivery_.has_message()) {
    current_ = outbox_.head(name_);
    if (!current_) return;  // idle until poked
    delivery_.begin(current_->control_id, current_->ae_count);
  }
  if (delivery_.awaiting()) {
    if (now >= delivery_.ack_deadline())
      fail("no acknowledgement of " + delivery_.control_id() + " within the ack timeout");
    else
      wake_at(delivery_.ack_deadline());
    return;
  }
  if (now < delivery_.retry_at()) return wake_at(delivery_.retry_at());
  if (!connected_) return connect();
  send_head();
}

void MllpSender::connect() {
  if (tls_setup_.enabled && !tls_setup_.context) return fail("TLS is not set up: " + tls_setup_.problem);
  connecting_ = true;
  if (tls_setup_.enabled) tls_ = tls_setup_.context->client(io_, server_name_);
  const unsigned gen = generation_;
  connect_timer_.expires_after(core::real_wait(delivery_.policy().connect_timeout, clock_));
  connect_timer_.async_wait([self = shared_from_this(), gen](const boost::system::error_code& ec) {
    if (!ec && gen == self->generation_ && self->connecting_) self->fail("connect timed out");
  });
  resolver_.async_resolve(
      host_, port_,
      [self = shared_from_this(), gen](const boost::system::error_code& ec, tcp::resolver::results_type r) {
        if (gen != self->generation_ || self->stopped_) return;
        if (ec) return self->fail("cannot resolve " + self->host_ + ": " + ec.message());
        asio::async_connect(
            self->socket(), r,
            [self, gen, keep = self->tls_](const boost::system::error_code& ec2, const tcp::endpoint&) {
              if (gen != self->generation_ || self->stopped_) return;
              if (ec2) return self->fail("cannot connect: " + ec2.message());
              boost::system::error_code ignored;
              self->socket().set_option(tcp::no_delay{true}, ignored);
              if (self->tls_) return self->handshake();
              self->connected();
            });
      });
}

// The receiver must prove it is server_name with a certificate from the
// configured CAs; anything else ends the connection before a byte of
// patient data goes out (the TLS module checks, and says what it refused).
void MllpSender::handshake() {
  const unsigned gen = generation_;
  tls_->async_handshake([self = shared_from_this(), gen](const TlsOutcome& outcome) {
    if (gen != self->generation_ || self->stopped_) return;
    if (outcome) return self->fail("TLS with " + self->server_name_ + " refused: " + outcome.error);
    self->connected();
  });
}

void MllpSender::connected() {
  connect_timer_.cancel();
  connecting_ = false;
  connected_ = true;
  spdlog::info("hl7 {}: connected to {}", name_, status_.address);
  read();
  step();
}

void MllpSender::send_head() {
  frame_ = drivers::mllp_frame(current_->text);
  writing_ = true;
  const unsigned gen = generation_;
  auto sent = [self = shared_from_this(), gen](const auto& ec, std::size_t) {
    if (gen != self->generation_ || self->stopped_) return;
    self->writing_ = false;
    if (ec) return self->fail("send failed: " + ec.message());
    self->delivery_.sent(self->clock_.now());
    self->wake_at(self->delivery_.ack_deadline());
  };
  if (tls_)
    tls_->async_write(asio::buffer(frame_), std::move(sent));
  else
    asio::async_write(socket_, asio::buffer(frame_), std::move(sent));
}

void MllpSender::read() {
  const unsigned gen = generation_;
  auto received = [self = shared_from_this(), gen](const auto& ec, std::size_t n) {
    if (gen != self->generation_ || self->stopped_) return;
    if (ec) return self->fail(receiver_closed(ec) ? "the receiver closed the connection" : ec.message());
    std::vector<std::string> replies, noise;
    self->deframer_.feed(
        std::span{self->buffer_.data(), n}, [&](const std::string& m) { replies.push_back(m); }, noise);
    for (const auto& line : noise) spdlog::warn("hl7 {}: {}", self->name_, line);
    for (const auto& m : replies) {
      self->on_message(m);
      if (gen != self->generation_) return;
    }
    self->read();
  };
  if (tls_)
    tls_->async_read_some(asio::buffer(buffer_), std::move(received));
  else
    socket_.async_read_some(asio::buffer(buffer_), std::move(received));
}

void MllpSender::on_message(const std::string& text) {
  const auto ack = parse_ack(text);
  if (!ack) {
    spdlog::warn("hl7 {}: the reply is not an acknowledgement ({} bytes); ignored", name_, text.size());
    return;
  }
  const auto now = clock_.now();
  const std::string sent = delivery_.control_id();
  const auto verdict = delivery_.on_ack(*ack, now);
  if (verdict == Verdict::not_an_ack) {
    spdlog::warn("hl7 {}: acknowledgement of '{}' while waiting for '{}'; ignored", name_, ack->control_id,
                 sent);
    return;
  }
  const char* code = ack->code == AckCode::AA   ? "AA"
                     : ack->code == AckCode::CA ? "CA"
                     : ack->code == AckCode::AE ? "AE"
                     : ack->code == AckCode::CE ? "CE"
                     : ack->code == AckCode::AR ? "AR"
                                                : "CR";
  status_.last_ack = std::string{code} + " " + sent;
  status_.last_ack_time = now;
  // The verdict must reach the outbox, or the message would be taken from
  // it again at once, forever (a full disk): then it is sent again after
  // the backoff, like a lost ACK (at-least-once, same MSH-10).
  bool recorded = true;
  switch (verdict) {
    case Verdict::delivered:
      recorded = outbox_.delivered(current_->id);
      if (recorded) {
        status_.unreachable_since.reset();
        status_.last_error.clear();
      }
      break;
    case Verdict::rejected:
      spdlog::error("hl7 {}: {} rejected ({}): {}; kept, not retried", name_, sent, code, ack->text);
      recorded = outbox_.rejected(current_->id, std::string{code} + " " + ack->text);
      break;
    case Verdict::dead_letter:
      spdlog::error("hl7 {}: {} refused with {} {} times: {}; moved to the dead letters", name_, sent, code,
                    delivery_.policy().max_ae, ack->text);
      recorded =
          outbox_.dead_letter(current_->id, delivery_.policy().max_ae, std::string{code} + " " + ack->text);
      refused(now, sent + " dead-lettered after " + std::string{code} + " " + ack->text);
      break;
    case Verdict::retry:
      spdlog::warn("hl7 {}: {} answered {} ({} of {}): {}; retried", name_, sent, code, delivery_.ae_count(),
                   delivery_.policy().max_ae, ack->text);
      outbox_.record_ae(current_->id, delivery_.ae_count(), std::string{code} + " " + ack->text);
      refused(now, sent + " answered " + std::string{code} + " " + ack->text);
      return wake_at(delivery_.retry_at());
    case Verdict::not_an_ack:
      return;
  }
  current_.reset();
  if (!recorded) return fail("the outbox cannot record the reply to " + sent + ": " + outbox_.problem());
  asio::post(io_, [self = shared_from_this()] { self->step(); });
}

// A receiver that answers AE is reachable but is not taking the messages:
// for the unreachable alarm that is failing all the same.
void MllpSender::refused(core::TimePoint now, const std::string& why) {
  status_.last_error = why;
  if (!status_.unreachable_since) status_.unreachable_since = now;
}

void MllpSender::fail(const std::string& why) {
  const auto now = clock_.now();
  if (why != status_.last_error) spdlog::warn("hl7 {}: {}; retrying with backoff", name_, why);
  status_.last_error = why;
  if (!status_.unreachable_since) status_.unreachable_since = now;
  close();
  delivery_.failed(now);
  wake_at(delivery_.retry_at());
}

}  // namespace vigil::hl7out
