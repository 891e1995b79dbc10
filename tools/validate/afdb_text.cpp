#include "tools/validate/afdb_text.hpp"

#include <charconv>
#include <cmath>
#include <functional>

#include "tools/validate/file_input.hpp"

namespace vigil::validate {

namespace {

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <typename T>
bool to_number(std::string_view s, T& value) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc{} && end == s.data() + s.size();
}

// Calls visit(line_number, words) for every non-blank line.
void for_each_line(std::string_view text,
                   const std::function<void(int, const std::vector<std::string_view>&)>& visit) {
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    const auto w = words(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!w.empty()) visit(line_no, w);
  }
}

[[noreturn]] void fail(std::string_view what, int line_no, std::string_view file_kind) {
  throw FormatError(std::string(file_kind) + " line " + std::to_string(line_no) + ": " + std::string(what));
}

// Sample rates of ECG databases are whole numbers; the elapsed time only has
// millisecond resolution, so round a rate that is within 0.1 % of one.
double tidy_rate(double fs) {
  const double whole = std::round(fs);
  return std::abs(fs - whole) <= 1e-3 * fs ? whole : fs;
}

}  // namespace

double parse_elapsed_time(std::string_view text) {
  double seconds = 0;
  int parts = 0;
  while (true) {
    const std::size_t colon = text.find(':');
    const std::string_view part = text.substr(0, colon);
    double v = 0;
    if (part.empty() || !to_number(part, v) || v < 0 || ++parts > 3) {
      throw FormatError("bad elapsed time '" + std::string(text) + "'");
    }
    seconds = seconds * 60 + v;
    if (colon == std::string_view::npos) break;
    text = text.substr(colon + 1);
  }
  return seconds;
}

RhythmDump parse_rhythm_dump(std::string_view text) {
  RhythmDump dump;
  double latest_seconds = 0;
  std::int64_t latest_sample = 0;
  for_each_line(text, [&](int line_no, const std::vector<std::string_view>& w) {
    std::int64_t sample = 0;
    if (w.size() < 2 || !to_number(w[1], sample)) {
      if (dump.changes.empty() && line_no == 1) return;  // the title line
      fail("expected 'time sample type ...'", line_no, "rhythm dump");
    }
    if (sample < 0) fail("negative sample number", line_no, "rhythm dump");
    if (!dump.changes.empty() && sample < dump.changes.back().sample)
      fail("samples go backwards", line_no, "rhythm dump");
    if (w.size() < 7 || w[2] != "+") return;  // not a rhythm change
    double seconds = 0;
    try {
      seconds = parse_elapsed_time(w[0]);
    } catch (const FormatError& e) {
      fail(e.what(), line_no, "rhythm dump");
    }
    dump.changes.push_back({sample, std::string(w[6])});
    latest_seconds = seconds;
    latest_sample = sample;
  });
  if (latest_seconds > 0 && latest_sample > 0)
    dump.sampling_frequency = tidy_rate(latest_sample / latest_seconds);
  return dump;
}

std::vector<std::int64_t> parse_rr_dump(std::string_view text) {
  std::vector<std::int64_t> beats;
  for_each_line(text, [&](int line_no, const std::vector<std::string_view>& w) {
    std::int64_t first = 0, second = 0;
    double interval = 0;
    if (w.size() != 3 || !to_number(w[0], first) || !to_number(w[1], interval) || !to_number(w[2], second)) {
      fail("expected 'sample interval sample'", line_no, "RR dump");
    }
    if (first < 0 || second <= first) fail("beats must be ascending", line_no, "RR dump");
    if (beats.empty() || beats.back() != first) {
      if (!beats.empty() && first < beats.back()) fail("beats go backwards", line_no, "RR dump");
      beats.push_back(first);
    }
    beats.push_back(second);
  });
  return beats;
}

RhythmDump read_rhythm_dump(const std::filesystem::path& path) {
  const std::string text = read_file_text(path);
  try {
    return parse_rhythm_dump(text);
  } catch (const FormatError& e) {
    throw FormatError(path.string() + ": " + e.what());
  }
}

std::vector<std::int64_t> read_rr_dump(const std::filesystem::path& path) {
  const std::string text = read_file_text(path);
  try {
    return parse_rr_dump(text);
  } catch (const FormatError& e) {
    throw FormatError(path.string() + ": " + e.what());
  }
}

}  // namespace vigil::validate
