#include "station/station_config.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "client/curve_client.hpp"
#include "tests/unit/temp_dir.hpp"

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
    "a station config cut short says the file ended where a closing brace was missing, as vigild's does") {
  auto c = parse_station_config("daemon {\n  name: \"room-1\"\n", "station.conf");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().starts_with("station.conf:3:"));
  CHECK(c.error().ends_with("end of file (is a closing '}' missing?)"));
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

TEST_CASE("CURVE: a daemon's server key needs the station's own key pair, and both files must be usable") {
  vigil::test::TempDir dir;
  REQUIRE(vigil::client::write_key_pair(dir.path().string(), "station-1").ok());
  REQUIRE(vigil::client::write_key_pair(dir.path().string(), "vigild").ok());
  const auto daemon = [&](const std::string& server_key) {
    return "daemon {\n  name: \"room-1\" publish_endpoint: \"tcp://10.0.3.21:5560\"\n"
           "  command_endpoint: \"tcp://10.0.3.21:5561\"\n  server_key_file: \"" +
           server_key + "\"\n}\n";
  };
  SUBCASE("both given: accepted") {
    auto c = parse_station_config(
        "key_file: \"" + dir.file("station-1.key") + "\"\n" + daemon(dir.file("vigild.pub")), "station.conf");
    REQUIRE(c.ok());
    CHECK(c->daemon(0).server_key_file() == dir.file("vigild.pub"));
  }
  SUBCASE("no key_file: refused at the server key") {
    auto c = parse_station_config(daemon(dir.file("vigild.pub")), "station.conf");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().starts_with("station.conf:4:"));
    CHECK(c.error().find("needs the station's own key_file") != std::string::npos);
  }
  SUBCASE("the station's .pub instead of its .key: refused, saying so") {
    auto c = parse_station_config(
        "key_file: \"" + dir.file("station-1.pub") + "\"\n" + daemon(dir.file("vigild.pub")), "station.conf");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().starts_with("station.conf:1:"));
    CHECK(c.error().find("not its .pub") != std::string::npos);
  }
  SUBCASE("a server key file that is not there: refused with its path") {
    auto c = parse_station_config(
        "key_file: \"" + dir.file("station-1.key") + "\"\n" + daemon(dir.file("nope.pub")), "station.conf");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().find(dir.file("nope.pub")) != std::string::npos);
  }
}

TEST_CASE(
    "without HTTPS and a login the dashboard listens on loopback only: a network address is refused "
    "where it is written") {
  const std::string daemon =
      "daemon { name: \"room-1\" publish_endpoint: \"tcp://a:1\" command_endpoint: \"tcp://a:2\" }\n";
  for (const std::string listen : {"127.0.0.1:8080", "[::1]:8080", "localhost:8080"})
    CHECK_MESSAGE(parse_station_config("listen: \"" + listen + "\"\n" + daemon, "station.conf").ok(), listen);
  for (const std::string listen : {"0.0.0.0:8080", "10.0.3.5:8080", "[::]:8080"}) {
    auto c = parse_station_config(daemon + "listen: \"" + listen + "\"\n", "station.conf");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().starts_with("station.conf:2:"));
    CHECK(c.error().find("reachable from the network") != std::string::npos);
  }
}

TEST_CASE("a login without HTTPS is refused: the password would cross the network in clear") {
  auto c = parse_station_config(
      "daemon { name: \"room-1\" publish_endpoint: \"tcp://a:1\" command_endpoint: \"tcp://a:2\" }\n"
      "users_file: \"/etc/vigil/station-users\"\n",
      "station.conf");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().starts_with("station.conf:2:"));
  CHECK(c.error().find("a login needs HTTPS") != std::string::npos);
}

TEST_CASE("HTTPS whose certificate cannot be read is refused at --check-config, naming the file") {
  vigil::test::TempDir dir;
  auto c = parse_station_config(
      "daemon { name: \"room-1\" publish_endpoint: \"tcp://a:1\" command_endpoint: \"tcp://a:2\" }\n"
      "tls { cert_file: \"" +
          dir.file("station.pem") + "\" key_file: \"" + dir.file("station.key") + "\" }\n",
      "station.conf");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().find("tls.cert_file: cannot load " + dir.file("station.pem")) != std::string::npos);
}

TEST_CASE(
    "a session lasts a shift and ends after an hour without a request unless the config says otherwise") {
  auto c = parse_station_config(
      "daemon { name: \"room-1\" publish_endpoint: \"tcp://a:1\" command_endpoint: \"tcp://a:2\" }\n",
      "station.conf");
  REQUIRE(c.ok());
  CHECK(c->session_hours() == 12);
  CHECK(c->idle_minutes() == 60);
  CHECK_FALSE(vigil::station::login_required(*c));
}

TEST_CASE("a key, certificate or config that is a FIFO or /dev/zero is refused at once, never read") {
  vigil::test::TempDir dir;
  REQUIRE(mkfifo(dir.file("fifo").c_str(), 0600) == 0);
  REQUIRE(vigil::client::write_key_pair(dir.path().string(), "station-1").ok());
  const std::string daemon =
      "daemon { name: \"room-1\" publish_endpoint: \"tcp://a:1\" command_endpoint: \"tcp://a:2\"\n"
      "  server_key_file: \"/dev/zero\" }\n";
  SUBCASE("the station's key file is a FIFO") {
    auto c = parse_station_config("key_file: \"" + dir.file("fifo") + "\"\n" + daemon, "station.conf");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().find(dir.file("fifo") + ": not a regular file (a FIFO)") != std::string::npos);
  }
  SUBCASE("a daemon's server key is /dev/zero") {
    auto c =
        parse_station_config("key_file: \"" + dir.file("station-1.key") + "\"\n" + daemon, "station.conf");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().find("/dev/zero: not a regular file (a character device)") != std::string::npos);
  }
  SUBCASE("the HTTPS certificate is /dev/zero and its key a FIFO") {
    auto c = parse_station_config(
        "daemon { name: \"room-1\" publish_endpoint: \"tcp://a:1\" command_endpoint: \"tcp://a:2\" }\n"
        "tls { cert_file: \"/dev/zero\" key_file: \"" +
            dir.file("fifo") + "\" }\n",
        "station.conf");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().find("tls.cert_file: cannot load /dev/zero: not a regular file") != std::string::npos);
  }
  SUBCASE("the config itself") {
    auto c = vigil::station::load_station_config(dir.file("fifo"));
    REQUIRE_FALSE(c.ok());
    CHECK(c.error() == "the config cannot be read: " + dir.file("fifo") + ": not a regular file (a FIFO)");
  }
}
