#include "drivers/hl7/hl7_message.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vigil::drivers {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = s.find(sep, start);
    if (end == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, end - start));
    start = end + 1;
  }
}

std::string_view first_part(std::string_view s, char sep) {
  return s.substr(0, s.find(sep));
}

bool distinct(const std::array<char, 5>& chars) {
  for (std::size_t i = 0; i < chars.size(); ++i) {
    for (std::size_t j = i + 1; j < chars.size(); ++j) {
      if (chars[i] == chars[j]) return false;
    }
  }
  return true;
}

// Reads the delimiters from "MSH|^~\&|...". MSH-2 may give fewer than four
// encoding characters; the missing ones keep their defaults only if they do
// not collide with a declared one.
bool read_delimiters(std::string_view msh, Hl7Delimiters& d, std::string& error) {
  if (msh.size() < 8 || msh.substr(0, 3) != "MSH") {
    error = "message does not start with an MSH segment";
    return false;
  }
  d.field = msh[3];
  const auto enc = msh.substr(4, msh.find(d.field, 4) - 4);
  if (enc.size() < 2 || enc.size() > 5) {
    error = "MSH-2 encoding characters '" + std::string(enc) + "' are not 2 to 5 characters";
    return false;
  }
  d.component = enc[0];
  d.repetition = enc[1];
  if (enc.size() > 2) d.escape = enc[2];
  if (enc.size() > 3) d.subcomponent = enc[3];
  const std::array<char, 5> all{d.field, d.component, d.repetition, d.escape, d.subcomponent};
  for (char c : all) {
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7E || is_digit(c) ||
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      error = "MSH declares a delimiter that is not a punctuation character";
      return false;
    }
  }
  if (!distinct(all)) {
    error = "MSH declares the same delimiter twice";
    return false;
  }
  return true;
}

// A segment's name, compared without a call to memcmp: every segment's first field is asked.
bool is_msh(std::string_view name) {
  return name.size() == 3 && name[0] == 'M' && name[1] == 'S' && name[2] == 'H';
}

bool valid_segment_name(std::string_view name) {
  if (name.size() != 3) return false;
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || is_digit(c))) return false;
  }
  return true;
}

// The stops among sixteen bytes from `at`, as the bits of a mask: the field
// separator, segment ends and other control bytes (all below 0x20 but tab).
// With SSE2 (every x86-64) the sixteen are judged at once: byte by byte, the
// split was a third of reading a message.
unsigned stop_mask(const char* at, char sep) {
#if defined(__SSE2__)
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  const __m128i separator = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(sep));
  // Unsigned bytes up to 0x1F: those the minimum with 0x1F leaves as they are.
  const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(bytes, _mm_set1_epi8(0x1F)), bytes);
  const __m128i tab = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\t'));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(separator, _mm_andnot_si128(tab, control))));
#else
  unsigned mask = 0;
  for (unsigned k = 0; k < 16; ++k) {
    const char c = at[k];
    if (c == sep || (static_cast<unsigned char>(c) < 0x20 && c != '\t')) mask |= 1u << k;
  }
  return mask;
#endif
}

// Room for at least one more field after `used`: the store doubled, its
// fields moved over. Out of line, as a session's store soon stops growing.
[[gnu::noinline]] std::string_view* grow_field_store(Hl7Message& msg, std::size_t used) {
  const std::size_t capacity = std::max<std::size_t>(64, msg.field_capacity * 2);
  auto store = std::make_unique<std::string_view[]>(capacity);
  std::copy_n(msg.field_store.get(), used, store.get());
  msg.field_store = std::move(store);
  msg.field_capacity = capacity;
  return msg.field_store.get();
}

