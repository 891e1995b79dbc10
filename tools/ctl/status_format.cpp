#include "tools/ctl/status_format.hpp"

#include <cstdio>

#include "core/metric.hpp"
#include "wire/quality.hpp"
#include "wire/timestamp.hpp"

namespace vigil::tools {
namespace {

std::string age(core::TimePoint then, core::TimePoint now) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(now - then).count();
  if (s < 120) return std::to_string(s) + " s ago";
  if (s < 7200) return std::to_string(s / 60) + " min ago";
  return std::to_string(s / 3600) + " h ago";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string format_status(const vigil::v1::BedStatus& s, core::TimePoint now, bool with_limits) {
  std::string out = s.bed() + (s.drill() ? " (DRILL)" : "") + ": " +
                    (s.patient_id().empty() ? "no patient admitted" : "patient " + s.patient_id()) +
                    ", profile " + s.profile() + "\n";
  const std::string what =
      s.infusion_drug().empty()
          ? "infusion"
          : s.infusion_drug() + (s.infusion_regimen().empty() ? "" : " (" + s.infusion_regimen() + ")");
  if (s.infusion_running())
    out += "  " + what + " running since " + age(wire::from_proto(s.infusion_started()), now) +
           (s.infusion_rate_mg_per_min() > 0
                ? ", last rate set " + number(s.infusion_rate_mg_per_min()) + " mg/min"
                : "") +
           "\n";
  if (s.infusion_running() && s.has_infusion_paused_since())
    out += "  PAUSED since " + age(wire::from_proto(s.infusion_paused_since()), now) +
           (s.infusion_pause_reason().empty() ? "" : " (" + s.infusion_pause_reason() + ")") + " by " +
           s.infusion_paused_by() + "\n";
  out += "  baseline: " + s.baseline_source();
  const auto& b = s.baseline();
  if (b.nibp_sys() > 0) out += ", sys " + number(b.nibp_sys()) + " dia " + number(b.nibp_dia());
  if (b.heart_rate() > 0) out += ", hr " + number(b.heart_rate());
  if (b.spo2() > 0) out += ", spo2 " + number(b.spo2());
  out += "\n  values:";
  if (s.latest().empty()) out += " none yet";
  for (const auto& o : s.latest()) {
    const auto measured =
        o.has_device_time() ? wire::from_proto(o.device_time()) : wire::from_proto(o.received());
    out += "\n    " + std::string{core::label(o.metric())} + " " + number(o.value()) + " " +
           std::string{core::display_unit(o.unit())} + " (" + age(measured, now) +
           (wire::usable(o.quality()) ? "" : ", not usable") + ") from " + o.device();
  }
  // A level turned off is said on every status, limits asked for or not:
  // nobody may believe a condition is watched when it is not.
  for (const auto& l : s.limits())
    if (!l.enabled())
      out += "\n  ALARM OFF: " + l.condition() + " " + vigil::v1::Priority_Name(l.priority()) + " (" +
             l.rule() + ") turned off by " + (l.off_by().empty() ? "(unknown)" : l.off_by()) + ": " +
             l.off_reason();
  out += "\n  alarms:";
  if (s.alarms().empty()) out += " none";
  for (const auto& a : s.alarms()) {
    out += "\n    " + vigil::v1::Priority_Name(a.priority()) + " " + a.condition() + " [" + a.alarm_id() +
           "] " + (a.active() ? "active" : "latched") +
           (a.acknowledged() ? ", acknowledged by " + a.actor() : "") + ": " + a.message();
  }
  out += "\n  devices:";
  for (const auto& d : s.devices()) {
    out += "\n    " + d.device() + " (" + d.protocol() + ") " + vigil::v1::LinkState_Name(d.state()) + ": " +
           d.reason() + "; frames ok " + std::to_string(d.frames_ok()) + ", bad " +
           std::to_string(d.frames_bad()) + ", resyncs " + std::to_string(d.resyncs());
    if (d.has_last_frame()) out += ", last frame " + age(wire::from_proto(d.last_frame()), now);
  }
  if (with_limits) {
    out += "\n  limits:";
    for (const auto& l : s.limits())
      out += "\n    " + l.condition() + " " + vigil::v1::Priority_Name(l.priority()) + ": " + l.rule() +
             (l.enabled() ? "" : " (off)");
  }
  return out + "\n";
}

std::string format_hl7_status(const vigil::v1::Hl7DestinationStatus& s, core::TimePoint now) {
  std::string out =
      "hl7 " + s.name() + " (" + s.address() + "): " + std::to_string(s.queued()) + " queued, " +
      (s.connected() ? "connected" : "not connected") + ", last ack " +
      (s.last_ack().empty() ? std::string{"none yet"}
                            : s.last_ack() + " " + age(wire::from_proto(s.last_ack_time()), now)) +
      "\n";
  if (s.has_unreachable_since())
    out +=
        "  failing since " + age(wire::from_proto(s.unreachable_since()), now) + ": " + s.last_error() + "\n";
  if (s.kept()) out += "  " + std::to_string(s.kept()) + " kept undelivered (vigil-ctl hl7 dead-letters)\n";
  if (s.alarm()) out += "  technical alarm hl7_unreachable:" + s.name() + " raised\n";
  return out;
}

std::string format_hl7_kept(const vigil::v1::Hl7KeptMessage& m, core::TimePoint now) {
  return std::to_string(m.id()) + " " + m.destination() + " " + m.control_id() + " " + m.message_type() +
         " " + m.state() + (m.ae_count() ? " after " + std::to_string(m.ae_count()) + " AE" : std::string{}) +
         ", queued " + age(wire::from_proto(m.queued()), now) + ": " + m.reason() + "\n";
}

}  // namespace vigil::tools
