// Every time the record shows carries its zone; JSON and CSV carry UTC.
#include "record/time_text.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include "tools/ctl/export_journal.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

// TZ for one test, put back after it.
class Zone {
 public:
  explicit Zone(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~Zone() {
    if (old_)
      setenv("TZ", old_->c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }
  Zone(const Zone&) = delete;
  Zone& operator=(const Zone&) = delete;

 private:
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("Times shown carry the local zone; JSON and CSV times are UTC") {
  const auto t = *tools::parse_time("2026-11-23T13:05:00Z");
  {
    Zone z{"Europe/Berlin"};
    CHECK(record::local_time(t) == "2026-11-23 14:05:00 CET");
    CHECK(record::local_clock(t) == "14:05:00 CET");
    CHECK(record::utc_iso(t) == "2026-11-23T13:05:00Z");
  }
  Zone z{"UTC"};
  CHECK(record::local_clock(t) == "13:05:00 UTC");
}

TEST_CASE("Durations as staff read them") {
  CHECK(record::duration_text(45s) == "45 s");
  CHECK(record::duration_text(6970ms) == "7 s");
  CHECK(record::duration_text(8min + 26s) == "8 min 26 s");
  CHECK(record::duration_text(65min) == "1 h 05 min");
  CHECK(record::number_text(-0.01, 0) == "0");
}
