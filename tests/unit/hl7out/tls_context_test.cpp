// TLS files named in a config are checked before a byte is read: a CA file
// that is /dev/zero or a key that is a FIFO is an error naming the field,
// returned at once (vigild --check-config used to hang on them).
#include "hl7out/tls_context.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "tests/unit/temp_dir.hpp"

using namespace vigil::hl7out;

TEST_CASE("a destination whose ca_file is /dev/zero is refused, not read forever") {
  vigil::v1::config::Hl7Tls tls;
  tls.set_ca_file("/dev/zero");
  const auto context = make_tls_context(tls);
  REQUIRE_FALSE(context.ok());
  CHECK(context.error() ==
        "tls.ca_file: cannot load the CA certificates /dev/zero: not a regular file (a character device)");
}

TEST_CASE("the ADT port's key as a FIFO is refused without waiting for a writer") {
  vigil::test::TempDir dir;
  REQUIRE(mkfifo(dir.file("adt.pem").c_str(), 0600) == 0);
  vigil::v1::config::AdtTls tls;
  tls.set_cert_file(dir.file("adt.pem"));
  tls.set_key_file(dir.file("adt.key"));
  const auto context = make_tls_server_context(tls);
  REQUIRE_FALSE(context.ok());
  CHECK(context.error() ==
        "tls.cert_file: cannot load " + dir.file("adt.pem") + ": not a regular file (a FIFO)");
}

TEST_CASE("the ADT port's TLS needs both its certificate and its key") {
  vigil::v1::config::AdtTls tls;
  tls.set_cert_file("/etc/vigil/adt.pem");
  CHECK(make_tls_server_context(tls).error() ==
        "tls.key_file: the ADT port needs its certificate (cert_file) and key (key_file)");
  tls.clear_cert_file();
  tls.set_key_file("/etc/vigil/adt.key");
  CHECK(make_tls_server_context(tls).error() ==
        "tls.cert_file: the ADT port needs its certificate (cert_file) and key (key_file)");
}
