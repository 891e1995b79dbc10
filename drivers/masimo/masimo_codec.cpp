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

// "MM/DD/YY HH:MM:SS" at the start of s, digits and separators only. Asked
// twice a line (is it dated, and is the date found after its first byte
// one), its byte loop was 4 % of decoding: the first 16 bytes are one
// SSE2 compare with the separators and one range compare for the digits.
bool looks_like_date(std::string_view s) {
  constexpr std::string_view pattern = "dd/dd/dd dd:dd:dd";
  if (s.size() < pattern.size()) return false;
#if defined(__SSE2__)
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data()));
  const __m128i separators = _mm_setr_epi8(0, 0, '/', 0, 0, '/', 0, 0, ' ', 0, 0, ':', 0, 0, ':', 0);
  constexpr unsigned kSeparatorBytes = 0b0100'1001'0010'0100;  // bytes 2, 5, 8, 11, 14
  const auto same = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, separators)));
  const auto digits = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(
      _mm_cmpgt_epi8(bytes, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(bytes, _mm_set1_epi8('9' + 1)))));
  return ((same & kSeparatorBytes) | (digits & ~kSeparatorBytes & 0xFFFF)) == 0xFFFF && is_digit(s[16]);
#else
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == 'd' ? !is_digit(s[i]) : s[i] != pattern[i]) return false;
  }
  return true;
#endif
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
// The digits before the point are summed as an integer (exact, as the
// double sum of at most eight digits was); those after it are added as
// before, digit times a tenth divided down, so a value is the same double.
std::optional<double> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 8) return std::nullopt;
  std::uint32_t whole = 0;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) whole = whole * 10 + static_cast<std::uint32_t>(s[i] - '0');
  double value = whole;
  if (i == s.size()) return value;
  if (s[i] != '.') return std::nullopt;
  bool digits = i > 0;
  double scale = 0.1;
  for (++i; i < s.size(); ++i) {
    if (!is_digit(s[i])) return std::nullopt;
    digits = true;
    value += (s[i] - '0') * scale;
    scale /= 10;
  }
  if (!digits) return std::nullopt;
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

// The fields vigil reads; any other key is skipped. A bit each in the set
// of keys a line has shown so far (apply_field).
enum class MasimoKey : std::uint8_t { other = 0, sn = 1, spo2 = 2, bpm = 4, pi = 8, alarm = 16, exc = 32 };

// The key by its length first: one or two compares of a few bytes each,
// not a chain of six string compares for every field.
MasimoKey key_of(std::string_view key) {
  switch (key.size()) {
    case 2:
      if (key == "SN") return MasimoKey::sn;
      if (key == "PI") return MasimoKey::pi;
      break;
    case 3:
      if (key == "BPM") return MasimoKey::bpm;
      if (key == "EXC") return MasimoKey::exc;
      break;
    case 4:
      if (key == "SPO2") return MasimoKey::spo2;
      break;
    case 5:
      if (key == "ALARM") return MasimoKey::alarm;
      break;
    default:
      break;
  }
  return MasimoKey::other;
}

struct Field {
  std::string_view key;
  std::string_view value;
  MasimoKey id;
};

bool is_field_name(std::string_view key) {
  // A loop, not std::all_of with a function pointer, which GCC did not inline.
  for (const char c : key)
    if (!is_upper_or_digit(c)) return false;
  return true;
}

// A word of a line, where its first '=' is (at text.size(): none) and
// whether the bytes before that are a field name (capitals and digits).
struct MasimoWord {
  std::string_view text;
  std::size_t equals;
  bool name;
};

