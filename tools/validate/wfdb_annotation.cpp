#include "tools/validate/wfdb_annotation.hpp"

#include <array>
#include <string_view>

#include "tools/validate/file_input.hpp"

namespace vigil::validate {

namespace {

constexpr int kSkip = 59;
constexpr int kNum = 60;
constexpr int kSub = 61;
constexpr int kChn = 62;
constexpr int kAux = 63;

class AnnotationParser {
 public:
  explicit AnnotationParser(std::span<const std::uint8_t> bytes) : bytes_{bytes} {}

  std::vector<WfdbAnnotation> run() {
    while (pos_ + 2 <= bytes_.size()) {
      const unsigned word = next_word();
      if (word == 0) return std::move(out_);
      const int code = static_cast<int>(word >> 10);
      const unsigned field = word & 0x3ffu;
      if (code == kSkip) {
        skip();
      } else if (code >= kNum) {
        modify(code, field);
      } else {
        time_ += field;
        if (code != 0) begin_annotation(code);
      }
    }
    if (pos_ != bytes_.size()) fail("odd trailing byte");
    return std::move(out_);  // a file may end without the 0 word
  }

 private:
  unsigned next_word() {
    const unsigned w = bytes_[pos_] | (static_cast<unsigned>(bytes_[pos_ + 1]) << 8);
    pos_ += 2;
    return w;
  }

  [[noreturn]] void fail(std::string_view what) const {
    throw FormatError("WFDB annotation: " + std::string(what) + " at byte " + std::to_string(pos_));
  }

  void skip() {
    if (pos_ + 4 > bytes_.size()) fail("SKIP without its 32-bit increment");
    const std::uint32_t high = next_word();
    const std::uint32_t low = next_word();
    const auto increment = static_cast<std::int32_t>((high << 16) | low);
    time_ += increment;
    if (time_ < 0) fail("SKIP moves before the start of the record");
  }

  void modify(int code, unsigned field) {
    if (out_.empty()) fail("annotation field word before any annotation");
    WfdbAnnotation& a = out_.back();
    const auto low = static_cast<std::uint8_t>(field & 0xffu);
    switch (code) {
      case kNum:
        a.num = static_cast<std::int8_t>(low);
        break;
      case kSub:
        a.subtype = static_cast<std::int8_t>(low);
        break;
      case kChn:
        a.channel = low;
        break;
      case kAux:
        read_aux(a, low);
        break;
      default:
        fail("unknown field code");
    }
  }

  void read_aux(WfdbAnnotation& a, std::size_t length) {
    const std::size_t padded = length + (length & 1u);
    if (pos_ + padded > bytes_.size()) fail("AUX text runs past the end of the file");
    std::string text(reinterpret_cast<const char*>(bytes_.data() + pos_), length);
    pos_ += padded;
    if (const auto nul = text.find('\0'); nul != std::string::npos) text.resize(nul);
    a.aux = std::move(text);
  }

  void begin_annotation(int code) {
    WfdbAnnotation a;
    a.sample = time_;
    a.code = code;
    if (!out_.empty()) {
      a.channel = out_.back().channel;
      a.num = out_.back().num;
    }
    out_.push_back(std::move(a));
  }

  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  std::int64_t time_ = 0;
  std::vector<WfdbAnnotation> out_;
};

// Index = code; ' ' marks codes WFDB leaves unassigned.
constexpr std::string_view kMnemonics = " NLRaVFJASEj/Q~ | sT*D\"=pB^t+u?![]en@xf()r";

}  // namespace

std::vector<WfdbAnnotation> parse_wfdb_annotations(std::span<const std::uint8_t> bytes) {
  return AnnotationParser{bytes}.run();
}

std::vector<WfdbAnnotation> read_wfdb_annotations(const std::filesystem::path& path) {
  const auto bytes = read_file_bytes(path);
  try {
    return parse_wfdb_annotations(bytes);
  } catch (const FormatError& e) {
    throw FormatError(path.string() + ": " + e.what());
  }
}

bool is_beat_annotation(int code) {
  return (code >= 1 && code <= 13) || code == 25 || code == 30 || code == 34 || code == 35 || code == 38 ||
         code == 41;
}

char annotation_mnemonic(int code) {
  if (code < 0 || static_cast<std::size_t>(code) >= kMnemonics.size()) return '?';
  const char c = kMnemonics[static_cast<std::size_t>(code)];
  return c == ' ' ? '?' : c;
}

}  // namespace vigil::validate
