#include "drivers/masimo/masimo_codec.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vigil::drivers {
namespace {

using core::DeviceCondition;
using core::QualityFlag;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_upper_or_digit(char c) {
  return (c >= 'A' && c <= 'Z') || is_digit(c);
}
bool is_printable(unsigned char c) {
  return c >= 0x20 && c <= 0x7E;
}

int two_digits(std::string_view s, std::size_t at) {
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

// "MM/DD/YY HH:MM:SS" at the start of s, digits and separators only.
bool looks_like_date(std::string_view s) {
  constexpr std::string_view pattern = "dd/dd/dd dd:dd:dd";
  if (s.size() < pattern.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == 'd' ? !is_digit(s[i]) : s[i] != pattern[i]) return false;
  }
  return true;
}

std::optional<core::TimePoint> parse_date(std::string_view s) {
  using namespace std::chrono;
  const year_month_day ymd{year{2000 + two_digits(s, 6)}, month{static_cast<unsigned>(two_digits(s, 0))},
                           day{static_cast<unsigned>(two_digits(s, 3))}};
  const int h = two_digits(s, 9), m = two_digits(s, 12), sec = two_digits(s, 15);
  if (!ymd.ok() || h > 23 || m > 59 || sec > 59) return std::nullopt;
  return sys_days{ymd} + hours{h} + minutes{m} + seconds{sec};
}

// A decimal number "ddd" or "dd.dd"; nothing else (no sign, no exponent).
std::optional<double> parse_decimal(std::string_view s) {
  double value = 0, scale = 0;
  bool digits = false;
  for (char c : s) {
    if (is_digit(c)) {
      digits = true;
      if (scale == 0) {
        value = value * 10 + (c - '0');
      } else {
        value += (c - '0') * scale;
        scale /= 10;
      }
    } else if (c == '.' && scale == 0) {
      scale = 0.1;
    } else {
      return std::nullopt;
    }
  }
  if (!digits || s.size() > 8) return std::nullopt;
  return value;
}

std::optional<std::uint32_t> parse_hex(std::string_view s) {
  if (s.empty() || s.size() > 8) return std::nullopt;
  std::uint32_t v = 0;
  for (char c : s) {
    unsigned d;
    if (is_digit(c))
      d = static_cast<unsigned>(c - '0');
    else if (c >= 'A' && c <= 'F')
      d = static_cast<unsigned>(c - 'A' + 10);
    else if (c >= 'a' && c <= 'f')
      d = static_cast<unsigned>(c - 'a' + 10);
    else
      return std::nullopt;
    v = v * 16 + d;
  }
  return v;
}

bool is_no_value(std::string_view s) {
  return !s.empty() && s.find('-') != std::string_view::npos &&
         s.find_first_not_of("-.") == std::string_view::npos;
}

struct Field {
  std::string_view key;
  std::string_view value;
};

// A word of a line and where its first '=' is (at text.size(): none).
struct MasimoWord {
  std::string_view text;
  std::size_t equals;
};

// The next word of `rest` from `at` (spaces skipped); empty at its end. A
// word (7-13 bytes on a Rad-8 line) mostly ends within the 16 bytes from its
// start, so one SSE2 compare of them finds its end and its first '='; a
// byte loop for both (its exit mispredicted as words' lengths vary) was a
// fifth of decoding a line, as a memchr for each had been before it (perf,
// vigil-bench-core). The byte loop stays for a word near the line's end or
// longer than the block.
MasimoWord next_masimo_word(std::string_view rest, std::size_t& at) {
  const std::size_t size = rest.size();
  while (at < size && rest[at] == ' ') ++at;
  const std::size_t start = at;
#if defined(__SSE2__)
  if (start + 16 <= size) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rest.data() + start));
    const auto spaces = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(' '))));
    if (spaces != 0) {
      // Not 0: the word's first byte is no space.
      const auto length = static_cast<unsigned>(__builtin_ctz(spaces));
      const auto equals_signs =
          static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('=')))) &
          ((1U << length) - 1);
      at = start + length;
      return {rest.substr(start, length),
              equals_signs != 0 ? static_cast<std::size_t>(__builtin_ctz(equals_signs)) : length};
    }
  }
