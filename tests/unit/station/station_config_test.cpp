#include "station/station_config.hpp"

#include <doctest/doctest.h>

using vigil::station::parse_station_config;

TEST_CASE("a station watching two bedside PCs gets the defaults for what it leaves out") {
  auto c = parse_station_config(R"(
daemon { name: "room-1" publish_endpoint: "tcp://10.0.3.21:5560" command_endpoint: "tcp://10.0.3.21:5561" }
daemon { name: "room-2" publish_endpoint: "tcp://10.0.3.22:5560" command_endpoint: "tcp://10.0.3.22:5561"
         bed: "bed-4" }
)",
                                "station.conf");
  REQUIRE(c.ok());
  CHECK(c->name() == "station");
  CHECK(c->listen() == "127.0.0.1:8080");
  CHECK(c->trend_minutes() == 30);
  CHECK(c->daemon(1).bed(0) == "bed-4");
}

TEST_CASE("a typo in a field name is reported with file, line and column") {
  auto c = parse_station_config("daemon {\n  nam: \"room-1\"\n}\n", "station.conf");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error() ==
        "station.conf:2:6: Message type \"vigil.v1.station.Daemon\" has no field named \"nam\".");
}

TEST_CASE(
    "a daemon without a command endpoint is refused where it is written: no snapshots, no acks without it") {
  auto c = parse_station_config(
      "name: \"s\"\ndaemon {\n  name: \"room-1\"\n  publish_endpoint: \"tcp://a:1\"\n}\n", "station.conf");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().starts_with("station.conf:2:"));
  CHECK(c.error().find("command_endpoint must be tcp://host:port") != std::string::npos);
}

TEST_CASE("two daemons with one name are refused: a lost-daemon banner must say which") {
  auto c = parse_station_config(
      R"(daemon { name: "room-1" publish_endpoint: "tcp://a:1" command_endpoint: "tcp://a:2" }
daemon { name: "room-1" publish_endpoint: "tcp://b:1" command_endpoint: "tcp://b:2" }
)",
      "station.conf");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error() == "station.conf:2:10: daemon name 'room-1' is used twice");
}

TEST_CASE("a station with nothing to watch is refused") {
  auto c = parse_station_config("name: \"s\"\n", "station.conf");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().find("no daemon to watch") != std::string::npos);
}

TEST_CASE("the shipped example station config is valid") {
  auto c = vigil::station::load_station_config(std::string{VIGIL_SOURCE_DIR} +
                                               "/systemd/vigil-station.conf.example");
  INFO((c.ok() ? "" : c.error()));
  REQUIRE(c.ok());
  CHECK(c->daemon_size() == 2);
}
