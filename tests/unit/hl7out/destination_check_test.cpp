#include "hl7out/destination_check.hpp"

#include <doctest/doctest.h>

#include "tests/unit/temp_dir.hpp"

using namespace vigil::hl7out;

namespace {
vigil::v1::config::DaemonConfig with(const std::string& address) {
  vigil::v1::config::DaemonConfig c;
  c.set_equipment_eui64("0123456789ABCDEF");
  auto* d = c.add_hl7_destination();
  d->set_name("emr");
  d->set_address(address);
  d->set_alarms(true);
  return c;
}

std::string problems(const vigil::v1::config::DaemonConfig& c) {
  std::string out;
  for (const auto& p : check_destinations(c)) out += p.field + ": " + p.message + "\n";
  return out;
}
}  // namespace

TEST_CASE("destination check: plain TCP off loopback only when asked for; TLS needs loadable files") {
  CHECK(problems(with("127.0.0.1:2575")).empty());
  auto far = with("10.1.2.3:2575");
  CHECK(problems(far).find("address: hl7_destination emr: 10.1.2.3:2575 is not loopback: set tls") == 0);
  far.mutable_hl7_destination(0)->set_allow_plain_tcp(true);
  CHECK(problems(far).empty());

  // The system's CAs when no ca_file is given.
  auto tls = with("10.1.2.3:2575");
  tls.mutable_hl7_destination(0)->mutable_tls()->set_server_name("emr.hospital.example");
  CHECK(problems(tls).empty());
  tls.mutable_hl7_destination(0)->set_allow_plain_tcp(true);
  CHECK(problems(tls) ==
        "allow_plain_tcp: hl7_destination emr: allow_plain_tcp and tls contradict each other\n");
  tls.mutable_hl7_destination(0)->set_allow_plain_tcp(false);

  vigil::test::TempDir dir;
  tls.mutable_hl7_destination(0)->mutable_tls()->set_ca_file(dir.file("missing.pem"));
  CHECK(problems(tls).find("tls: hl7_destination emr: tls.ca_file: cannot load the CA certificates " +
                           dir.file("missing.pem")) == 0);
  tls.mutable_hl7_destination(0)->mutable_tls()->clear_ca_file();
  tls.mutable_hl7_destination(0)->mutable_tls()->set_cert_file(dir.file("client.pem"));
  CHECK(problems(tls) ==
        "tls: hl7_destination emr: tls.key_file: a client certificate needs both cert_file and key_file\n");
  tls.mutable_hl7_destination(0)->mutable_tls()->set_key_file(dir.file("client.key"));
  CHECK(problems(tls).find("tls: hl7_destination emr: tls.cert_file: cannot load " +
                           dir.file("client.pem")) == 0);
}

TEST_CASE("destination check: hl7_retention_days up to ten years (0 is the default, 7)") {
  auto c = with("127.0.0.1:2575");
  c.set_hl7_retention_days(3650);
  CHECK(problems(c).empty());
  c.set_hl7_retention_days(4000000000u);  // a typo that would take the cutoff out of the clock's range
  CHECK(problems(c) == "hl7_retention_days: hl7_retention_days 4000000000 is over 3650 (ten years)\n");
}
