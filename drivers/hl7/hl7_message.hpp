#pragma once
// HL7 version 2 message syntax: segments, fields, repetitions, components and
// escapes with the delimiters a message declares in its MSH segment; HL7 DTM
// times; and the general acknowledgement (ACK) a receiver returns.
//
// Facts (HL7 v2.6 chapter 2, restated): a message is segments separated by CR;
// the first is MSH, whose 4th character is the field separator and whose next
// characters (MSH-2) are the component, repetition, escape and subcomponent
// separators, normally "^~\&". MSH-1 is the field separator itself, so MSH
// field n sits at split index n-1. Escapes \F\ \S\ \T\ \R\ \E\ stand for the
// delimiters. MSH-9 is the message type (ORU^R01^ORU_R01), MSH-10 the control
// id, MSH-11 the processing id (P production, T training, D debugging), MSH-12
// the version, MSH-15/16 the accept/application acknowledgement types. An ACK
// is MSH + MSA (MSA-1 AA accept, AE error, AR reject; MSA-2 the control id
// acknowledged; MSA-3 a text) + optional ERR (ERR-3 code from HL7 table 0357,
// ERR-4 severity, ERR-8 a user message). DTM is YYYY[MM[DD[HH[MM[SS[.S...]]]]]]
// followed by an optional +/-HHMM offset.
// Cross-checked with the open-source readers simple-hl7 (hitgeek, parser and
// ACK builder) and node-hl7-client (Bugs5382).
//
// Segments separated by LF or CR LF are accepted too: gateways differ.
#include <array>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace vigil::drivers {

struct Hl7Delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
};

struct Hl7Segment {
  // fields[0] is the segment name. For MSH, fields[1] is the field separator
  // and fields[2] the encoding characters, so fields[n] is always MSH-n.
  // Views into the text of the message, held in the message's field store.
  std::span<const std::string_view> fields;

  std::string_view name() const { return fields.empty() ? std::string_view{} : fields[0]; }
  std::string_view field(std::size_t n) const { return n < fields.size() ? fields[n] : std::string_view{}; }
};

// Moved, never copied: its segments view its own field store.
struct Hl7Message {
  Hl7Delimiters delimiters;
  std::vector<Hl7Segment> segments;
  // The text the fields view when parse_hl7 made the message (one copy of
  // it, instead of a string per field); null when Hl7Parser did, which
  // views the caller's text.
  std::shared_ptr<const std::string> text;
  // Every segment's fields, one array for the message rather than a vector
  // per segment; grown as a message needs, never shrunk, so a session's
  // messages reuse it. Not a vector: its push_back stored the list's end
  // back to memory for every field, a good part of the split.
  std::unique_ptr<std::string_view[]> field_store;
  std::size_t field_capacity = 0;

  Hl7Message() = default;
  Hl7Message(Hl7Message&&) = default;
  Hl7Message& operator=(Hl7Message&&) = default;
  Hl7Message(const Hl7Message&) = delete;
  Hl7Message& operator=(const Hl7Message&) = delete;

  const Hl7Segment* first(std::string_view name) const;
  // Component c (1-based) of the first repetition of a field, unescaped;
  // subcomponents stay joined.
  std::string component(std::string_view field, std::size_t c) const;
  // The same as a view: into the message when the component holds no escape
  // (nearly always), else into `scratch`, which must outlive the view. For
  // the rows read once per reading, where a string each would be an
  // allocation; inline, as a message's rows ask for some thirty components
  // and the call was a good part of each.
  std::string_view component(std::string_view field, std::size_t c, std::string& scratch) const {
    if (c == 0) return {};
    // Walked byte by byte, not split into a vector nor searched with find:
    // the fields are short.
    // Held in locals: a byte of the field might be the delimiters as far as
    // the compiler knows, which read them again for every byte.
    const char comp = delimiters.component, rep = delimiters.repetition, esc = delimiters.escape;
    std::size_t i = 0;
    bool escaped = false;
    for (; c > 1; --c) {
      i = component_end(field, i, comp, rep, esc, escaped);
      if (i == field.size() || field[i] == rep) return {};
      ++i;
    }
    const std::size_t start = i;
    escaped = false;
    i = component_end(field, i, comp, rep, esc, escaped);
    const auto view = field.substr(start, i - start);
    return escaped ? unescaped(view, scratch) : view;
  }
  // Every repetition of a field, unescaped, components joined.
  std::vector<std::string> repetitions(std::string_view field) const;

 private:
  // `escaped` unescaped into `scratch`, which it returns.
  std::string_view unescaped(std::string_view escaped, std::string& scratch) const;
  // Where the component from `i` ends (its component or repetition
  // separator, or the field's end); `escaped` set when the escape character
  // is in it. Eight bytes at a time while eight are left (names, times:
  // 6-20 bytes, the most of a row's bytes; byte by byte this loop was a
  // twelfth of reading a message): a byte equal to the delimiter is a zero
  // byte of their XOR, found by the borrow trick, which marks wrongly only
  // bytes above a true one, so the lowest mark is exact and so is whether
  // an escape comes before it.
  static std::size_t component_end(std::string_view field, std::size_t i, char comp, char rep, char esc,
                                   bool& escaped) {
    if constexpr (std::endian::native == std::endian::little) {
      constexpr std::uint64_t kOnes = 0x0101010101010101u, kHighs = 0x8080808080808080u;
      const auto marks = [](std::uint64_t word, char c) {
        const std::uint64_t x = word ^ (kOnes * static_cast<unsigned char>(c));
        return (x - kOnes) & ~x & kHighs;
      };
      for (; field.size() - i >= 8; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, field.data() + i, sizeof word);
        const std::uint64_t stops = marks(word, comp) | marks(word, rep), escapes = marks(word, esc);
        if (stops != 0) {
          const int bit = std::countr_zero(stops);  // the stop's byte times 8, plus 7
          escaped |= (escapes & ((std::uint64_t{1} << (bit - 7)) - 1)) != 0;
          return i + static_cast<std::size_t>(bit / 8);
        }
        escaped |= escapes != 0;
      }
    }
    for (; i < field.size() && field[i] != comp && field[i] != rep; ++i) escaped |= field[i] == esc;
    return i;
  }
};

