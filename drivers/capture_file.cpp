#include "drivers/capture_file.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

#include "core/bounded_file.hpp"
#include "core/id.hpp"

namespace vigil::drivers {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kExpectedDevice[] = "expected bed/device (each letters, digits, '-', '_' or '.')";

std::string time_text(core::TimePoint t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(us / 1000000),
                static_cast<long long>(us % 1000000));
  return buf;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits off the next space-separated field; `column` is 1-based.
struct Fields {
  std::string_view line;
  std::size_t pos = 0;
  std::string_view next(int& column) {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    column = static_cast<int>(pos) + 1;
    const auto end = std::min(line.find(' ', pos), line.size());
    auto f = line.substr(pos, end - pos);
    pos = end;
    return f;
  }
  std::string_view rest() {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    return line.substr(pos);
  }
};

// A record is one line: a line break in a link's reason would start a false
// record, and a lone '\r' at its end would be read as the line's CRLF. The
// writer and the reader both pass reasons through here, so what one reads
// the other writes back unchanged.
std::string one_line(std::string_view text) {
  std::string out{text};
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return out;
}

// "bed/device", each an id as vigild's config allows it (what vigild writes).
bool is_device_name(std::string_view name) {
  const auto slash = name.find('/');
  return slash != std::string_view::npos && core::is_id(name.substr(0, slash)) &&
         core::is_id(name.substr(slash + 1));
}

core::Error located(const std::string& file, int line, int column, const std::string& message) {
  return core::Error{file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message};
}

bool parse_time(std::string_view text, core::TimePoint& out) {
  const auto dot = text.find('.');
  long long secs = 0, frac = 0;
  const auto whole = text.substr(0, dot);
  if (std::from_chars(whole.data(), whole.data() + whole.size(), secs).ptr != whole.data() + whole.size() ||
      whole.empty())
    return false;
  // Unix seconds of this or the next few centuries; anything else is damage,
  // and would overflow a time point.
  if (secs < 0 || secs > 9'000'000'000) return false;
  if (dot != std::string_view::npos) {
    auto f = std::string{text.substr(dot + 1)};
    if (f.empty() || f.size() > 6) return false;
    f.resize(6, '0');
    if (std::from_chars(f.data(), f.data() + f.size(), frac).ptr != f.data() + f.size()) return false;
  }
  out = core::TimePoint{std::chrono::duration_cast<core::Duration>(std::chrono::seconds{secs} +
                                                                   std::chrono::microseconds{frac})};
  return true;
}

}  // namespace

std::string capture_header(core::TimePoint started) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(started);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string{"# vigil capture 1, started "} + buf + "\n";
}

std::string capture_device_line(const CaptureDevice& d) {
  return "device " + d.device + " " + d.protocol + "\n";
}

std::string capture_line(const CaptureRecord& r) {
  std::string line = time_text(r.time) + " " + r.device + " ";
  switch (r.kind) {
    case CaptureRecord::Kind::rx:
    case CaptureRecord::Kind::tx:
      line += r.kind == CaptureRecord::Kind::rx ? "rx " : "tx ";
      line.reserve(line.size() + 2 * r.bytes.size() + 1);
      for (auto b : r.bytes) {
        line += kHex[b >> 4];
        line += kHex[b & 0x0F];
      }
      break;
    case CaptureRecord::Kind::link:
      line += "link " + r.state + " " + one_line(r.reason);
      break;
  }
  return line + "\n";
}

core::Result<Capture> parse_capture(std::string_view text, const std::string& file) {
  Capture c;
  int line_no = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    Fields f{line};
    int col = 0;
    const auto first = f.next(col);
    if (first == "device") {
      CaptureDevice d;
      d.device = std::string{f.next(col)};
      if (!is_device_name(d.device)) return located(file, line_no, col, kExpectedDevice);
      d.protocol = std::string{f.next(col)};
      if (!core::is_id(d.protocol)) return located(file, line_no, col, "expected the device's protocol");
      if (std::none_of(c.devices.begin(), c.devices.end(),
                       [&](const auto& x) { return x.device == d.device; }))
        c.devices.push_back(d);
      continue;
    }
    CaptureRecord r;
    if (!parse_time(first, r.time))
      return located(file, line_no, col, "expected a time like 1732363200.123456");
    r.device = std::string{f.next(col)};
    if (!is_device_name(r.device)) return located(file, line_no, col, kExpectedDevice);
    const auto kind = f.next(col);
    if (kind == "rx" || kind == "tx") {
      r.kind = kind == "rx" ? CaptureRecord::Kind::rx : CaptureRecord::Kind::tx;
      const auto hex = f.next(col);
      if (hex.size() % 2) return located(file, line_no, col, "an odd number of hex digits");
      r.bytes.reserve(hex.size() / 2);
      for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
        if (hi < 0 || lo < 0) return located(file, line_no, col + static_cast<int>(i), "not a hex digit");
        r.bytes.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
      }
    } else if (kind == "link") {
      r.kind = CaptureRecord::Kind::link;
      r.state = std::string{f.next(col)};
      if (!core::is_id(r.state)) return located(file, line_no, col, "expected a link state");
      r.reason = one_line(f.rest());
      r.reason.erase(0, r.reason.find_first_not_of(' '));
    } else {
      return located(file, line_no, col, "expected rx, tx or link, found '" + std::string{kind} + "'");
    }
    if (std::none_of(c.devices.begin(), c.devices.end(), [&](const auto& x) { return x.device == r.device; }))
      return located(file, line_no, 1,
                     "device " + r.device + " has no 'device' line before its first record");
    c.records.push_back(std::move(r));
  }
  return c;
}

core::Result<Capture> read_capture(const std::string& path) {
  auto text = core::read_bounded_file(path, kMaxCaptureFileBytes);
  if (!text) return core::Error{"cannot read the capture file " + text.error()};
  return parse_capture(text.value(), path);
}

}  // namespace vigil::drivers
