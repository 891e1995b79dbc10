#include "wire/observation.hpp"

#include <string>

#include "wire/quality.hpp"
#include "wire/timestamp.hpp"

namespace vigil::wire {

vigil::v1::Observation to_proto(const core::Observation& o, bool drill) {
  vigil::v1::Observation p;
  const auto& info = core::info(o.reading.metric);
  p.set_bed(o.bed);
  p.set_device(o.device);
  p.set_mdc_code(core::code(o.reading.metric));
  p.set_mdc_ref(std::string{info.mdc_ref});
  p.set_metric(std::string{info.name});
  // The message has no presence for value: a reading without one goes out
  // as the field left unset (0) and flagged invalid, so a subscriber that
  // asks wire::usable() never takes it for a measurement.
  core::Quality quality = o.reading.quality;
  if (o.reading.value)
    p.set_value(*o.reading.value);
  else
    quality.set(core::QualityFlag::invalid);
  p.set_unit(std::string{info.ucum_unit});
  set_quality(p.mutable_quality(), quality);
  if (o.reading.device_time) set_time(p.mutable_device_time(), *o.reading.device_time);
  set_time(p.mutable_received(), o.received);
  p.set_seq(o.seq);
  p.set_drill(drill);
  return p;
}

}  // namespace vigil::wire
