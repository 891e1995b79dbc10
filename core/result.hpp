#pragma once
// A value or an error a person can act on. GCC 12 has no std::expected yet;
// this is the small part of it vigil uses.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vigil::core {

// What kind of refusal: lets a client react without reading the words.
enum class ErrorCode : std::uint8_t {
  invalid,      // the input is wrong (a value out of range, a field missing)
  not_found,    // it names something that does not exist (a bed, an alarm, a profile)
  conflict,     // right in itself, wrong for the state things are in (bed occupied)
  unavailable,  // a resource vigil needs is not there (a file, the journal)
};

constexpr std::string_view error_code_name(ErrorCode c) {
  switch (c) {
    case ErrorCode::invalid:
      return "invalid";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::unavailable:
      return "unavailable";
  }
  return "invalid";
}

// One error type at every boundary: what and why (message), where (the input
// field at fault, as a path: "limit.threshold", "overrides[2].priority";
// empty when no one field is), and its kind.
struct Error {
  std::string message;
  std::string field;
  ErrorCode code = ErrorCode::invalid;

  Error(std::string what, std::string where = {}, ErrorCode kind = ErrorCode::invalid)  // NOLINT: implicit
      : message{std::move(what)}, field{std::move(where)}, code{kind} {}
  static Error at(std::string where, std::string what, ErrorCode kind = ErrorCode::invalid) {
    return Error{std::move(what), std::move(where), kind};
  }
  // The same error seen from the structure that holds the field: "limit" +
  // "threshold" is "limit.threshold"; "overrides[2]" + "" is "overrides[2]".
  Error within(std::string_view outer) const {
    Error e = *this;
    e.field = field.empty() ? std::string{outer} : std::string{outer} + "." + field;
    return e;
  }
  // As people read it in replies and logs: "limit.threshold: is not a number".
  std::string text() const { return field.empty() ? message : field + ": " + message; }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_{std::move(value)} {}  // NOLINT: implicit by design
  Result(Error e) : v_{std::move(e)} {}      // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }
  const Error& failure() const { return std::get<1>(v_); }
  std::string error() const { return failure().text(); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace vigil::core
