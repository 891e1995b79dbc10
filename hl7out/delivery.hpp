#pragma once
// The life of the message at the head of one destination's queue: sent,
// acknowledged or not, retried after a backoff. No I/O and no clock of its
// own: the sender tells it what happened and when, so every rule is tested
// on a manual clock.
//   AA/CA            delivered: the next message
//   AR/CR            rejected: logged, kept, not retried (the receiver will never take it)
//   AE/CE            retried after the backoff; the max_ae-th AE moves it to the dead letters
//   MSA-2 != MSH-10  not an acknowledgement of this message: still waiting
//   no reply / lost  retried after the backoff (doubling, capped), same MSH-10
#include <string>

#include "core/time.hpp"
#include "hl7out/ack_parser.hpp"

namespace vigil::hl7out {

struct DeliveryPolicy {
  core::Duration ack_timeout = std::chrono::seconds{10};
  core::Duration connect_timeout = std::chrono::seconds{5};
  core::Duration backoff_initial = std::chrono::seconds{1};
  core::Duration backoff_max = std::chrono::seconds{60};
  unsigned max_ae = 3;
};

enum class Verdict { delivered, rejected, dead_letter, retry, not_an_ack };

class Delivery {
 public:
  explicit Delivery(DeliveryPolicy p) : policy_{p} {}

  // The next message to deliver; `ae_count` as the outbox kept it.
  void begin(std::string control_id, unsigned ae_count);
  bool has_message() const { return !control_id_.empty(); }
  const std::string& control_id() const { return control_id_; }
  // Not waiting for an ACK and past any backoff.
  bool may_send(core::TimePoint now) const { return has_message() && !awaiting_ && now >= retry_at_; }
  void sent(core::TimePoint now);
  bool awaiting() const { return awaiting_; }
  core::TimePoint ack_deadline() const { return ack_deadline_; }
  core::TimePoint retry_at() const { return retry_at_; }
  Verdict on_ack(const Ack& ack, core::TimePoint now);
  // No ACK by the deadline, or the connection failed: try again after the backoff.
  void failed(core::TimePoint now);
  unsigned ae_count() const { return ae_count_; }
  unsigned failures() const { return failures_; }
  // The wait after `failures` consecutive failures.
  core::Duration backoff(unsigned failures) const;
  const DeliveryPolicy& policy() const { return policy_; }

 private:
  void finish();
  DeliveryPolicy policy_;
  std::string control_id_;
  unsigned ae_count_ = 0;
  unsigned failures_ = 0;  // consecutive, across messages: a receiver that is down stays backed off
  bool awaiting_ = false;
  core::TimePoint ack_deadline_{};
  core::TimePoint retry_at_{};
};

}  // namespace vigil::hl7out