struct Hl7ParseResult {
  std::optional<Hl7Message> message;
  std::string error;  // set when message is empty
};

// Refuses text that does not start with a well-formed MSH, holds bytes below
// 0x20 other than segment separators, or has a segment without a name.
Hl7ParseResult parse_hl7(std::string_view text);

// parse_hl7 for a session reading message after message: the message views
// the text in place (the caller keeps it while it uses the message) and
// keeps its lists' capacity from one message to the next, so reading one
// allocates nothing.
class Hl7Parser {
 public:
  // The message, valid until the next parse; null when the text is refused,
  // with error() saying why (parse_hl7's words).
  const Hl7Message* parse(std::string_view text);
  const std::string& error() const { return error_; }

 private:
  Hl7Message message_;
  std::string error_;
};

std::string hl7_escape(std::string_view text, const Hl7Delimiters& d = {});
// The same appended to `out`, without a string of its own.
void append_hl7_escaped(std::string_view text, std::string& out, const Hl7Delimiters& d = {});
std::string hl7_unescape(std::string_view text, const Hl7Delimiters& d = {});

// A field or component without the spaces some senders pad it with.
inline std::string_view hl7_trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}
// An HL7 NM value (a numeric row's value, a waveform sample): optional sign,
// digits, at most one decimal point, no exponent, spaces around allowed.
std::optional<double> hl7_number(std::string_view s);
// ASCII letters compared without case (MDC names, units: senders differ).
inline bool hl7_iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}
// A coded element's identifier as a number (an MDC code, "150456"): digits
// only, at most 9 of them, nothing around them (hl7_trim first if spaces may be).
inline std::optional<std::uint32_t> hl7_code_number(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  std::uint32_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return v;
}

// An HL7 DTM value. `wall` holds the written fields as if they were UTC;
// instant() applies the offset when the value carries one.
struct Hl7Time {
  core::TimePoint wall;
  std::optional<std::chrono::minutes> utc_offset;

  std::optional<core::TimePoint> instant() const;
};

// Needs at least YYYYMMDDHHMM; rejects impossible dates and offsets.
std::optional<Hl7Time> parse_hl7_time(std::string_view dtm);
// YYYYMMDDHHMMSS+0000 (UTC), the form IHE PCD asks for.
std::string format_hl7_time(core::TimePoint t);
void append_hl7_time(core::TimePoint t, std::string& out);  // the same, appended

enum class AckCode { accept, error, reject };  // AA, AE, AR
std::string_view ack_code_text(AckCode code);

// Codes from HL7 table 0357 that vigil uses in ERR-3.
namespace hl7_error {
constexpr int required_field_missing = 101;
constexpr int data_type_error = 102;
constexpr int table_value_not_found = 103;
constexpr int unsupported_message_type = 200;
constexpr int unsupported_processing_id = 202;
constexpr int unknown_key_identifier = 204;
constexpr int application_internal_error = 207;
}  // namespace hl7_error

struct AckRequest {
  // Parsed original, when it could be parsed; its sender becomes the
  // receiver, its control id goes to MSA-2 and its version to MSH-12.
  const Hl7Message* original = nullptr;
  AckCode code = AckCode::accept;
  int error_code = 0;                   // table 0357; used when code is not accept
  std::string text;                     // MSA-3 and ERR-8 when code is not accept
  std::string control_id;               // the ACK's own MSH-10
  std::optional<core::TimePoint> time;  // MSH-7; the original's MSH-7 when empty
  std::string application = "VIGIL";    // our MSH-3
};

// The ACK message text, segments ended by CR, not framed.
std::string encode_ack(const AckRequest& request);
// The same appended to `out` (a session's reply, built where it is sent).
void append_ack(const AckRequest& request, std::string& out);

// append_ack for a session answering message after message: the pieces
// that hang on the sender alone (its MSH-3, -4, -9 and -12, its delimiters)
// and the time text are made once and copied while they stay the same, as
// they do for every message of one monitor. The same bytes as append_ack.
class Hl7AckWriter {
 public:
  void append(const AckRequest& request, std::string& out);

 private:
  // What the kept pieces were made from.
  struct Key {
    std::string application;
    bool original = false;
    std::array<char, 5> delimiters{};
    bool msh = false;
    std::string msh3, msh4, msh9, msh12;
  };
  static Key key_of(const AckRequest& request);
  bool same_key(const AckRequest& request) const;

  bool kept_ = false;
  Key key_;
  std::string sender_;                          // MSH up to MSH-7
  std::string type_;                            // MSH-8 up to MSH-10
  std::string version_;                         // MSH-11 up to MSA-1
  std::optional<core::TimePoint> time_second_;  // the second time_text_ writes
  std::string time_text_;
};

struct AckInfo {
  std::string code;        // "AA", "AE", "AR" (or "CA", "CE", "CR")
  std::string control_id;  // MSA-2: the message acknowledged
  std::string text;        // MSA-3, else ERR-8
  int error_code = 0;      // ERR-3.1 when present
};

// For the simulator: reads an ACK back; empty when the text is no ACK.
std::optional<AckInfo> parse_ack(std::string_view hl7);

}  // namespace vigil::drivers
