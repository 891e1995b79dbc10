// A file a config names is read only when it is a regular file of bounded
// size: /dev/zero, a FIFO or a directory is an error at once, never a hang.
#include "core/bounded_file.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/unit/temp_dir.hpp"

using vigil::core::read_bounded_file;

TEST_CASE("a small regular file is read whole") {
  vigil::test::TempDir dir;
  std::ofstream{dir.file("ca.pem")} << "-----BEGIN CERTIFICATE-----\nAAAA\n";
  const auto text = read_bounded_file(dir.file("ca.pem"));
  REQUIRE(text.ok());
  CHECK(text.value() == "-----BEGIN CERTIFICATE-----\nAAAA\n");
}

TEST_CASE("/dev/zero is refused as a character device instead of read forever") {
  const auto text = read_bounded_file("/dev/zero");
  REQUIRE_FALSE(text.ok());
  CHECK(text.error() == "/dev/zero: not a regular file (a character device)");
}

TEST_CASE("a FIFO is refused without waiting for a writer") {
  vigil::test::TempDir dir;
  REQUIRE(mkfifo(dir.file("key.pem").c_str(), 0600) == 0);
  const auto text = read_bounded_file(dir.file("key.pem"));
  REQUIRE_FALSE(text.ok());
  CHECK(text.error() == dir.file("key.pem") + ": not a regular file (a FIFO)");
}

TEST_CASE("a directory, a missing file and a file over the bound are refused with the reason") {
  vigil::test::TempDir dir;
  CHECK(read_bounded_file(dir.path().string()).error() ==
        dir.path().string() + ": not a regular file (a directory)");
  CHECK(read_bounded_file(dir.file("missing.pem")).error() ==
        dir.file("missing.pem") + ": cannot open: No such file or directory");
  std::ofstream{dir.file("big.pem")} << std::string(2000, 'x');
  CHECK(read_bounded_file(dir.file("big.pem"), 1000).error() ==
        dir.file("big.pem") + ": 2000 bytes, more than the 1000 bytes allowed");
  CHECK(read_bounded_file(dir.file("big.pem"), 2000).ok());
  CHECK(read_bounded_file(dir.file("big.pem"), 1024).error() ==
        dir.file("big.pem") + ": 2000 bytes, more than the 1 KiB allowed");
}

TEST_CASE("special_file names a FIFO or a device, and passes a regular file, a folder or a missing path") {
  vigil::test::TempDir dir;
  REQUIRE(mkfifo(dir.file("journal.db").c_str(), 0600) == 0);
  CHECK(vigil::core::special_file(dir.file("journal.db")) ==
        dir.file("journal.db") + ": not a regular file (a FIFO)");
  CHECK(vigil::core::special_file("/dev/zero") == "/dev/zero: not a regular file (a character device)");
  std::ofstream{dir.file("plain.db")} << "x";
  CHECK(vigil::core::special_file(dir.file("plain.db")).empty());
  CHECK(vigil::core::special_file(dir.file("missing.db")).empty());
  CHECK(vigil::core::special_file(dir.path().string()).empty());
}