#endif
  std::size_t equals = std::string_view::npos;
  for (; at < size && rest[at] != ' '; ++at) {
    if (rest[at] == '=' && equals == std::string_view::npos) equals = at - start;
  }
  const std::size_t length = at - start;
  return {rest.substr(start, length), std::min(equals, length)};
}

bool is_field_name(std::string_view key) {
  // A loop, not std::all_of with a function pointer, which GCC did not inline.
  for (const char c : key)
    if (!is_upper_or_digit(c)) return false;
  return true;
}

// Splits "KEY=VALUE KEY=VALUE ..." at spaces. A key with an empty value takes
// the next word when that word has no '=' (a signed value printed as
// "PIDELTA= 05" is possible: see the header).
bool split_fields(std::string_view rest, std::vector<Field>& fields, std::string& error) {
  std::size_t at = 0;
  for (auto word = next_masimo_word(rest, at); !word.text.empty();) {
    const auto eq = word.equals;
    if (eq == word.text.size() || eq == 0) {
      error = "malformed field '" + std::string(word.text) + "'";
      return false;
    }
    Field f{word.text.substr(0, eq), word.text.substr(eq + 1)};
    if (!is_field_name(f.key)) {
      error = "malformed field name '" + std::string(f.key) + "'";
      return false;
    }
    word = next_masimo_word(rest, at);
    if (f.value.empty() && !word.text.empty() && word.equals == word.text.size()) {
      f.value = word.text;
      word = next_masimo_word(rest, at);
    }
    if (f.value.empty()) {
      error = "field " + std::string(f.key) + " has no value";
      return false;
    }
    fields.push_back(f);
  }
  return true;
}

// A value with an optional trailing '%': nullopt inside means "no value".
bool parse_measure(const Field& f, double max, std::optional<double>& out, std::string& error) {
  std::string_view v = f.value;
  if (v.back() == '%') v.remove_suffix(1);
  // A number starts with a digit, and then it is not dashes: the two scans
  // for dashes only where it does not.
  if ((v.empty() || !is_digit(v.front())) && is_no_value(v)) {
    out.reset();
    return true;
  }
  const auto number = parse_decimal(v);
  if (!number || *number > max) {
    error = std::string(f.key) + "=" + std::string(f.value) + " is not a value between 0 and " +
            std::to_string(static_cast<int>(max));
    return false;
  }
  out = number;
  return true;
}

bool parse_serial(std::string_view v, std::string& out, std::string& error) {
  if (is_no_value(v)) {
    out.clear();
    return true;
  }
  const bool ok = v.size() <= 32 && std::all_of(v.begin(), v.end(), [](char c) {
                    return is_upper_or_digit(c) || (c >= 'a' && c <= 'z');
                  });
  if (!ok) {
    error = "SN=" + std::string(v) + " is not a serial number";
    return false;
  }
  out = std::string(v);
  return true;
}

struct Seen {
  bool sn = false, spo2 = false, bpm = false, pi = false, alarm = false, exc = false;
};

bool mark(bool& seen, std::string_view key, std::string& error) {
  if (seen) {
    error = "field " + std::string(key) + " appears twice";
    return false;
  }
  seen = true;
  return true;
}

bool apply_field(const Field& f, MasimoFrame& frame, Seen& seen, std::string& error) {
  if (f.key == "SN") return mark(seen.sn, f.key, error) && parse_serial(f.value, frame.serial, error);
  if (f.key == "SPO2") return mark(seen.spo2, f.key, error) && parse_measure(f, 100, frame.spo2, error);
  if (f.key == "BPM") return mark(seen.bpm, f.key, error) && parse_measure(f, 300, frame.pulse, error);
  if (f.key == "PI") return mark(seen.pi, f.key, error) && parse_measure(f, 100, frame.pi, error);
  if (f.key == "ALARM" || f.key == "EXC") {
    const bool is_alarm = f.key == "ALARM";
    if (!mark(is_alarm ? seen.alarm : seen.exc, f.key, error)) return false;
    const auto bits = parse_hex(f.value);
    if (!bits) {
      error = std::string(f.key) + "=" + std::string(f.value) + " is not a hexadecimal bit set";
      return false;
    }
    (is_alarm ? frame.alarm : frame.exceptions) = *bits;
  }
  return true;  // fields vigil does not use (SPCO, PVI, EXC1, ...) are ignored
}

