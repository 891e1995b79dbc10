#include "display/bus_line_format.hpp"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/derived_device.hpp"
#include "core/metric.hpp"

namespace vigil::display {
namespace {

std::string clock_time(const google::protobuf::Timestamp& ts) {
  const std::time_t secs = static_cast<std::time_t>(ts.seconds());
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                ts.nanos() / 1000000);
  return buf;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string quality_text(const vigil::v1::Quality& q) {
  std::string s;
  auto add = [&](bool on, const char* what) {
    if (on) s += std::string{s.empty() ? " [" : ","} + what;
  };
  add(q.invalid(), "invalid");
  add(q.artifact(), "artifact");
  add(q.sensor_off(), "sensor-off");
  add(q.low_perfusion(), "low-perfusion");
  add(q.questionable(), "questionable");
  return s.empty() ? s : s + "]";
}

}  // namespace

std::string format_line(const vigil::v1::BusMessage& m) {
  const std::string drill_tag = "DRILL ";
  switch (m.body_case()) {
    case vigil::v1::BusMessage::kObservation: {
      const auto& o = m.observation();
      std::string line = clock_time(o.received()) + " " + (o.drill() ? drill_tag : "") + o.bed() + " " +
                         o.device() + " " + std::string{core::label(o.metric())} + " " + number(o.value()) +
                         " " + std::string{core::display_unit(o.unit())} + quality_text(o.quality());
      if (o.has_device_time()) line += " (measured " + clock_time(o.device_time()) + ")";
      // Never to be read as the monitor's own number.
      if (core::is_ecg_derived(o.device())) line += " (vigild, from ECG)";
      return line;
    }
    case vigil::v1::BusMessage::kAlarm: {
      const auto& a = m.alarm();
      std::string line = clock_time(a.time()) + " " + (a.drill() ? drill_tag : "") + a.bed() + " ALARM " +
                         upper(vigil::v1::AlarmTransition_Name(a.transition())) + " " +
                         upper(vigil::v1::Priority_Name(a.priority())) + " " +
                         (a.kind() == vigil::v1::TECHNICAL ? "technical " : "") + a.condition() + ": " +
                         a.message();
      if (a.latched()) line += " (latched)";
      if (!a.actor().empty()) line += " by " + a.actor();
      return line;
    }
    case vigil::v1::BusMessage::kLink: {
      const auto& l = m.link();
      return clock_time(l.time()) + " " + (l.drill() ? drill_tag : "") + l.bed() + " LINK " + l.device() +
             " " + vigil::v1::LinkState_Name(l.state()) + ": " + l.reason();
    }
    case vigil::v1::BusMessage::kContext: {
      const auto& c = m.context();
      // The message is already written for staff ("limits in force for
      // patient ... on bed-1"); `what` is the wire's key ("limits_in_force")
      // and reads as staff's words only when there is nothing better.
      std::string text = c.message();
      if (text.empty()) {
        text = c.what();
        std::replace(text.begin(), text.end(), '_', ' ');
      }
      return clock_time(c.time()) + " " + (c.drill() ? drill_tag : "") + c.bed() + " " + text;
    }
    case vigil::v1::BusMessage::kHeartbeat: {
      const auto& h = m.heartbeat();
      return clock_time(h.time()) + " " + (h.drill() ? drill_tag : "") + h.bed() + " heartbeat seq " +
             std::to_string(h.last_seq());
    }
    case vigil::v1::BusMessage::BODY_NOT_SET:
      break;
  }
  return "(empty message)";
}

std::string format_json(const std::string& topic, const vigil::v1::BusMessage& m) {
  std::string body;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &body, options);
  std::string escaped;
  for (char c : topic) escaped += (c == '"' || c == '\\') ? std::string{'\\', c} : std::string{c};
  return "{\"topic\":\"" + escaped + "\",\"message\":" + body + "}";
}

}  // namespace vigil::display
