#include "drivers/hl7/hl7_message.hpp"

#include <array>
#include <charconv>
#include <cstdio>

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

bool valid_segment_name(std::string_view name) {
  if (name.size() != 3) return false;
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || is_digit(c))) return false;
  }
  return true;
}

Hl7Segment split_segment(std::string_view text, const Hl7Delimiters& d) {
  Hl7Segment seg;
  seg.fields = split(text, d.field);
  // MSH-1, the field separator: the character after "MSH" in the text.
  if (seg.fields.front() == "MSH") seg.fields.insert(seg.fields.begin() + 1, text.substr(3, 1));
  return seg;
}

int digits(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

}  // namespace

const Hl7Segment* Hl7Message::first(std::string_view name) const {
  for (const auto& s : segments) {
    if (s.name() == name) return &s;
  }
  return nullptr;
}

std::optional<std::uint32_t> hl7_code_number(std::string_view s) {
  std::uint32_t v = 0;
  if (s.empty() || s.size() > 9) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string Hl7Message::component(std::string_view field, std::size_t c) const {
  std::string scratch;
  return std::string{component(field, c, scratch)};
}

std::string_view Hl7Message::component(std::string_view field, std::size_t c, std::string& scratch) const {
  if (c == 0) return {};
  // Walked to, not split into a vector: this runs for every field of every row.
  auto rest = first_part(field, delimiters.repetition);
  for (; c > 1; --c) {
    const auto sep = rest.find(delimiters.component);
    if (sep == std::string_view::npos) return {};
    rest.remove_prefix(sep + 1);
  }
  const auto comp = first_part(rest, delimiters.component);
  if (comp.find(delimiters.escape) == std::string_view::npos) return comp;
  scratch = hl7_unescape(comp, delimiters);
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
  if (!read_delimiters(original, msg.delimiters, result.error)) return result;
  msg.text = std::make_shared<const std::string>(original);
  const std::string_view text = *msg.text;
  std::size_t start = 0;
  while (start < text.size()) {
    // A loop, not find_first_of("\r\n"): that calls memchr on the set for every byte.
    auto end = start;
    while (end < text.size() && text[end] != '\r' && text[end] != '\n') ++end;
    const auto seg_text = text.substr(start, end - start);
    start = end + 1;
    if (seg_text.empty()) continue;
    for (char c : seg_text) {
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
        result.error = "segment holds control byte " + std::to_string(static_cast<unsigned char>(c));
        return result;
      }
    }
    auto seg = split_segment(seg_text, msg.delimiters);
    if (!valid_segment_name(seg.name())) {
      result.error = "segment without a valid name: '" + std::string(seg_text.substr(0, 20)) + "'";
      return result;
    }
    if (msg.segments.empty() != (seg.name() == "MSH")) {
      result.error = "MSH must be the first segment and appear once";
      return result;
    }
    msg.segments.push_back(std::move(seg));
  }
  result.message = std::move(msg);
  return result;
}

std::string hl7_escape(std::string_view text, const Hl7Delimiters& d) {
  std::string out;
  out.reserve(text.size());
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
  return out;
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
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss tod{floor<seconds>(t - day)};
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d%02u%02u%02d%02d%02d+0000", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()));
  return buf.data();
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
// (components kept, further repetitions dropped).
std::string reencode(const Hl7Message& m, std::string_view field) {
  const auto rep = first_part(field, m.delimiters.repetition);
  std::string out;
  const auto comps = split(rep, m.delimiters.component);
  for (std::size_t i = 0; i < comps.size(); ++i) {
    if (i > 0) out += '^';
    out += hl7_escape(hl7_unescape(comps[i], m.delimiters));
  }
  return out;
}

}  // namespace

std::string encode_ack(const AckRequest& r) {
  const Hl7Message* o = r.original;
  const Hl7Segment* msh = o ? o->first("MSH") : nullptr;
  // Appended piece by piece into one string: an ACK goes back for every
  // message, and a chain of operator+ makes a temporary string per piece.
  std::string out;
  out.reserve(160);
  auto orig = [&](std::size_t n) {
    if (msh) out += reencode(*o, msh->field(n));
  };
  out += "MSH|^~\\&|";
  out += hl7_escape(r.application);
  out += "||";
  orig(3);
  out += '|';
  orig(4);
  out += '|';
  if (r.time)
    out += format_hl7_time(*r.time);
  else
    orig(7);
  out += "||ACK^";
  if (msh) out += hl7_escape(o->component(msh->field(9), 2));
  out += "^ACK|";
  out += hl7_escape(r.control_id);
  out += "|P|";
  if (msh && !msh->field(12).empty())
    orig(12);
  else
    out += "2.6";
  out += "\rMSA|";
  out += ack_code_text(r.code);
  out += '|';
  orig(10);
  if (r.code != AckCode::accept) {
    out += '|';
    out += hl7_escape(r.text);
    out += "\rERR|||";
    out += std::to_string(r.error_code);
    out += "^^HL70357|E||||";
    out += hl7_escape(r.text);
  }
  out += '\r';
  return out;
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