std::size_t find_date(std::string_view line, std::size_t from) {
  // A date's third byte is a slash: only where the line has one (memchr,
  // not a test at every byte; a reading's line has none past its date).
  constexpr std::size_t kDate = 17;
  for (auto slash = line.find('/', from + 2);
       slash != std::string_view::npos && slash + kDate - 2 <= line.size();
       slash = line.find('/', slash + 1)) {
    if (looks_like_date(line.substr(slash - 2))) return slash - 2;
  }
  return std::string_view::npos;
}

// Whether every byte is printable ASCII, eight bytes at a time: GCC at -O2
// does not vectorize a loop over the bytes, and that loop was a sixth of
// decoding a line (perf, vigil-bench-core --stage decode). Each 64-bit word
// goes through the two tests of Bit Twiddling Hacks (S. E. Anderson),
// "hasless" (a byte below 0x20) and "hasmore" (a byte above 0x7E), both
// exact for whether any byte of the word is such.
bool all_printable(std::string_view s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101, kHighBits = 0x8080808080808080;
  std::uint64_t outside = 0;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    outside |= ((x - kOnes * 0x20) & ~x) | ((x + kOnes * (0x7F - 0x7E)) | x);
  }
  bool printable = (outside & kHighBits) == 0;
  for (; i < s.size(); ++i) printable &= is_printable(static_cast<unsigned char>(s[i]));
  return printable;
}

MasimoLineResult parse_printable_line(std::string_view line) {
  if (all_printable(line)) return parse_masimo_line(line);
  return MasimoLineResult{std::nullopt, "line holds bytes that are not printable ASCII"};
}

std::string missing_fields(const Seen& seen) {
  std::string missing;
  const std::pair<bool, std::string_view> required[] = {
      {seen.spo2, "SPO2"}, {seen.bpm, "BPM"}, {seen.alarm, "ALARM"}, {seen.exc, "EXC"}};
  for (const auto& [present, name] : required) {
    if (!present) missing += (missing.empty() ? "" : ", ") + std::string(name);
  }
  return missing;
}

}  // namespace

MasimoLineResult parse_masimo_line(std::string_view line) {
  MasimoLineResult result;
  MasimoFrame frame;
  std::string_view rest = line;
  if (looks_like_date(line)) {
    frame.device_time = parse_date(line);
    if (!frame.device_time) {
      result.error = "impossible date or time '" + std::string(line.substr(0, 17)) + "'";
      return result;
    }
    rest.remove_prefix(17);
    if (!rest.empty() && rest.front() != ' ') {
      result.error = "no space after the time";
      return result;
    }
  }
  // Reused: every reading's line is split here, and its dozen fields need
  // no allocation of their own each time.
  thread_local std::vector<Field> fields;
  fields.clear();
  if (!split_fields(rest, fields, result.error)) return result;
  Seen seen;
  for (const auto& f : fields) {
    if (!apply_field(f, frame, seen, result.error)) return result;
  }
  if (const auto missing = missing_fields(seen); !missing.empty()) {
    result.error = "line lacks " + missing;
    return result;
  }
  frame.has_spo2 = seen.spo2;
  frame.has_pulse = seen.bpm;
  frame.has_pi = seen.pi;
  result.frame = std::move(frame);
  return result;
}