// The next word of `rest` from `at` (spaces skipped); empty at its end. A
// word (7-13 bytes on a Rad-8 line) mostly ends within the 16 bytes from its
// start, so one SSE2 compare of them finds its end and its first '=', and
// a range compare whether its key is a name; a byte loop for them (its exit
// mispredicted as words' lengths vary) was a fifth of decoding a line, as a
// memchr for each had been before it (perf, vigil-bench-core), and the
// key's own byte loop came after. A word near the end is read in the line's
// last 16 bytes; the byte loops stay for a word longer than the block or a
// line shorter than it. Inlined: called for each of a line's dozen words,
// it returned its result through memory. (With the key's check, these
// took decoding alone from 13.4 M to 15.6 M readings per CPU-second.)
[[gnu::always_inline]] inline MasimoWord next_masimo_word(std::string_view rest, std::size_t& at) {
  const std::size_t size = rest.size();
  while (at < size && rest[at] == ' ') ++at;
  const std::size_t start = at;
#if defined(__SSE2__)
  if (size >= 16 && start < size) {
    // The block from the word's start, or the last one, which ends the word.
    const std::size_t base = std::min(start, size - 16);
    const auto shift = static_cast<unsigned>(start - base);
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rest.data() + base));
    const auto spaces =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(' ')))) >> shift;
    if (spaces != 0 || base != start) {
      // Not 0: the word's first byte is no space.
      const auto length = spaces != 0 ? static_cast<unsigned>(__builtin_ctz(spaces)) : 16 - shift;
      const auto equals_signs =
          (static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('=')))) >> shift) &
          ((1U << length) - 1);
      const auto equals = equals_signs != 0 ? static_cast<unsigned>(__builtin_ctz(equals_signs)) : length;
      // Signed compares: a byte from 0x80 up is negative, neither range.
      const __m128i capitals = _mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8('A' - 1)),
                                             _mm_cmplt_epi8(bytes, _mm_set1_epi8('Z' + 1)));
      const __m128i digits = _mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8('0' - 1)),
                                           _mm_cmplt_epi8(bytes, _mm_set1_epi8('9' + 1)));
      const auto name_bytes =
          static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(capitals, digits))) >> shift;
      at = start + length;
      return {rest.substr(start, length), equals, (~name_bytes & ((1U << equals) - 1)) == 0};
    }
  }
#endif
  std::size_t equals = std::string_view::npos;
  for (; at < size && rest[at] != ' '; ++at) {
    if (rest[at] == '=' && equals == std::string_view::npos) equals = at - start;
  }
  const std::size_t length = at - start;
  equals = std::min(equals, length);
  return {rest.substr(start, length), equals, is_field_name(rest.substr(start, equals))};
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
  // The double alone, not the optional copied whole: GCC made `number` on
  // the stack with an 8-byte and a 1-byte store and copied it with a 16-byte
  // load, which cannot take its bytes from them (a store-forwarding stall,
  // two thirds of parse_measure's samples, perf annotate).
  out = *number;
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
  out.assign(v);
  return true;
}

bool apply_field(const Field& f, MasimoFrame& frame, unsigned& seen, std::string& error) {
  if (f.id == MasimoKey::other) return true;  // fields vigil does not use (SPCO, PVI, EXC1, ...)
  const auto bit = static_cast<unsigned>(f.id);
  if ((seen & bit) != 0) {
    error = "field " + std::string(f.key) + " appears twice";
    return false;
  }
  seen |= bit;
  switch (f.id) {
    case MasimoKey::sn:
      return parse_serial(f.value, frame.serial, error);
    case MasimoKey::spo2:
      return parse_measure(f, 100, frame.spo2, error);
    case MasimoKey::bpm:
      return parse_measure(f, 300, frame.pulse, error);
    case MasimoKey::pi:
      return parse_measure(f, 100, frame.pi, error);
    default:
      break;
  }
  const auto bits = parse_hex(f.value);
  if (!bits) {
    error = std::string(f.key) + "=" + std::string(f.value) + " is not a hexadecimal bit set";
    return false;
  }
  (f.id == MasimoKey::alarm ? frame.alarm : frame.exceptions) = *bits;
  return true;
}

