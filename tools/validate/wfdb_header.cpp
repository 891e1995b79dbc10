#include "tools/validate/wfdb_header.hpp"

#include <charconv>
#include <cmath>
#include <optional>

#include "tools/validate/file_input.hpp"

namespace vigil::validate {

namespace {

std::vector<std::string_view> split_fields(std::string_view line, std::size_t max_fields) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) break;
    if (fields.size() + 1 == max_fields) {  // the last field keeps its spaces (signal description)
      std::size_t end = line.find_last_not_of(" \t");
      fields.push_back(line.substr(i, end + 1 - i));
      break;
    }
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

class HeaderParser {
 public:
  WfdbHeader run(std::string_view text) {
    std::size_t expected_signals = 0;
    bool have_record_line = false;
    while (!text.empty()) {
      ++line_no_;
      const std::size_t nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
        line.remove_suffix(1);
      }
      const std::size_t first = line.find_first_not_of(" \t");
      if (first == std::string_view::npos) continue;
      line.remove_prefix(first);
      if (line.front() == '#') {
        header_.comments.emplace_back(line.substr(1));
      } else if (!have_record_line) {
        expected_signals = record_line(line);
        have_record_line = true;
      } else if (header_.signals.size() < expected_signals) {
        header_.signals.push_back(signal_line(line));
      } else {
        fail("more signal lines than the record line announces");
      }
    }
    if (!have_record_line) fail("no record line");
    if (header_.signals.size() != expected_signals) fail("fewer signal lines than the record line announces");
    return std::move(header_);
  }

 private:
  [[noreturn]] void fail(std::string_view what) const {
    throw FormatError("WFDB header line " + std::to_string(line_no_) + ": " + std::string(what));
  }

  template <typename T>
  T number(std::string_view s, std::string_view what) const {
    T value{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size())
      fail("bad " + std::string(what) + " '" + std::string(s) + "'");
    return value;
  }

  // Splits "head<sep>tail" at the first sep; returns head and sets tail.
  static std::string_view cut(std::string_view s, char sep, std::optional<std::string_view>& tail) {
    const std::size_t at = s.find(sep);
    if (at == std::string_view::npos) return s;
    tail = s.substr(at + 1);
    return s.substr(0, at);
  }

  std::size_t record_line(std::string_view line) {
    const auto f = split_fields(line, 0);
    if (f.size() < 2) fail("record line needs a name and a signal count");
    if (f[0].find('/') != std::string_view::npos) fail("multi-segment records are not supported");
    header_.record = std::string(f[0]);
    const int nsig = number<int>(f[1], "signal count");
    if (nsig < 0 || nsig > 4096) fail("implausible signal count");
    if (f.size() > 2) {
      std::optional<std::string_view> counter;
      const double fs = number<double>(cut(f[2], '/', counter), "sampling frequency");
      if (!(fs > 0) || !std::isfinite(fs)) fail("sampling frequency must be positive");
      header_.sampling_frequency = fs;
    }
    if (f.size() > 3) {
      header_.num_samples = number<std::int64_t>(f[3], "sample count");
      if (header_.num_samples < 0) fail("negative sample count");
    }
    return static_cast<std::size_t>(nsig);
  }

  void format_field(std::string_view s, WfdbSignalSpec& spec) const {
    std::optional<std::string_view> offset, skew, spf;
    s = cut(s, '+', offset);
    s = cut(s, ':', skew);
    s = cut(s, 'x', spf);
    spec.format = number<int>(s, "format");
    if (spf) spec.samples_per_frame = number<int>(*spf, "samples per frame");
    if (skew) spec.skew = number<int>(*skew, "skew");
    if (offset) spec.byte_offset = number<std::int64_t>(*offset, "byte offset");
    if (spec.samples_per_frame < 1) fail("samples per frame must be at least 1");
  }

  void gain_field(std::string_view s, WfdbSignalSpec& spec, bool& has_baseline) const {
    std::optional<std::string_view> units, baseline;
    s = cut(s, '/', units);
    s = cut(s, '(', baseline);
    spec.adc_gain = number<double>(s, "gain");
    if (spec.adc_gain == 0) spec.adc_gain = 200;
    if (!std::isfinite(spec.adc_gain)) fail("gain must be finite");
    if (baseline) {
      if (baseline->empty() || baseline->back() != ')') fail("baseline needs a closing parenthesis");
      spec.baseline = number<int>(baseline->substr(0, baseline->size() - 1), "baseline");
      has_baseline = true;
    }
    if (units) spec.units = std::string(*units);
  }

  WfdbSignalSpec signal_line(std::string_view line) const {
    const auto f = split_fields(line, 9);
    if (f.size() < 2) fail("signal line needs a file name and a format");
    WfdbSignalSpec spec;
    spec.file_name = std::string(f[0]);
    format_field(f[1], spec);
    bool has_baseline = false;
    if (f.size() > 2) gain_field(f[2], spec, has_baseline);
    if (f.size() > 3) spec.adc_resolution = number<int>(f[3], "ADC resolution");
    if (f.size() > 4) spec.adc_zero = number<int>(f[4], "ADC zero");
    if (f.size() > 5) spec.initial_value = number<int>(f[5], "initial value");
    if (f.size() > 6) {
      spec.checksum = number<int>(f[6], "checksum");
      spec.has_checksum = true;
    }
    if (f.size() > 7) spec.block_size = number<int>(f[7], "block size");
    if (f.size() > 8) spec.description = std::string(f[8]);
    if (!has_baseline) spec.baseline = spec.adc_zero;
    return spec;
  }

  WfdbHeader header_;
  int line_no_ = 0;
};

}  // namespace

WfdbHeader parse_wfdb_header(std::string_view text) {
  return HeaderParser{}.run(text);
}

WfdbHeader read_wfdb_header(const std::filesystem::path& path) {
  const std::string text = read_file_text(path);
  try {
    return parse_wfdb_header(text);
  } catch (const FormatError& e) {
    throw FormatError(path.string() + ": " + e.what());
  }
}

}  // namespace vigil::validate
