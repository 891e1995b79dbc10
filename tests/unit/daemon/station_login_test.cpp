// A nurse station's login events reach vigild's journal as station_login
// commands: journalled with who, where and when; a malformed one is refused
// at its field and journalled as refused.
#include <doctest/doctest.h>

#include "journal/sqlite_database.hpp"
#include "tests/unit/daemon/in_process_daemon.hpp"
#include "wire/timestamp.hpp"

using namespace vigil;
namespace v1 = vigil::v1;

namespace {

v1::CommandRequest event(v1::StationLogin::Kind kind, const std::string& who, core::TimePoint at) {
  v1::CommandRequest r;
  auto* e = r.mutable_station_login();
  e->set_kind(kind);
  e->set_operator_name(who);
  e->set_station_id("station-1");
  e->set_address("10.0.3.7");
  wire::set_time(e->mutable_at(), at);
  e->set_event_id("station-1-1-1");
  return r;
}

}  // namespace

TEST_CASE(
    "a login at the nurse station is journalled with the nurse, the station, the address and the time") {
  test::InProcessDaemon d{"stationlogin", test::kOneBedConfig, "A. Diaz", "station-1"};
  const auto at = d.clock.now() - std::chrono::seconds{3};  // it waited at the station while vigild was down
  auto reply = d.run(event(v1::StationLogin::LOGIN, "A. Diaz", at));
  REQUIRE(reply.ok());
  CHECK(reply.message() == "login of A. Diaz at station-1 from 10.0.3.7");
  auto failed = event(v1::StationLogin::LOGIN_FAILED, "A. Diax", at);
  failed.mutable_station_login()->set_detail("no such user");
  failed.mutable_station_login()->set_dropped_before(4);
  reply = d.run(failed, "station-1");
  REQUIRE(reply.ok());
  CHECK(reply.message() ==
        "login FAILED for 'A. Diax' at station-1 from 10.0.3.7: no such user (4 earlier login event(s) were "
        "dropped by the station: its buffer was full)");

  // Durable in the intent log when the reply went; in SQLite once the writer has committed it.
  REQUIRE(d.vigild->journal().wait_bed_writes(std::chrono::seconds{5}));
  journal::sqlite::Database db{d.dir.file("journal.db"), journal::sqlite::Database::Mode::read_only};
  auto s = db.prepare("SELECT actor, station, command, bed, ok, result, request FROM commands ORDER BY id");
  REQUIRE(s.step());
  CHECK(s.text(0) == "A. Diaz");
  CHECK(s.text(1) == "station-1");
  CHECK(s.text(2) == "station_login");
  CHECK(s.text(3) == "");
  CHECK(s.integer(4) == 1);
  CHECK(s.text(5) == "login of A. Diaz at station-1 from 10.0.3.7");
  CHECK(s.text(6).find("\"kind\":\"LOGIN\"") != std::string::npos);
  CHECK(s.text(6).find("\"at\":\"") != std::string::npos);
  REQUIRE(s.step());
  CHECK(s.text(0) == "station-1");
  CHECK(s.text(6).find("\"dropped_before\":4") != std::string::npos);
}

TEST_CASE("a login event without a kind, a time or a name, or with a second line, is refused at its field") {
  test::InProcessDaemon d{"stationlogin", test::kOneBedConfig, "A. Diaz", "station-1"};
  const auto at = d.clock.now();
  auto no_kind = event(v1::StationLogin::KIND_UNSPECIFIED, "A. Diaz", at);
  CHECK(d.run(no_kind).error_field() == "station_login.kind");
  auto no_time = event(v1::StationLogin::LOGOUT, "A. Diaz", at);
  no_time.mutable_station_login()->clear_at();
  CHECK(d.run(no_time).error_field() == "station_login.at");
  CHECK(d.run(event(v1::StationLogin::SESSION_EXPIRED, "", at)).error_field() ==
        "station_login.operator_name");
  auto two_lines = event(v1::StationLogin::LOGIN_FAILED, "A. Diaz\nlogin of B. Okafor", at);
  CHECK(d.run(two_lines).error() == "station_login.operator_name: holds control characters (one line only)");
  auto no_station = event(v1::StationLogin::LOGIN, "A. Diaz", at);
  no_station.mutable_station_login()->clear_station_id();
  CHECK(d.run(no_station).error_field() == "station_login.station_id");
  // users_file read again names nobody: it is the station's.
  auto users = event(v1::StationLogin::USERS_FILE_READ, "", at);
  users.mutable_station_login()->set_detail("2 user(s); added B. Okafor");
  auto reply = d.run(users, "station-1");
  REQUIRE(reply.ok());
  CHECK(reply.message() == "users_file at station-1 read again: 2 user(s); added B. Okafor");
}