// The next field of "KEY=VALUE KEY=VALUE ...", its words split at spaces; an
// empty key at the end. A key with an empty value takes the next word when
// that word has no '=' (a signed value printed as "PIDELTA= 05" is
// possible: see the header). `word` is the word after the field's on return.
bool next_field(std::string_view rest, std::size_t& at, MasimoWord& word, Field& f, std::string& error) {
  const auto eq = word.equals;
  if (eq == word.text.size() || eq == 0) {
    error = "malformed field '" + std::string(word.text) + "'";
    return false;
  }
  f.key = word.text.substr(0, eq);
  f.value = word.text.substr(eq + 1);
  if (!word.name) {
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
  f.id = key_of(f.key);
  return true;
}

// Reads the fields in one pass, each applied as soon as it is split (no
// vector of fields first). A malformed field anywhere outranks a value that
// could not be applied before it: the first such value's error is kept
// only if every word splits, as when all were split before any applied.
bool parse_fields(std::string_view rest, MasimoFrame& frame, std::string& error) {
  unsigned seen = 0;
  bool applied = true;  // false from the first field that could not be applied
  std::size_t at = 0;
  Field f;
  for (auto word = next_masimo_word(rest, at); !word.text.empty();) {
    if (!next_field(rest, at, word, f, error)) return false;
    if (applied) applied = apply_field(f, frame, seen, error);
  }
  if (!applied) return false;
  std::string missing;
  const std::pair<MasimoKey, std::string_view> required[] = {{MasimoKey::spo2, "SPO2"},
                                                             {MasimoKey::bpm, "BPM"},
                                                             {MasimoKey::alarm, "ALARM"},
                                                             {MasimoKey::exc, "EXC"}};
  for (const auto& [key, name] : required) {
    if ((seen & static_cast<unsigned>(key)) == 0)
      missing += (missing.empty() ? "" : ", ") + std::string(name);
  }
  if (!missing.empty()) {
    error = "line lacks " + missing;
    return false;
  }
  frame.has_spo2 = (seen & static_cast<unsigned>(MasimoKey::spo2)) != 0;
  frame.has_pulse = (seen & static_cast<unsigned>(MasimoKey::bpm)) != 0;
  frame.has_pi = (seen & static_cast<unsigned>(MasimoKey::pi)) != 0;
  return true;
}

// parse_masimo_line() into `frame` (a default one), told whether the line
// starts with a date: decode_line() has looked already.
bool parse_line_into(std::string_view line, bool dated, MasimoFrame& frame, std::string& error) {
  std::string_view rest = line;
  if (dated) {
    const auto time = parse_date(line);
    if (!time) {
      error = "impossible date or time '" + std::string(line.substr(0, 17)) + "'";
      return false;
    }
    frame.device_time = *time;  // the time alone: see parse_measure
    rest.remove_prefix(17);
    if (!rest.empty() && rest.front() != ' ') {
      error = "no space after the time";
      return false;
    }
  }
  return parse_fields(rest, frame, error);
}

// Where the line's next date starts after its first byte (npos for
// none) and whether all its bytes are printable ASCII, in one pass of 16
// bytes at a time: a memchr for slashes over the whole line (a reading's
// line has none past its date) and then a second pass for the printable
// check were two passes over the same bytes.
struct LineScan {
  std::size_t next_date = std::string_view::npos;
  bool printable = true;
};

LineScan scan_line(std::string_view line) {
  LineScan scan;
  const std::size_t size = line.size();
  // A date's third byte is a slash; the first date looked for starts at 1.
  auto date_at_slash = [&](std::size_t slash) {
    return slash >= 3 && slash + 15 <= size && looks_like_date(line.substr(slash - 2));
  };
  std::size_t i = 0;
#if defined(__SSE2__)
  for (; i + 16 <= size; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data() + i));
    // Signed compares: a byte from 0x80 up is negative, so not printable.
    const __m128i printable =
        _mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8(0x1F)), _mm_cmplt_epi8(bytes, _mm_set1_epi8(0x7F)));
    scan.printable &= _mm_movemask_epi8(printable) == 0xFFFF;
    auto slashes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('/'))));
    for (; slashes != 0 && scan.next_date == std::string_view::npos; slashes &= slashes - 1) {
      const std::size_t slash = i + static_cast<std::size_t>(__builtin_ctz(slashes));
      if (date_at_slash(slash)) scan.next_date = slash - 2;
    }
  }
  if (i < size && size >= 16) {
    // The last 16 bytes, those already read again, not a byte loop for the
    // last few. Slashes already read are not looked at twice.
    const std::size_t base = size - 16;
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data() + base));
    const __m128i printable =
        _mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8(0x1F)), _mm_cmplt_epi8(bytes, _mm_set1_epi8(0x7F)));
    scan.printable &= _mm_movemask_epi8(printable) == 0xFFFF;
    auto slashes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('/')))) &
                   ~((1U << (i - base)) - 1);
    for (; slashes != 0 && scan.next_date == std::string_view::npos; slashes &= slashes - 1) {
      const std::size_t slash = base + static_cast<std::size_t>(__builtin_ctz(slashes));
      if (date_at_slash(slash)) scan.next_date = slash - 2;
    }
    i = size;
  }
