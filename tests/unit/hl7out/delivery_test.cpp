#include "hl7out/delivery.hpp"

#include <doctest/doctest.h>

using namespace vigil::hl7out;
using namespace std::chrono;
using vigil::core::ManualClock;

namespace {
DeliveryPolicy policy() {
  DeliveryPolicy p;
  p.ack_timeout = 2s;
  p.backoff_initial = 1s;
  p.backoff_max = 8s;
  p.max_ae = 3;
  return p;
}
Ack ack(AckCode c, const char* id) {
  return Ack{c, id, ""};
}
}  // namespace

TEST_CASE("delivery: AA ends the message; a wrong MSA-2 is not its acknowledgement") {
  ManualClock clock;
  Delivery d{policy()};
  d.begin("V1", 0);
  CHECK(d.may_send(clock.now()));
  d.sent(clock.now());
  CHECK(!d.may_send(clock.now()));
  CHECK(d.on_ack(ack(AckCode::AA, "V0"), clock.now()) == Verdict::not_an_ack);
  CHECK(d.awaiting());
  CHECK(d.on_ack(ack(AckCode::AA, "V1"), clock.now()) == Verdict::delivered);
  CHECK(!d.has_message());
}

TEST_CASE("delivery: AE is retried after the backoff with the same MSH-10, and the third AE dead-letters") {
  ManualClock clock;
  Delivery d{policy()};
  d.begin("V5", 0);
  d.sent(clock.now());
  CHECK(d.on_ack(ack(AckCode::AE, "V5"), clock.now()) == Verdict::retry);
  CHECK(d.control_id() == "V5");
  CHECK(!d.may_send(clock.now()));
  clock.advance(999ms);
  CHECK(!d.may_send(clock.now()));
  clock.advance(1ms);
  CHECK(d.may_send(clock.now()));
  d.sent(clock.now());
  CHECK(d.on_ack(ack(AckCode::AE, "V5"), clock.now()) == Verdict::retry);
  CHECK(d.retry_at() == clock.now() + 2s);  // doubled
  clock.advance(2s);
  d.sent(clock.now());
  CHECK(d.on_ack(ack(AckCode::CE, "V5"), clock.now()) == Verdict::dead_letter);
  CHECK(!d.has_message());
  // The AE count the outbox kept survives a restart.
  d.begin("V6", 2);
  d.sent(clock.now());
  CHECK(d.on_ack(ack(AckCode::AE, "V6"), clock.now()) == Verdict::dead_letter);
}

TEST_CASE("delivery: AR is rejected at once, never retried") {
  ManualClock clock;
  Delivery d{policy()};
  d.begin("V2", 0);
  d.sent(clock.now());
  CHECK(d.on_ack(ack(AckCode::AR, "V2"), clock.now()) == Verdict::rejected);
  CHECK(!d.has_message());
}

TEST_CASE(
    "delivery: no reply or a lost connection backs off exponentially up to the cap, then resets on AA") {
  ManualClock clock;
  Delivery d{policy()};
  d.begin("V3", 0);
  d.sent(clock.now());
  CHECK(d.ack_deadline() == clock.now() + 2s);
  const seconds expected[] = {1s, 2s, 4s, 8s, 8s};
  for (auto wait : expected) {
    d.failed(clock.now());
    CHECK(d.retry_at() == clock.now() + wait);
    CHECK(!d.may_send(clock.now() + wait - 1ms));
    clock.advance(wait);
    CHECK(d.may_send(clock.now()));
    d.sent(clock.now());
  }
  CHECK(d.control_id() == "V3");
  CHECK(d.on_ack(ack(AckCode::AA, "V3"), clock.now()) == Verdict::delivered);
  CHECK(d.failures() == 0);
  d.begin("V4", 0);
  CHECK(d.may_send(clock.now()));
}

TEST_CASE("delivery: an ACK nobody waits for is ignored") {
  ManualClock clock;
  Delivery d{policy()};
  d.begin("V1", 0);
  CHECK(d.on_ack(ack(AckCode::AA, "V1"), clock.now()) == Verdict::not_an_ack);
}
