#include "station/login_event_outbox.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using vigil::core::ManualClock;
using vigil::station::LoginEventOutbox;
using Event = vigil::v1::StationLogin;

namespace {

Event login_of(const std::string& who) {
  Event e;
  e.set_kind(Event::LOGIN);
  e.set_operator_name(who);
  return e;
}

}  // namespace

TEST_CASE("login events go to vigild one at a time, in the order they happened") {
  ManualClock clock;
  LoginEventOutbox box;
  box.add(login_of("A. Diaz"));
  box.add(login_of("B. Okafor"));
  auto first = box.due(clock.now());
  REQUIRE(first);
  CHECK(first->operator_name() == "A. Diaz");
  CHECK_FALSE(box.due(clock.now()));  // one on its way at a time
  box.answered();
  auto second = box.due(clock.now());
  REQUIRE(second);
  CHECK(second->operator_name() == "B. Okafor");
  box.answered();
  CHECK(box.waiting() == 0);
  CHECK_FALSE(box.due(clock.now()));
}

TEST_CASE("while vigild does not answer, the same event is sent again after 1, 2, 4 ... at most 30 s") {
  ManualClock clock;
  LoginEventOutbox box;
  box.add(login_of("A. Diaz"));
  box.add(login_of("B. Okafor"));
  std::chrono::seconds expected[] = {1s, 2s, 4s, 8s, 16s, 30s, 30s};
  for (auto wait : expected) {
    auto e = box.due(clock.now());
    REQUIRE(e);
    CHECK(e->operator_name() == "A. Diaz");
    box.unanswered(clock.now());
    clock.advance(wait - 1ms);
    CHECK_FALSE_MESSAGE(box.due(clock.now()), "before ", wait.count(), " s");
    clock.advance(1ms);
  }
  REQUIRE(box.due(clock.now()));
  box.answered();
  // Answered again: the next goes at once, and a new outage starts at 1 s.
  REQUIRE(box.due(clock.now()));
  box.unanswered(clock.now());
  clock.advance(1s);
  CHECK(box.due(clock.now()));
}

TEST_CASE(
    "a full buffer drops the oldest waiting event and the next one journalled says how many were dropped") {
  ManualClock clock;
  LoginEventOutbox box{3};
  CHECK(box.add(login_of("1")));
  REQUIRE(box.due(clock.now()));  // "1" on its way when vigild went down
  CHECK(box.add(login_of("2")));
  CHECK(box.add(login_of("3")));
  CHECK_FALSE(box.add(login_of("4")));  // drops "2", not the one on its way
  CHECK_FALSE(box.add(login_of("5")));  // drops "3"
  CHECK(box.waiting() == 3);
  CHECK(box.dropped() == 2);
  box.unanswered(clock.now());
  clock.advance(1s);
  auto again = box.due(clock.now());
  REQUIRE(again);
  CHECK(again->operator_name() == "1");
  CHECK(again->dropped_before() == 2);
  box.answered();
  CHECK(box.dropped() == 0);
  auto next = box.due(clock.now());
  REQUIRE(next);
  CHECK(next->operator_name() == "4");
  CHECK(next->dropped_before() == 0);
}

TEST_CASE("events dropped while the count is on its way are said with the next one") {
  ManualClock clock;
  LoginEventOutbox box{2};
  box.add(login_of("1"));
  box.add(login_of("2"));
  box.add(login_of("3"));  // drops "1"
  auto e = box.due(clock.now());
  REQUIRE(e);
  CHECK(e->operator_name() == "2");
  CHECK(e->dropped_before() == 1);
  box.add(login_of("4"));  // drops "3" while "2" carries the first count
  box.answered();
  auto next = box.due(clock.now());
  REQUIRE(next);
  CHECK(next->operator_name() == "4");
  CHECK(next->dropped_before() == 1);
}
