#include "wire/quality.hpp"

namespace vigil::wire {

void set_quality(vigil::v1::Quality* p, core::Quality q) {
  p->set_invalid(q.has(core::QualityFlag::invalid));
  p->set_artifact(q.has(core::QualityFlag::artifact));
  p->set_sensor_off(q.has(core::QualityFlag::sensor_off));
  p->set_low_perfusion(q.has(core::QualityFlag::low_perfusion));
  p->set_questionable(q.has(core::QualityFlag::questionable));
}

core::Quality from_proto(const vigil::v1::Quality& p) {
  core::Quality q;
  if (p.invalid()) q.set(core::QualityFlag::invalid);
  if (p.artifact()) q.set(core::QualityFlag::artifact);
  if (p.sensor_off()) q.set(core::QualityFlag::sensor_off);
  if (p.low_perfusion()) q.set(core::QualityFlag::low_perfusion);
  if (p.questionable()) q.set(core::QualityFlag::questionable);
  return q;
}

std::string unusable_reason(const vigil::v1::Quality& p) {
  const core::Quality q = from_proto(p);
  if (q.usable()) return {};
  // The most telling reason first: a probe off explains an invalid value.
  if (q.has(core::QualityFlag::sensor_off)) return "sensor off";
  if (q.has(core::QualityFlag::invalid)) return "invalid";
  if (q.has(core::QualityFlag::artifact)) return "artifact";
  return "questionable";
}

}  // namespace vigil::wire
