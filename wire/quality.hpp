#pragma once
// A reading's quality flags on the wire. Whether a value is usable is
// core::Quality::usable(), the one definition; a program holding only the
// message converts and asks it, never re-lists the flags.
#include <string>

#include "core/observation.hpp"
#include "vigil/v1/bus.pb.h"

namespace vigil::wire {

void set_quality(vigil::v1::Quality* p, core::Quality q);
core::Quality from_proto(const vigil::v1::Quality& p);
inline bool usable(const vigil::v1::Quality& p) {
  return from_proto(p).usable();
}
// Why a value is not usable, in staff's words ("sensor off"); empty when it is.
std::string unusable_reason(const vigil::v1::Quality& p);

}  // namespace vigil::wire