#endif
  for (; i < size; ++i) {
    scan.printable &= is_printable(static_cast<unsigned char>(line[i]));
    if (line[i] == '/' && scan.next_date == std::string_view::npos && date_at_slash(i))
      scan.next_date = i - 2;
  }
  return scan;
}

}  // namespace

MasimoLineResult parse_masimo_line(std::string_view line) {
  MasimoLineResult result;
  result.frame.emplace();
  if (!parse_line_into(line, looks_like_date(line), *result.frame, result.error)) result.frame.reset();
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

namespace {

// The quality of a line's values from its conditions: ALARM's one condition
// (low battery) does not touch it, so those of (exc, alarm) give the same
// quality as those of (exc, 0), and a session works them out once a line.
core::Quality quality_of(const core::DeviceConditions& c) {
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

}  // namespace

core::Quality masimo_quality(std::uint32_t exc) {
  return quality_of(masimo_conditions(exc, 0));
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
      // it lies, not copied into line_ first; its terminator, and the LF
      // after its CR, are passed over as finish_line() would pass over the
      // empty line_ each leaves (a call of it for the LF was 2 % of decoding).
      decode_line(std::string_view{reinterpret_cast<const char*>(at), run}, frames, errors);
      for (at = end + 1; at != last && (*at == '\r' || *at == '\n');) ++at;
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
    const bool dated = looks_like_date(line);
    const auto scan = scan_line(line);
    const std::size_t next = scan.next_date;
    if (!dated && next != std::string_view::npos) {
      stats_.resyncs += next;
      errors.push_back("masimo: skipped " + std::to_string(next) + " bytes of noise before a line");
      line.remove_prefix(next);
      continue;
    }
    // Parsed into the vector's next element, kept only if the line is good.
    std::string error;
    if (!scan.printable) {
      error = "line holds bytes that are not printable ASCII";
    } else if (parse_line_into(line, dated, frames.emplace_back(), error)) {
      ++stats_.frames_ok;
      break;
    } else {
      frames.pop_back();
    }
    ++stats_.frames_bad;
    if (next == std::string_view::npos) {
      errors.push_back("masimo: " + error);
      break;
    }
    errors.push_back("masimo: line cut short by the next one (" + error + ")");
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
  if (value) r.value = *value;  // not the optional whole: see parse_measure
  if (!value) quality.set(QualityFlag::invalid);
  r.quality = quality;
}

class MasimoSession final : public DeviceSession {
 public:
  void on_bytes(std::span<const std::uint8_t> bytes, DecodeOutput& out) override {
    frames_.clear();
    decoder_.feed(bytes, frames_, out.errors);
    for (const auto& f : frames_) {
      const auto conditions = masimo_conditions(f.exceptions, f.alarm);
      const auto quality = quality_of(conditions);
      add_reading(core::Metric::spo2, f.has_spo2, f.spo2, quality, out.readings);
      add_reading(core::Metric::pulse_rate, f.has_pulse, f.pulse, quality, out.readings);
      add_reading(core::Metric::perfusion_index, f.has_pi, f.pi, quality, out.readings);
      out.conditions = conditions;
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
