#include "hl7out/delivery.hpp"

namespace vigil::hl7out {

void Delivery::begin(std::string control_id, unsigned ae_count) {
  control_id_ = std::move(control_id);
  ae_count_ = ae_count;
  awaiting_ = false;
}

void Delivery::sent(core::TimePoint now) {
  awaiting_ = true;
  ack_deadline_ = now + policy_.ack_timeout;
}

core::Duration Delivery::backoff(unsigned failures) const {
  if (failures == 0) return core::Duration::zero();
  auto d = policy_.backoff_initial;
  for (unsigned i = 1; i < failures && d < policy_.backoff_max; ++i) d *= 2;
  return std::min(d, policy_.backoff_max);
}

void Delivery::failed(core::TimePoint now) {
  awaiting_ = false;
  ++failures_;
  retry_at_ = now + backoff(failures_);
}

void Delivery::finish() {
  control_id_.clear();
  awaiting_ = false;
  ae_count_ = 0;
  failures_ = 0;
}

Verdict Delivery::on_ack(const Ack& ack, core::TimePoint now) {
  if (!awaiting_ || ack.control_id != control_id_) return Verdict::not_an_ack;
  switch (ack.code) {
    case AckCode::AA:
    case AckCode::CA:
      finish();
      return Verdict::delivered;
    case AckCode::AR:
    case AckCode::CR:
      finish();
      return Verdict::rejected;
    case AckCode::AE:
    case AckCode::CE:
      break;
  }
  if (++ae_count_ >= policy_.max_ae) {
    finish();
    return Verdict::dead_letter;
  }
  failed(now);
  return Verdict::retry;
}

}  // namespace vigil::hl7out
