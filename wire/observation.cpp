#include "wire/observation.hpp"

#include <string>

#include "wire/quality.hpp"
#include "wire/timestamp.hpp"

namespace vigil::wire {

vigil::v1::Observation to_proto(const core::Observation& o, bool drill) {
  vigil::v1::Observation p;
  fill(p, o, drill);
  return p;
}

void fill(vigil::v1::Observation& p, const core::Observation& o, bool drill) {
  const auto& info = core::info(o.reading.metric);
  // assign() into the message's own strings: set_x(string_view) would build
  // a temporary std::string first.
  p.mutable_bed()->assign(o.bed);
  p.mutable_device()->assign(o.device);
  p.set_mdc_code(core::code(o.reading.metric));
  p.mutable_mdc_ref()->assign(info.mdc_ref);
  p.mutable_metric()->assign(info.name);
  p.set_value(value_on_wire(o.reading));
  p.mutable_unit()->assign(info.ucum_unit);
  set_quality(p.mutable_quality(), quality_on_wire(o.reading));
  if (o.reading.device_time)
    set_time(p.mutable_device_time(), *o.reading.device_time);
  else
    p.clear_device_time();
  set_time(p.mutable_received(), o.received);
  p.set_seq(o.seq);
  p.set_drill(drill);
}

}  // namespace vigil::wire
