// The validation readers read PhysioNet files whole: a FIFO or a device
// named on the command line is refused at once instead of hanging the run.
#include "tools/validate/file_input.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/unit/temp_dir.hpp"

using namespace vigil::validate;

TEST_CASE("a record file that is a FIFO or /dev/zero is a FormatError naming it, not a hang") {
  vigil::test::TempDir dir;
  REQUIRE(mkfifo(dir.file("100.dat").c_str(), 0600) == 0);
  CHECK_THROWS_WITH_AS(read_file_bytes(dir.file("100.dat")),
                       ("cannot read " + dir.file("100.dat") + ": not a regular file (a FIFO)").c_str(),
                       FormatError);
  CHECK_THROWS_WITH_AS(read_file_text("/dev/zero"),
                       "cannot read /dev/zero: not a regular file (a character device)", FormatError);
  std::ofstream{dir.file("100.hea")} << "100 2 360 650000\n";
  CHECK(read_file_text(dir.file("100.hea")) == "100 2 360 650000\n");
  CHECK(read_file_bytes(dir.file("100.hea")).size() == 17);
}