std::string encode_masimo(const MasimoFrame& f) {
  std::string out;
  std::array<char, 64> buf{};
  if (f.device_time) {
    using namespace std::chrono;
    const auto day = floor<days>(*f.device_time);
    const year_month_day ymd{day};
    const hh_mm_ss tod{floor<seconds>(*f.device_time - day)};
    std::snprintf(buf.data(), buf.size(), "%02u/%02u/%02d %02d:%02d:%02d ",
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  ((static_cast<int>(ymd.year()) % 100) + 100) % 100, static_cast<int>(tod.hours().count()),
                  static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()));
    out += buf.data();
  }
  std::string serial = f.serial.empty() ? std::string(10, '-') : f.serial.substr(0, 32);
  for (char& c : serial) {
    if (!is_upper_or_digit(c) && !(c >= 'a' && c <= 'z')) c = '-';
  }
  out += "SN=" + serial;
  auto integer = [&](const char* key, const std::optional<double>& v, const char* suffix) {
    if (v) {
      std::snprintf(buf.data(), buf.size(), " %s=%03ld%s", key, std::lround(std::clamp(*v, 0.0, 999.0)),
                    suffix);
    } else {
      std::snprintf(buf.data(), buf.size(), " %s=---%s", key, suffix);
    }
    out += buf.data();
  };
  integer("SPO2", f.spo2, "%");
  integer("BPM", f.pulse, "");
  if (f.pi) {
    std::snprintf(buf.data(), buf.size(), " PI=%05.2f%%", std::clamp(*f.pi, 0.0, 99.99));
    out += buf.data();
  } else {
    out += " PI=--.--%";
  }
  out += " SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+--";
  std::snprintf(buf.data(), buf.size(), " ALARM=%04X EXC=%06X\r\n", static_cast<unsigned>(f.alarm),
                static_cast<unsigned>(f.exceptions));
  out += buf.data();
  return out;
}

core::DeviceConditions masimo_conditions(std::uint32_t exc, std::uint32_t alarm) {
  namespace x = masimo_exc;
  core::DeviceConditions c;
  auto any = [exc](std::uint32_t mask) { return (exc & mask) != 0; };
  if (any(x::no_sensor | x::no_cable)) c.set(DeviceCondition::no_sensor);
  if (any(x::sensor_off)) c.set(DeviceCondition::sensor_off);
  if (any(x::low_perfusion)) c.set(DeviceCondition::low_perfusion);
  if (any(x::low_signal_iq)) c.set(DeviceCondition::low_signal_quality);
  if (any(x::interference | x::ambient_light)) c.set(DeviceCondition::artifact);
  if (any(x::pulse_search | x::sensor_calibrating)) c.set(DeviceCondition::searching);
  if (any(x::defective_sensor | x::unrecognized_sensor | x::incompatible_sensor | x::cable_life_expired |
          x::incompatible_cable | x::unrecognized_cable | x::defective_cable | x::sensor_life_expired |
          x::emitter_temp_out_of_range | x::sensor_current_limit)) {
    c.set(DeviceCondition::device_malfunction);
  }
  if ((alarm & masimo_alarm::low_battery) != 0) c.set(DeviceCondition::low_battery);
  return c;
}

core::Quality masimo_quality(std::uint32_t exc) {
  const auto c = masimo_conditions(exc, 0);
  core::Quality q;
  if (c.has(DeviceCondition::sensor_off) || c.has(DeviceCondition::no_sensor)) q.set(QualityFlag::sensor_off);
  if (c.has(DeviceCondition::artifact)) q.set(QualityFlag::artifact);
  if (c.has(DeviceCondition::low_perfusion)) q.set(QualityFlag::low_perfusion);
  if (c.has(DeviceCondition::low_signal_quality) || c.has(DeviceCondition::searching) ||
      c.has(DeviceCondition::device_malfunction)) {
    q.set(QualityFlag::questionable);
  }
  return q;
}

namespace {

// The first CR or LF in [at, end): two memchr scans, the second only as far
// as the first's find. A test at every byte was a seventh of decoding a line.
const std::uint8_t* line_end(const std::uint8_t* at, const std::uint8_t* end) {
  const auto* cr =
      static_cast<const std::uint8_t*>(std::memchr(at, '\r', static_cast<std::size_t>(end - at)));
  const auto* stop = cr ? cr : end;
  const auto* lf =
      static_cast<const std::uint8_t*>(std::memchr(at, '\n', static_cast<std::size_t>(stop - at)));
  return lf ? lf : stop;
}

}  // namespace

