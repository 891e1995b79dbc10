#pragma once
// Reading one line of a scenario or ward file word by word. Words are
// compared in lower case (a nurse educator may write "At 3:00 Raise SpO2");
// commas are spaces; '#' starts a comment. Every failure throws
// std::runtime_error "file:line:column: message", pointing at the word at
// fault, or at the end of the line when a word is missing.
#include <string>
#include <vector>

#include "core/time.hpp"

namespace vigil::sim {

struct Token {
  std::string text;  // lower case
  std::string raw;   // as written (file paths, patient ids)
  int column = 0;    // 1-based
};

std::vector<Token> tokenize(const std::string& line);

class LineParser {
 public:
  LineParser(std::vector<Token> tokens, std::string file, int line, int end_column)
      : t_{std::move(tokens)}, file_{std::move(file)}, line_{line}, end_column_{end_column} {}

  bool done() const { return i_ >= t_.size(); }
  const std::string& peek() const;
  bool accept(const std::string& word);
  void expect(const std::string& word);
  std::string word();
  std::string raw_word();
  // A number; a trailing "%", "/" or "/min" is allowed.
  double number();
  // m:ss or h:mm:ss
  core::Duration clock();
  // "90 s", "2 min", or a clock time
  core::Duration span();
  [[noreturn]] void fail(const std::string& message) const { fail_at(column(), message); }
  [[noreturn]] void fail_at(int col, const std::string& message) const;
  // Where the next token starts (the end of the line when there is none).
  int column() const { return done() ? end_column_ : t_[i_].column; }
  std::string found() const { return done() ? " at the end of the line" : ", found '" + t_[i_].text + "'"; }

 private:
  std::vector<Token> t_;
  std::size_t i_ = 0;
  std::string file_;
  int line_;
  int end_column_;
};

}  // namespace vigil::sim
