#include "tools/validate/fixed_decimals.hpp"

#include <cstdio>

namespace vigil::validate {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace vigil::validate
