// The drill report as text for people and as JSON for programs.
#include "drill/drill_report.hpp"

#include <cstdio>
#include <ctime>
#include <sstream>

namespace vigil::drill {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string utc_text(core::TimePoint t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string speed_text(double speed) {
  if (speed == 1) return "real time";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%gx real time", speed);
  return buf;
}

// "acknowledged 7:40 by nurse Ana at station-1, 38 s after it sounded"
std::string response_text(const AlarmStory& a) {
  std::string s;
  if (a.acknowledged)
    s += "acknowledged " + sim::clock_text(*a.acknowledged) + " by " +
         (a.acknowledged_by.empty() ? "?" : a.acknowledged_by) + ", " +
         seconds_text(*a.acknowledged - a.raised) + " after it sounded";
  else
    s += "not acknowledged";
  if (a.audio_paused) s += "; audio paused " + sim::clock_text(*a.audio_paused) + " by " + a.paused_by;
  if (a.unanswered)
    s += "; escalated to HIGH at " + sim::clock_text(*a.unanswered) + " because nobody acknowledged it";
  if (a.escalated) s += "; worsened to " + upper(a.top_priority) + " at " + sim::clock_text(*a.escalated);
  s += a.cleared ? "; cleared " + sim::clock_text(*a.cleared) : "; still active at the end";
  return s;
}

std::string verdict_tag(Verdict v) {
  switch (v) {
    case Verdict::met:
      return "MET     ";
    case Verdict::early:
      return "EARLY   ";
    case Verdict::late:
      return "LATE    ";
    case Verdict::other_priority:
      return "PRIORITY";
    case Verdict::missed:
      return "MISSED  ";
    case Verdict::no_beat_source:
      return "SKIPPED ";
    case Verdict::unknown_condition:
      return "UNKNOWN ";
  }
  return "?";
}

void bed_text(std::ostringstream& o, const BedReport& b) {
  o << "\n== " << b.bed << " (patient " << b.patient_id << "): " << b.scenario_title << " [" << b.scenario_ref
    << "], " << sim::clock_text(b.duration) << "\n";
  for (const auto& er : b.timeline) {
    o << "  "
      << (er.event ? sim::clock_text(er.event->at) + "  " + sim::event_text(*er.event) : "0:00  drill starts")
      << "\n";
    for (const auto& x : er.expectations) {
      o << "         " << verdict_tag(x.verdict) << " " << x.expected.priority << " " << x.expected.condition
        << " (" << sim::clock_text(x.expected.from) << "-" << sim::clock_text(x.expected.to)
        << "): " << x.note << "\n";
      if (x.occurrence) o << "                  " << response_text(b.alarms[x.occurrence->alarm]) << "\n";
    }
  }
  if (!b.unexpected.empty()) {
    o << "  alarms nobody expected:\n";
    for (const auto& u : b.unexpected) {
      const auto& a = b.alarms[u.alarm];
      o << "    " << sim::clock_text(u.t) << "  " << upper(u.priority) << " " << a.condition << ": "
        << a.message << "\n"
        << "           " << response_text(a) << "\n";
    }
  }
  if (b.alarms.empty()) o << "  no alarm on this bed\n";
}

class Json {
 public:
  Json& key(const std::string& k) {
    comma();
    str(k);
    out_ += ':';
    fresh_ = true;
    return *this;
  }
  Json& value(const std::string& v) {
    return item([&] { str(v); });
  }
  Json& value(const char* v) { return value(std::string{v}); }
  Json& value(double v) {
    return item([&] {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.10g", v);
      out_ += buf;
    });
  }
  Json& value(bool v) {
    return item([&] { out_ += v ? "true" : "false"; });
  }
  Json& seconds(core::Duration d) { return value(core::to_seconds(d)); }
  Json& seconds(const std::optional<core::Duration>& d) { return d ? seconds(*d) : null(); }
  Json& null() {
    return item([&] { out_ += "null"; });
  }
  Json& open(char c) {
    comma();
    out_ += c;
    fresh_ = true;
    return *this;
  }
  Json& close(char c) {
    out_ += c;
    fresh_ = false;
    return *this;
  }
  std::string take() { return std::move(out_) + "\n"; }

 private:
  template <class F>
  Json& item(F f) {
    comma();
    f();
    fresh_ = false;
    return *this;
  }
  void comma() {
    if (!fresh_ && !out_.empty()) out_ += ',';
    fresh_ = false;
  }
  void str(const std::string& s) {
    out_ += '"';
    for (unsigned char c : s) {
      if (c == '"' || c == '\\')
        out_ += {'\\', static_cast<char>(c)};
      else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out_ += buf;
      } else
        out_ += static_cast<char>(c);
    }
    out_ += '"';
  }
  std::string out_;
  bool fresh_ = true;
};

void alarm_json(Json& j, const AlarmStory& a) {
  j.open('{');
  j.key("alarm_id").value(a.alarm_id).key("condition").value(a.condition).key("kind").value(a.kind);
  j.key("message").value(a.message).key("raised_priority").value(a.raised_priority);
  j.key("top_priority").value(a.top_priority).key("raised_s").seconds(a.raised);
  j.key("escalated_s").seconds(a.escalated).key("escalated_unanswered_s").seconds(a.unanswered);
  j.key("acknowledged_s").seconds(a.acknowledged).key("acknowledged_by").value(a.acknowledged_by);
  j.key("time_to_acknowledge_s")
      .seconds(a.acknowledged ? std::optional{*a.acknowledged - a.raised} : std::nullopt);
  j.key("audio_paused_s").seconds(a.audio_paused).key("paused_by").value(a.paused_by);
  j.key("cleared_s").seconds(a.cleared);
  j.close('}');
}

void bed_json(Json& j, const BedReport& b) {
  j.open('{');
  j.key("bed").value(b.bed).key("patient_id").value(b.patient_id).key("scenario").value(b.scenario_ref);
  j.key("title").value(b.scenario_title).key("duration_s").seconds(b.duration);
  j.key("events").open('[');
  for (const auto& er : b.timeline) {
    j.open('{');
    j.key("at_s").seconds(er.event ? er.event->at : core::Duration{});
    j.key("text").value(er.event ? sim::event_text(*er.event) : std::string{"drill starts"});
    j.key("line").value(static_cast<double>(er.event ? er.event->line : 0));
    j.key("expectations").open('[');
    for (const auto& x : er.expectations) {
      j.open('{');
      j.key("priority").value(x.expected.priority).key("condition").value(x.expected.condition);
      j.key("from_s").seconds(x.expected.from).key("to_s").seconds(x.expected.to);
      j.key("line").value(static_cast<double>(x.expected.line));
      j.key("verdict").value(verdict_name(x.verdict)).key("fails").value(verdict_fails(x.verdict));
      j.key("note").value(x.note);
      if (x.occurrence) {
        const auto at = er.event ? er.event->at : core::Duration{};
        j.key("alarm_s").seconds(x.occurrence->t).key("time_to_alarm_s").seconds(x.occurrence->t - at);
        j.key("alarm_priority").value(x.occurrence->priority);
        j.key("alarm");
        alarm_json(j, b.alarms[x.occurrence->alarm]);
      }
      j.close('}');
    }
    j.close(']').close('}');
  }
  j.close(']');
  j.key("unexpected").open('[');
  for (const auto& u : b.unexpected) {
    j.open('{').key("at_s").seconds(u.t).key("priority").value(u.priority).key("alarm");
    alarm_json(j, b.alarms[u.alarm]);
    j.close('}');
  }
  j.close(']');
  j.key("alarms").open('[');
  for (const auto& a : b.alarms) alarm_json(j, a);
  j.close(']').close('}');
}

}  // namespace