// Splits `text` into msg's segments and fields in one pass over its bytes,
// checking each segment as its end is reached: control bytes first, then
// its name, then MSH's place. Reuses msg's lists. The text is judged
// sixteen bytes at a time and each block's stops handled as its mask is
// walked (the last, short block from a padded copy, the text's end a stop
// of its own), in one loop with its state in locals and the fields written
// through a pointer: a scanner object and the list's push_back kept their
// state in memory, stored and loaded again at every field.
bool split_segments(std::string_view text, Hl7Message& msg, std::string& error) {
  msg.segments.clear();
  if (!read_delimiters(text, msg.delimiters, error)) return false;
  const char sep = msg.delimiters.field;
  const std::size_t size = text.size();
  std::string_view* base = msg.field_store.get();
  std::string_view* out = base;
  std::string_view* limit = base + msg.field_capacity;
  const auto push = [&](std::string_view field) {
    if (out == limit) {
      const auto used = static_cast<std::size_t>(out - base);
      base = grow_field_store(msg, used);
      out = base + used;
      limit = base + msg.field_capacity;
    }
    *out++ = field;
  };
  std::size_t segment_start = 0, field_start = 0;
  std::size_t first_index = 0;  // where the segment's fields start in the store
  constexpr std::size_t kBlock = 16;
  for (std::size_t block = 0; block <= size; block += kBlock) {
    unsigned mask;
    if (size - block >= kBlock) {
      mask = stop_mask(text.data() + block, sep);
    } else {
      // No stop is a letter (read_delimiters refuses them).
      std::array<char, kBlock> tail;
      tail.fill('A');
      std::memcpy(tail.data(), text.data() + block, size - block);
      mask = stop_mask(tail.data(), sep) | 1u << (size - block);  // the end closes the last segment
    }
    for (; mask != 0; mask &= mask - 1) {
      const std::size_t i = block + static_cast<std::size_t>(__builtin_ctz(mask));
      const char c = i < size ? text[i] : '\r';
      // Views made from the bounds the loop knows, not with substr, which
      // checks them again.
      const std::string_view field{text.data() + field_start, i - field_start};
      if (c == sep) {
        push(field);
        // MSH-1, the field separator: the character after "MSH" in the text.
        if (static_cast<std::size_t>(out - base) == first_index + 1 && is_msh(field))
          push(std::string_view{text.data() + i, 1});
        field_start = i + 1;
        continue;
      }
      if (c != '\r' && c != '\n') {
        error = "segment holds control byte " + std::to_string(static_cast<unsigned char>(c));
        return false;
      }
      const auto segment = text.substr(segment_start, i - segment_start);
      if (!segment.empty()) {
        push(field);
        if (static_cast<std::size_t>(out - base) == first_index + 1 && is_msh(field))
          push(segment.substr(3, 1));
        const Hl7Segment seg{std::span<const std::string_view>(base + first_index, out)};
        if (!valid_segment_name(seg.name())) {
          error = "segment without a valid name: '" + std::string(segment.substr(0, 20)) + "'";
          return false;
        }
        if (msg.segments.empty() != is_msh(seg.name())) {
          error = "MSH must be the first segment and appear once";
          return false;
        }
        msg.segments.push_back(seg);
      }
      segment_start = field_start = i + 1;
      first_index = static_cast<std::size_t>(out - base);
    }
  }
  // The store may have moved as it grew (counting the fields first, to
  // size it, cost as much as the split): the spans taken as each segment
  // ended are taken again from where it is now.
  std::size_t at = 0;
  for (auto& seg : msg.segments) {
    seg.fields = std::span<const std::string_view>(base + at, seg.fields.size());
    at += seg.fields.size();
  }
  return true;
}

int digits(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

}  // namespace

const Hl7Segment* Hl7Message::first(std::string_view name) const {
  for (const auto& s : segments) {
    // A name's few bytes compared in place: a call to memcmp for each was
    // most of this, asked for MSH four times a message.
    const auto here = s.name();
    if (here.size() != name.size()) continue;
    std::size_t i = 0;
    while (i < name.size() && here[i] == name[i]) ++i;
    if (i == name.size()) return &s;
  }
  return nullptr;
}