void MasimoLineDecoder::feed(std::span<const std::uint8_t> bytes, std::vector<MasimoFrame>& frames,
                             std::vector<std::string>& errors) {
  stats_.bytes += bytes.size();
  // A line's bytes are taken up to its terminator at once: byte by byte,
  // this loop was about a quarter of decoding a reading (perf, vigil-bench-core).
  const std::uint8_t* const last = bytes.data() + bytes.size();
  for (const std::uint8_t* at = bytes.data(); at != last;) {
    if (*at == '\r' || *at == '\n') {
      finish_line(frames, errors);
      ++at;
      continue;
    }
    const auto* end = line_end(at, last);
    const auto run = static_cast<std::size_t>(end - at);
    if (end != last && line_.empty() && !overlong_ && run <= kMaxLine) {
      // A whole line in one read, as a 1 Hz line mostly is: decoded where
      // it lies, not copied into line_ first; its terminator is passed over
      // as finish_line() would pass over the empty line_ it leaves.
      decode_line(std::string_view{reinterpret_cast<const char*>(at), run}, frames, errors);
      at = end + 1;
      continue;
    }
    if (overlong_) {
      stats_.resyncs += run;
    } else if (line_.size() + run > kMaxLine) {
      // Every byte of the line so far and of this run is skipped.
      overlong_ = true;
      stats_.resyncs += line_.size() + run;
      line_.clear();
    } else {
      line_.append(reinterpret_cast<const char*>(at), run);
    }
    at = end;
  }
}

void MasimoLineDecoder::finish_line(std::vector<MasimoFrame>& frames, std::vector<std::string>& errors) {
  if (overlong_) {
    overlong_ = false;
    ++stats_.frames_bad;
    errors.push_back("masimo: line longer than " + std::to_string(kMaxLine) + " bytes dropped");
    return;
  }
  decode_line(line_, frames, errors);
  line_.clear();
}

void MasimoLineDecoder::decode_line(std::string_view line, std::vector<MasimoFrame>& frames,
                                    std::vector<std::string>& errors) {
  while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  if (line.empty()) return;  // CR LF (or LF CR) pairs leave empty lines between frames
  // Noise before the date (a glitch on the line) is skipped up to the first
  // date pattern; a line that runs into a second date lost its terminator,
  // so its first part is rejected and the second decoded on its own.
  while (!line.empty()) {
    const std::size_t next = find_date(line, 1);
    if (!looks_like_date(line) && next != std::string_view::npos) {
      stats_.resyncs += next;
      errors.push_back("masimo: skipped " + std::to_string(next) + " bytes of noise before a line");
      line.remove_prefix(next);
      continue;
    }
    auto parsed = parse_printable_line(line);
    if (parsed.frame) {
      ++stats_.frames_ok;
      frames.push_back(std::move(*parsed.frame));
      break;
    }
    ++stats_.frames_bad;
    if (next == std::string_view::npos) {
      errors.push_back("masimo: " + parsed.error);
      break;
    }
    errors.push_back("masimo: line cut short by the next one (" + parsed.error + ")");
    line.remove_prefix(next);
  }
}

namespace {

void add_reading(core::Metric metric, bool present, const std::optional<double>& value, core::Quality quality,
                 std::vector<core::Reading>& readings) {
  if (!present) return;
  // Written in the vector's element, not made on the stack and copied in:
  // GCC made it with stores of 2 to 16 bytes at odd offsets and copied it
  // with 16-byte loads, which cannot take their bytes from those stores
  // still in the store buffer (the stall was a tenth of decoding).
  core::Reading& r = readings.emplace_back();
  r.metric = metric;
  r.value = value;
  if (!value) quality.set(QualityFlag::invalid);
  r.quality = quality;
}

class MasimoSession final : public DeviceSession {
 public:
  void on_bytes(std::span<const std::uint8_t> bytes, DecodeOutput& out) override {
    frames_.clear();
    decoder_.feed(bytes, frames_, out.errors);
    for (const auto& f : frames_) {
      const auto quality = masimo_quality(f.exceptions);
      add_reading(core::Metric::spo2, f.has_spo2, f.spo2, quality, out.readings);
      add_reading(core::Metric::pulse_rate, f.has_pulse, f.pulse, quality, out.readings);
      add_reading(core::Metric::perfusion_index, f.has_pi, f.pi, quality, out.readings);
      out.conditions = masimo_conditions(f.exceptions, f.alarm);
    }
  }
  const CodecStats& stats() const override { return decoder_.stats(); }

 private:
  MasimoLineDecoder decoder_;
  std::vector<MasimoFrame> frames_;
};

}  // namespace

std::unique_ptr<DeviceSession> make_masimo_session() {
  return std::make_unique<MasimoSession>();
}

}  // namespace vigil::drivers
