#pragma once
// A value or a message a person can act on (what, where, why). GCC 12 has
// no std::expected yet; this is the small part of it vigil uses.
#include <string>
#include <utility>
#include <variant>

namespace vigil::core {

struct Error {
  std::string message;
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
  const std::string& error() const { return std::get<1>(v_).message; }

 private:
  std::variant<T, Error> v_;
};

}  // namespace vigil::core