namespace {

// A number as senders write them ("98", "-0.53714565", "1024"): sign, at
// most 15 digits, at most one point. The digits as an integer and the power
// of ten are both exact doubles, so their quotient is one correctly rounded
// operation (Clinger's fast path): the very double std::from_chars gives, at
// a fraction of its cost. Anything else: nullopt, and the caller asks
// from_chars.
std::optional<double> short_decimal(std::string_view s) {
  static constexpr std::array<double, 16> kPow10{1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  std::uint64_t digits = 0;
  int count = 0, decimals = -1;
  for (const char c : s) {
    if (c == '.') {
      if (decimals >= 0) return std::nullopt;
      decimals = 0;
    } else if (c >= '0' && c <= '9') {
      if (++count > 15) return std::nullopt;
      digits = digits * 10 + static_cast<std::uint64_t>(c - '0');
      if (decimals >= 0) ++decimals;
    } else {
      return std::nullopt;
    }
  }
  if (count == 0) return std::nullopt;
  const double v = static_cast<double>(digits) / kPow10[static_cast<std::size_t>(std::max(decimals, 0))];
  return negative ? -v : v;
}

}  // namespace

std::optional<double> hl7_number(std::string_view s) {
  s = hl7_trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (auto v = short_decimal(s)) return v;
  if (s.empty() || s.size() > 32 || s.find_first_not_of("-0123456789.") != std::string_view::npos)
    return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::fixed);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string Hl7Message::component(std::string_view field, std::size_t c) const {
  std::string scratch;
  return std::string{component(field, c, scratch)};
}

std::string_view Hl7Message::unescaped(std::string_view escaped, std::string& scratch) const {
  scratch = hl7_unescape(escaped, delimiters);
  return scratch;
}

std::vector<std::string> Hl7Message::repetitions(std::string_view field) const {
  std::vector<std::string> out;
  if (field.empty()) return out;
  for (auto rep : split(field, delimiters.repetition)) out.push_back(hl7_unescape(rep, delimiters));
  return out;
}

Hl7ParseResult parse_hl7(std::string_view original) {
  Hl7ParseResult result;
  Hl7Message msg;
  // Checked before the copy is made, as a refused text needs none.
  if (!read_delimiters(original, msg.delimiters, result.error)) return result;
  msg.text = std::make_shared<const std::string>(original);
  if (split_segments(*msg.text, msg, result.error)) result.message = std::move(msg);
  return result;
}

const Hl7Message* Hl7Parser::parse(std::string_view text) {
  error_.clear();
  message_.text.reset();
  return split_segments(text, message_, error_) ? &message_ : nullptr;
}

std::string hl7_escape(std::string_view text, const Hl7Delimiters& d) {
  std::string out;
  append_hl7_escaped(text, out, d);
  return out;
}

void append_hl7_escaped(std::string_view text, std::string& out, const Hl7Delimiters& d) {
  auto special = [&](char c) {
    return c == d.field || c == d.component || c == d.subcomponent || c == d.repetition || c == d.escape ||
           c == '\r' || c == '\n';
  };
  // Nearly every text (an application name, a control id) has nothing to
  // escape: appended whole, not a byte at a time.
  if (std::none_of(text.begin(), text.end(), special)) {
    out += text;
    return;
  }
  out.reserve(out.size() + text.size());
  for (char c : text) {
    char code = 0;
    if (c == d.field)
      code = 'F';
    else if (c == d.component)
      code = 'S';
    else if (c == d.subcomponent)
      code = 'T';
    else if (c == d.repetition)
      code = 'R';
    else if (c == d.escape)
      code = 'E';
    if (code != 0) {
      out += d.escape;
      out += code;
      out += d.escape;
    } else if (c == '\r' || c == '\n') {
      out += ' ';  // no segment separators inside a field
    } else {
      out += c;
    }
  }
}

std::string hl7_unescape(std::string_view text, const Hl7Delimiters& d) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == d.escape && i + 2 < text.size() && text[i + 2] == d.escape) {
      const char code = text[i + 1];
      const char plain = code == 'F'   ? d.field
                         : code == 'S' ? d.component
                         : code == 'T' ? d.subcomponent
                         : code == 'R' ? d.repetition
                         : code == 'E' ? d.escape
                                       : '\0';
      if (plain != '\0') {
        out += plain;
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::optional<core::TimePoint> Hl7Time::instant() const {
  if (!utc_offset) return std::nullopt;
  return wall - *utc_offset;
}

std::optional<Hl7Time> parse_hl7_time(std::string_view s) {
  using namespace std::chrono;
  std::size_t n = 0;
  while (n < s.size() && is_digit(s[n])) ++n;
  if (n < 12 || n > 14 || n == 13) return std::nullopt;
  const year_month_day ymd{year{digits(s, 0, 4)}, month{static_cast<unsigned>(digits(s, 4, 2))},
                           day{static_cast<unsigned>(digits(s, 6, 2))}};
  const int h = digits(s, 8, 2), m = digits(s, 10, 2), sec = n == 14 ? digits(s, 12, 2) : 0;
  // The clock counts nanoseconds in 64 bits: years past 2262 do not fit, and
  // no monitor measures before 1900.
  if (!ymd.ok() || ymd.year() < year{1900} || ymd.year() > year{2200} || h > 23 || m > 59 || sec > 59)
    return std::nullopt;
  Hl7Time t{sys_days{ymd} + hours{h} + minutes{m} + seconds{sec}, std::nullopt};
  auto rest = s.substr(n);
  if (!rest.empty() && rest.front() == '.' && n == 14) {
    std::size_t f = 1;
    microseconds frac{0};
    long scale = 100000;
    while (f < rest.size() && f <= 4 && is_digit(rest[f])) {
      frac += microseconds{(rest[f] - '0') * scale};
      scale /= 10;
      ++f;
    }
    if (f == 1) return std::nullopt;
    t.wall += frac;
    rest.remove_prefix(f);
  }
  if (!rest.empty()) {
    if (rest.size() != 5 || (rest[0] != '+' && rest[0] != '-') || !is_digit(rest[1]) || !is_digit(rest[2]) ||
        !is_digit(rest[3]) || !is_digit(rest[4])) {
      return std::nullopt;
    }
    const int oh = digits(rest, 1, 2), om = digits(rest, 3, 2);
    if (oh > 14 || om > 59) return std::nullopt;
    t.utc_offset = minutes{(rest[0] == '-' ? -1 : 1) * (oh * 60 + om)};
  }
  return t;
}

std::string format_hl7_time(core::TimePoint t) {
  std::string out;
  append_hl7_time(t, out);
  return out;
}

void append_hl7_time(core::TimePoint t, std::string& out) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss tod{floor<seconds>(t - day)};
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d%02u%02u%02d%02d%02d+0000", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()));
  out += buf.data();
}

std::string_view ack_code_text(AckCode code) {
  switch (code) {
    case AckCode::accept:
      return "AA";
    case AckCode::error:
      return "AE";
    case AckCode::reject:
      return "AR";
  }
  return "AR";
}

namespace {

// A field of the original, re-encoded with the default delimiters
// (components kept, further repetitions dropped), appended to `out`.
void append_reencoded(const Hl7Message& m, std::string_view field, std::string& out) {
  const auto rep = first_part(field, m.delimiters.repetition);
  // The usual case, the message's delimiters the default ones and nothing to
  // escape in the field, is the field as it stands: no string per component.
  const Hl7Delimiters standard;
  const auto& d = m.delimiters;
  if (d.field == standard.field && d.component == standard.component && d.repetition == standard.repetition &&
      d.escape == standard.escape && d.subcomponent == standard.subcomponent &&
      std::none_of(rep.begin(), rep.end(),
                   [](char c) { return c == '\\' || c == '&' || c == '\r' || c == '\n'; })) {
    out += rep;
    return;
  }
  const auto comps = split(rep, m.delimiters.component);
  for (std::size_t i = 0; i < comps.size(); ++i) {
    if (i > 0) out += '^';
    append_hl7_escaped(hl7_unescape(comps[i], m.delimiters), out);
  }
}

}  // namespace

std::string encode_ack(const AckRequest& r) {
  std::string out;
  append_ack(r, out);
  return out;
}

namespace {

// The pieces of an ACK, in order: its MSH up to MSH-7, MSH-7, MSH-8 up to
// MSH-10, MSH-10, from MSH-11 to MSA-1, and MSA-1 to its end. The first,
// third and fifth depend only on the original's MSH-3, -4, -9, -12, its
// delimiters and our application name, so a sender's ACKs share them
// (Hl7AckWriter keeps them).
struct AckOriginal {
  const Hl7Message* message = nullptr;
  const Hl7Segment* msh = nullptr;

  explicit AckOriginal(const Hl7Message* m) : message{m}, msh{m ? m->first("MSH") : nullptr} {}
  void append(std::size_t n, std::string& out) const {
    if (msh) append_reencoded(*message, msh->field(n), out);
  }
};

void append_ack_sender(const AckRequest& r, const AckOriginal& o, std::string& out) {
  out += "MSH|^~\\&|";
  append_hl7_escaped(r.application, out);
  out += "||";
  o.append(3, out);
  out += '|';
  o.append(4, out);
  out += '|';
}

void append_ack_type(const AckOriginal& o, std::string& out) {
  out += "||ACK^";
  if (o.msh) {
    std::string scratch;
    append_hl7_escaped(o.message->component(o.msh->field(9), 2, scratch), out);
  }
  out += "^ACK|";
}

void append_ack_version(const AckOriginal& o, std::string& out) {
  out += "|P|";
  if (o.msh && !o.msh->field(12).empty())
    o.append(12, out);
  else
    out += "2.6";
  out += "\rMSA|";
}

void append_ack_answer(const AckRequest& r, const AckOriginal& o, std::string& out) {
  out += ack_code_text(r.code);
  out += '|';
  o.append(10, out);
  if (r.code != AckCode::accept) {
    out += '|';
    append_hl7_escaped(r.text, out);
    out += "\rERR|||";
    out += std::to_string(r.error_code);
    out += "^^HL70357|E||||";
    append_hl7_escaped(r.text, out);
  }
  out += '\r';
}

}  // namespace

void append_ack(const AckRequest& r, std::string& out) {
  const AckOriginal o{r.original};
  // Appended piece by piece into one string: an ACK goes back for every
  // message, and a chain of operator+ makes a temporary string per piece.
  out.reserve(out.size() + 160);
  append_ack_sender(r, o, out);
  if (r.time)
    append_hl7_time(*r.time, out);
  else
    o.append(7, out);
  append_ack_type(o, out);
  append_hl7_escaped(r.control_id, out);
  append_ack_version(o, out);
  append_ack_answer(r, o, out);
}

Hl7AckWriter::Key Hl7AckWriter::key_of(const AckRequest& r) {
  Key k;
  k.application = r.application;
  if (const auto* m = r.original; m) {
    k.original = true;
    const Hl7Delimiters& d = m->delimiters;
    k.delimiters = {d.field, d.component, d.repetition, d.escape, d.subcomponent};
    if (const auto* msh = m->first("MSH")) {
      k.msh = true;
      k.msh3 = msh->field(3);
      k.msh4 = msh->field(4);
      k.msh9 = msh->field(9);
      k.msh12 = msh->field(12);
    }
  }
  return k;
}

bool Hl7AckWriter::same_key(const AckRequest& r) const {
  if (!kept_ || r.application != key_.application || (r.original != nullptr) != key_.original) return false;
  if (!r.original) return true;
  const Hl7Delimiters& d = r.original->delimiters;
  if (std::array{d.field, d.component, d.repetition, d.escape, d.subcomponent} != key_.delimiters)
    return false;
  const auto* msh = r.original->first("MSH");
  if ((msh != nullptr) != key_.msh) return false;
  return !msh || (msh->field(3) == key_.msh3 && msh->field(4) == key_.msh4 && msh->field(9) == key_.msh9 &&
                  msh->field(12) == key_.msh12);
}

void Hl7AckWriter::append(const AckRequest& r, std::string& out) {
  const AckOriginal o{r.original};
  if (!same_key(r)) {
    key_ = key_of(r);
    kept_ = true;
    sender_.clear();
    type_.clear();
    version_.clear();
    append_ack_sender(r, o, sender_);
    append_ack_type(o, type_);
    append_ack_version(o, version_);
  }
  out.reserve(out.size() + 160);
  out += sender_;
  if (r.time) {
    // The time is written to the second, and ticks come four times a second.
    const auto second = std::chrono::floor<std::chrono::seconds>(*r.time);
    if (second != time_second_) {
      time_second_ = second;
      time_text_.clear();
      append_hl7_time(second, time_text_);
    }
    out += time_text_;
  } else {
    o.append(7, out);
  }
  out += type_;
  append_hl7_escaped(r.control_id, out);
  out += version_;
  append_ack_answer(r, o, out);
}

std::optional<AckInfo> parse_ack(std::string_view hl7) {
  auto parsed = parse_hl7(hl7);
  if (!parsed.message) return std::nullopt;
  const auto& m = *parsed.message;
  const auto* msh = m.first("MSH");
  const auto* msa = m.first("MSA");
  if (!msh || !msa || m.component(msh->field(9), 1) != "ACK") return std::nullopt;
  AckInfo info;
  info.code = m.component(msa->field(1), 1);
  info.control_id = m.component(msa->field(2), 1);
  info.text = m.component(msa->field(3), 1);
  if (const auto* err = m.first("ERR")) {
    const auto code = m.component(err->field(3), 1);
    if (!code.empty() && code.size() <= 6 && code.find_first_not_of("0123456789") == std::string::npos) {
      info.error_code = std::stoi(code);
    }
    if (info.text.empty()) info.text = m.component(err->field(8), 1);
  }
  return info;
}

}  // namespace vigil::drivers
