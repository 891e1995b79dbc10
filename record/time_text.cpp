#include "record/time_text.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace vigil::record {
namespace {

std::string format(core::TimePoint t, const char* pattern, bool utc) {
  const std::time_t secs =
      std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
  std::tm tm{};
  if (utc)
    gmtime_r(&secs, &tm);
  else
    localtime_r(&secs, &tm);
  char buf[64];
  const auto n = std::strftime(buf, sizeof buf, pattern, &tm);
  return std::string{buf, n};
}

}  // namespace

std::string local_time(core::TimePoint t) {
  return format(t, "%Y-%m-%d %H:%M:%S %Z", false);
}

std::string local_clock(core::TimePoint t) {
  return format(t, "%H:%M:%S %Z", false);
}

std::string utc_iso(core::TimePoint t) {
  return format(t, "%Y-%m-%dT%H:%M:%SZ", true);
}

std::string duration_text(core::Duration d) {
  const bool negative = d < core::Duration::zero();
  // To the nearest second: an acknowledgement 6.97 s after the alarm took 7 s, not 6.
  const auto s = std::chrono::round<std::chrono::seconds>(negative ? -d : d).count();
  char buf[48];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld h %02lld min", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%lld min %02lld s", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(s));
  return (negative ? "-" : "") + std::string{buf};
}

std::string number_text(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s == "-0" || s == "-0.0") s = s.substr(1);
  return s;
}

}  // namespace vigil::record
