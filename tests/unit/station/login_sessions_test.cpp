#include "station/login_sessions.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using vigil::core::ManualClock;
using vigil::station::LoginSessions;
using vigil::station::LoginThrottle;

TEST_CASE("a login gives a 64-hex-digit token of its own that names the nurse") {
  ManualClock clock;
  LoginSessions sessions{{}};
  const auto a = sessions.open("A. Diaz", clock.now());
  const auto b = sessions.open("A. Diaz", clock.now());
  CHECK(a.size() == 64);
  CHECK(a != b);
  REQUIRE(sessions.use(a, clock.now()));
  CHECK(sessions.use(a, clock.now())->user == "A. Diaz");
  CHECK_FALSE(sessions.use("not-a-token", clock.now()));
}

TEST_CASE("a session used every half hour still ends after the 12 hours of a shift") {
  ManualClock clock;
  LoginSessions sessions{{12h, 60min}};
  const auto token = sessions.open("A. Diaz", clock.now());
  for (int i = 0; i < 23; ++i) {
    clock.advance(30min);
    REQUIRE_MESSAGE(sessions.use(token, clock.now()), "after ", (i + 1) * 30, " min");
  }
  clock.advance(29min);
  CHECK(sessions.use(token, clock.now()));
  clock.advance(1min);
  CHECK_FALSE(sessions.use(token, clock.now()));
  CHECK(sessions.size() == 0);
}

TEST_CASE("a session nobody used for the idle time has ended; one used 59 minutes in lasts another hour") {
  ManualClock clock;
  LoginSessions sessions{{12h, 60min}};
  const auto idle = sessions.open("B. Okafor", clock.now());
  const auto busy = sessions.open("A. Diaz", clock.now());
  clock.advance(59min);
  REQUIRE(sessions.use(busy, clock.now()));
  clock.advance(1min);
  CHECK_FALSE(sessions.use(idle, clock.now()));
  clock.advance(58min);
  CHECK(sessions.use(busy, clock.now()));
}

TEST_CASE("an open record view refreshing itself every 30 s does not keep an unattended login alive") {
  ManualClock clock;
  LoginSessions sessions{{12h, 60min}};
  const auto token = sessions.open("A. Diaz", clock.now());
  for (int i = 0; i < 119; ++i) {
    clock.advance(30s);
    REQUIRE_MESSAGE(sessions.use(token, clock.now(), false), "after ", (i + 1) * 30, " s");
  }
  clock.advance(30s);
  CHECK_FALSE(sessions.use(token, clock.now(), false));
}

TEST_CASE("a logout ends the session at once") {
  ManualClock clock;
  LoginSessions sessions{{}};
  const auto token = sessions.open("A. Diaz", clock.now());
  sessions.close(token);
  CHECK_FALSE(sessions.use(token, clock.now()));
}

TEST_CASE("five mistyped passwords are free; the sixth try waits a second, then 2, 4 ... up to a minute") {
  ManualClock clock;
  LoginThrottle throttle;
  const std::string key = "address:10.0.3.7";
  for (int i = 0; i < LoginThrottle::kFree - 1; ++i) {
    throttle.failed(key, clock.now());
    CHECK(throttle.wait(key, clock.now()) == 0s);
  }
  std::chrono::seconds expected{1};
  for (int i = 0; i < 10; ++i) {
    throttle.failed(key, clock.now());
    CHECK(throttle.wait(key, clock.now()) == expected);
    clock.advance(expected);
    CHECK(throttle.wait(key, clock.now()) == 0s);
    expected = std::min<std::chrono::seconds>(expected * 2, LoginThrottle::kLongest);
  }
  CHECK(throttle.wait("address:10.0.3.8", clock.now()) == 0s);
}

TEST_CASE("a good login, or a quarter of an hour without failures, clears the count") {
  ManualClock clock;
  LoginThrottle throttle;
  for (int i = 0; i < LoginThrottle::kFree; ++i) throttle.failed("name:A. Diaz", clock.now());
  CHECK(throttle.wait("name:A. Diaz", clock.now()) > 0s);
  throttle.succeeded("name:A. Diaz");
  CHECK(throttle.wait("name:A. Diaz", clock.now()) == 0s);
  for (int i = 0; i < LoginThrottle::kFree - 1; ++i) throttle.failed("name:A. Diaz", clock.now());
  clock.advance(LoginThrottle::kForget);
  throttle.failed("name:A. Diaz", clock.now());  // the first of a new count: free
  CHECK(throttle.wait("name:A. Diaz", clock.now()) == 0s);
}

TEST_CASE(
    "sessions that ran out are told once each, idle and end of shift apart, for the log and the journal") {
  ManualClock clock;
  LoginSessions sessions{{12h, 60min}};
  sessions.open("B. Okafor", clock.now());
  const auto busy = sessions.open("A. Diaz", clock.now());
  for (int i = 0; i < 12; ++i) {
    clock.advance(59min);
    REQUIRE(sessions.use(busy, clock.now()));
    if (i == 1) {
      sessions.end_expired(clock.now());
      const auto idle = sessions.take_expired();
      REQUIRE(idle.size() == 1);
      CHECK(idle[0].session.user == "B. Okafor");
      CHECK(idle[0].why == "idle for 60 min");
      CHECK(sessions.take_expired().empty());
    }
  }
  clock.advance(12min);  // 12 h since the login
  sessions.end_expired(clock.now());
  const auto shift = sessions.take_expired();
  REQUIRE(shift.size() == 1);
  CHECK(shift[0].session.user == "A. Diaz");
  CHECK(shift[0].why == "open for 12 h");
  CHECK_FALSE(sessions.use(busy, clock.now()));
  CHECK(sessions.take_expired().empty());
}