std::string report_text(const DrillReport& r) {
  std::ostringstream o;
  o << "DRILL REPORT: " << r.title << "\n";
  o << "ward " << r.ward_file << "; started " << utc_text(r.started) << "; " << speed_text(r.speed) << "; "
    << r.beds.size() << (r.beds.size() == 1 ? " bed" : " beds") << "\n";
  if (r.not_marked_drill == 0)
    o << "every reading and alarm was marked as a drill (" << r.readings << " readings, " << r.alarm_events
      << " alarm events)\n";
  else
    o << "WARNING: " << r.not_marked_drill << " messages were NOT marked as a drill\n";
  if (r.sequence_gaps)
    o << "WARNING: the runner missed " << r.sequence_gaps << " bus messages; the report may be incomplete\n";
  for (const auto& p : r.problems) o << "WARNING: " << p << "\n";
  o << "\nRESULT: " << r.met_count() << " of " << r.expected_count()
    << " expected alarms came in their windows";
  if (r.skipped_count()) o << "; " << r.skipped_count() << " not judged (no beat source for rhythm analysis)";
  o << "; " << r.unexpected_count() << " alarm" << (r.unexpected_count() == 1 ? "" : "s")
    << " nobody expected\n";
  o << (r.as_scripted() ? "The drill went as scripted.\n" : "The drill did NOT go as scripted: see below.\n");
  for (const auto& b : r.beds) bed_text(o, b);
  return o.str();
}

std::string report_json(const DrillReport& r) {
  Json j;
  j.open('{');
  j.key("title").value(r.title).key("ward").value(r.ward_file).key("started").value(utc_text(r.started));
  j.key("speed").value(r.speed).key("as_scripted").value(r.as_scripted());
  j.key("expected")
      .value(static_cast<double>(r.expected_count()))
      .key("met")
      .value(static_cast<double>(r.met_count()));
  j.key("not_judged").value(static_cast<double>(r.skipped_count()));
  j.key("failed").value(static_cast<double>(r.failed_count()));
  j.key("unexpected").value(static_cast<double>(r.unexpected_count()));
  j.key("readings")
      .value(static_cast<double>(r.readings))
      .key("alarm_events")
      .value(static_cast<double>(r.alarm_events));
  j.key("not_marked_drill").value(static_cast<double>(r.not_marked_drill));
  j.key("sequence_gaps").value(static_cast<double>(r.sequence_gaps));
  j.key("problems").open('[');
  for (const auto& p : r.problems) j.value(p);
  j.close(']');
  j.key("beds").open('[');
  for (const auto& b : r.beds) bed_json(j, b);
  j.close(']').close('}');
  return j.take();
}

}  // namespace vigil::drill
