#include "sim/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <sstream>

#include "core/bounded_file.hpp"
#include "drivers/simulated_device.hpp"
#include "sim/line_parser.hpp"

namespace vigil::sim {
namespace {

std::optional<Param> param_from(LineParser& p) {
  const std::string w = p.peek();
  auto take = [&](std::initializer_list<const char*> rest) {
    p.word();
    for (const char* r : rest) p.expect(r);
  };
  if (w == "heart") return take({"rate"}), Param::heart_rate;
  if (w == "hr" || w == "pulse") return take({}), Param::heart_rate;
  if (w == "spo2" || w == "saturation") return take({}), Param::spo2;
  if (w == "perfusion") return take({"index"}), Param::perfusion_index;
  if (w == "pi") return take({}), Param::perfusion_index;
  if (w == "systolic" || w == "sbp") return take({}), Param::systolic;
  if (w == "diastolic" || w == "dbp") return take({}), Param::diastolic;
  if (w == "respiratory") return take({"rate"}), Param::resp_rate;
  if (w == "resp") return take({}), Param::resp_rate;
  return std::nullopt;
}

const char* const kParamsText =
    "expected a vital sign (heart rate, spo2, perfusion index, systolic, diastolic, blood pressure, "
    "respiratory rate)";

Param require_param(LineParser& p) {
  auto param = param_from(p);
  if (!param) p.fail(kParamsText + p.found());
  return *param;
}

double plausible_value(LineParser& p, Param param) {
  const int col = p.column();
  const double v = p.number();
  const bool ok = param == Param::spo2 ? v >= 0 && v <= 100 : v >= 0 && v <= 300;
  if (!ok) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    p.fail_at(col, std::string{param_name(param)} + " " + text + " is not a plausible value");
  }
  return v;
}

// "220/120"
std::pair<double, double> pressure(LineParser& p) {
  const int col = p.column();
  if (p.done()) p.fail("expected a blood pressure like 220/120 at the end of the line");
  const std::string w = p.word();
  const auto slash = w.find('/');
  double sys = 0, dia = 0;
  const bool ok = slash != std::string::npos &&
                  std::from_chars(w.data(), w.data() + slash, sys).ptr == w.data() + slash &&
                  std::from_chars(w.data() + slash + 1, w.data() + w.size(), dia).ptr == w.data() + w.size();
  if (!ok) p.fail_at(col, "expected a blood pressure like 220/120, found '" + w + "'");
  if (sys < 30 || sys > 300 || dia < 10 || dia >= sys)
    p.fail_at(col, "blood pressure " + w + " is not plausible");
  return {sys, dia};
}

void parse_patient(LineParser& p, Vitals& v) {
  while (!p.done()) {
    if (p.accept("blood")) {
      p.expect("pressure");
      const auto [sys, dia] = pressure(p);
      v.systolic = sys;
      v.diastolic = dia;
      continue;
    }
    const Param param = require_param(p);
    v.set(param, plausible_value(p, param));
  }
}

ParamChange change(Param p, double target) {
  ParamChange c{};
  c.param = p;
  c.target = target;
  return c;
}

bool is_ramp_verb(const std::string& w) {
  return w == "raise" || w == "lower" || w == "set";
}

// "systolic to 220 and diastolic to 120" or "blood pressure to 220/120"
void parse_targets(LineParser& p, std::vector<ParamChange>& changes) {
  do {
    if (p.accept("blood")) {
      p.expect("pressure");
      p.expect("to");
      const auto [sys, dia] = pressure(p);
      changes.push_back(change(Param::systolic, sys));
      changes.push_back(change(Param::diastolic, dia));
      continue;
    }
    const Param param = require_param(p);
    p.expect("to");
    changes.push_back(change(param, plausible_value(p, param)));
  } while (p.accept("and") && !is_ramp_verb(p.peek()));
}

// "over 90 s, hold for 3 min, then return over 2 min" (each part optional)
void parse_timing(LineParser& p, std::vector<ParamChange>& changes, std::size_t first) {
  core::Duration over{};
  std::optional<core::Duration> hold;
  core::Duration back{};
  if (p.accept("over")) over = p.span();
  if (p.accept("hold")) {
    p.accept("for");
    hold = p.span();
    p.accept("then");
    if (p.accept("return") || p.accept("back")) {
      p.expect("over");
      back = p.span();
    }
  }
  for (std::size_t i = first; i < changes.size(); ++i) {
    changes[i].over = over;
    changes[i].hold = hold;
    changes[i].return_over = back;
  }
}

// Clauses: "raise A to X and B to Y over 90 s and lower C to Z over 20 s".
void parse_ramps(LineParser& p, ScenarioEvent& e) {
  for (;;) {
    const std::size_t first = e.changes.size();
    parse_targets(p, e.changes);
    parse_timing(p, e.changes, first);
    p.accept("and");
    if (!is_ramp_verb(p.peek())) break;
    p.word();
  }
}

// "at 140/min", the rate a rhythm change brings, optional.
void parse_rate_change(LineParser& p, ScenarioEvent& e, core::Duration default_over) {
  if (!p.accept("at")) return;
  const int col = p.column();
  const double rate = p.number();
  if (rate < 20 || rate > 250) p.fail_at(col, "a heart rate of 20-250 /min is expected");
  ParamChange c = change(Param::heart_rate, rate);
  c.over = default_over;
  if (p.accept("over")) c.over = p.span();
  e.changes.push_back(c);
}

// After "start atrial flutter": "[at 300/min] [with 2:1 block | with variable block]",
// the rate being the flutter waves' (atrial) rate.
void parse_flutter(LineParser& p, Flutter& f) {
  if (p.accept("at")) {
    const int col = p.column();
    f.atrial_rate = p.number();
    if (f.atrial_rate < 240 || f.atrial_rate > 350)
      p.fail_at(col, "atrial flutter: an atrial (flutter wave) rate of 240-350 /min is expected");
  }
  if (!p.accept("with")) return;
  const int col = p.column();
  const std::string block = p.word();
  if (block != "2:1" && block != "variable")
    p.fail_at(col, "expected '2:1' or 'variable' (block), found '" + block + "'");
  f.block = block == "2:1" ? FlutterBlock::two_to_one : FlutterBlock::variable;
  p.expect("block");
}

// The rest of the line as written (commas and capitals kept), for staff's free text.
std::string rest_of_line(LineParser& p, const std::string& line) {
  const int col = p.column();
  while (!p.done()) p.raw_word();
  std::string text = line.substr(std::min(line.size(), static_cast<std::size_t>(col - 1)));
  if (const auto comment = text.find('#'); comment != std::string::npos) text.resize(comment);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  return text;
}

// After "start infusion": "[drug] <amount> mg/kg for <weight> kg over <span>" or "[drug] <amount> mg over
// <span>".
void parse_dose(LineParser& p, ScenarioEvent& e) {
  ScriptedDose d;
  if (!p.done() && !std::isdigit(static_cast<unsigned char>(p.peek()[0]))) d.drug = p.word();
  const int amount_col = p.column();
  d.amount = p.number();
  if (d.amount <= 0) p.fail_at(amount_col, "a dose above 0 is expected");
  const int unit_col = p.column();
  d.unit = p.word();
  if (d.unit != "mg/kg" && d.unit != "mg")
    p.fail_at(unit_col, "expected 'mg/kg' or 'mg', found '" + d.unit + "'");
  if (d.unit == "mg/kg") {
    p.expect("for");
    const int weight_col = p.column();
    d.weight_kg = p.number();
    if (d.weight_kg < 1 || d.weight_kg > 400) p.fail_at(weight_col, "a weight of 1-400 kg is expected");
    p.expect("kg");
  }
  p.expect("over");
  const int over_col = p.column();
  const auto over = std::chrono::duration_cast<std::chrono::minutes>(p.span());
  if (over.count() < 1 || over.count() > 1440) p.fail_at(over_col, "a duration of 1 min to 24 h is expected");
  d.duration_min = static_cast<int>(over.count());
  e.dose = d;
}

void parse_start_stop(LineParser& p, ScenarioEvent& e, bool start) {
  const int col = p.column();
  const std::string what = p.word();
  if (what == "atrial" && p.peek() != "fibrillation" && p.peek() != "flutter")
    p.fail("expected 'fibrillation' or 'flutter'" + p.found());
  if (what == "atrial" && p.accept("flutter")) {
    e.rhythm = start ? Rhythm::atrial_flutter : Rhythm::sinus;
    if (start) {
      parse_flutter(p, e.flutter);
    } else {
      parse_rate_change(p, e, std::chrono::seconds{30});
    }
  } else if (what == "atrial" || what == "af") {
    if (what == "atrial") p.expect("fibrillation");
    e.rhythm = start ? Rhythm::atrial_fibrillation : Rhythm::sinus;
    // AF sets in within a few beats; sinus rhythm returns more gradually.
    parse_rate_change(p, e, start ? std::chrono::seconds{10} : std::chrono::seconds{30});
  } else if (what == "ventricular" && p.accept("tachycardia")) {
    e.rhythm = start ? Rhythm::ventricular_tachycardia : Rhythm::sinus;
    // VT starts and stops abruptly (a re-entrant circuit set off or broken).
    parse_rate_change(p, e, std::chrono::seconds{2});
  } else if (what == "ventricular") {
    if (!p.accept("fibrillation")) p.fail("expected 'fibrillation' or 'tachycardia'" + p.found());
    e.rhythm = start ? Rhythm::ventricular_fibrillation : Rhythm::sinus;
    // Defibrillation restores a rhythm at once.
    if (!start) parse_rate_change(p, e, std::chrono::seconds{5});
  } else if (what == "ectopic") {
    p.expect("beats");
    e.ectopics_per_min = 0;
    if (start) {
      p.accept("at");
      const int rate_col = p.column();
      e.ectopics_per_min = p.number();
      if (*e.ectopics_per_min <= 0 || *e.ectopics_per_min > 30)
        p.fail_at(rate_col, "ectopic beats: 1-30 /min is expected");
    }
  } else if (what == "bigeminy") {
    // Every other beat a premature ventricular one; "with pulse deficit":
    // too weak to reach the finger, so the oximeter counts half the rate.
    e.ectopy = Ectopy::bigeminy;
    e.ectopics_per_min = start ? 1 : 0;
    if (start && p.accept("with")) {
      p.expect("pulse");
      p.expect("deficit");
      e.pulse_deficit = true;
    }
  } else if (what == "premature") {
    p.expect("atrial");
    p.expect("beats");
    e.ectopy = Ectopy::atrial;
    e.ectopics_per_min = 0;
    if (start) {
      p.accept("at");
      const int rate_col = p.column();
      e.ectopics_per_min = p.number();
      if (*e.ectopics_per_min <= 0 || *e.ectopics_per_min > 30)
        p.fail_at(rate_col, "premature atrial beats: 1-30 /min is expected");
    }
  } else if (what == "infusion") {
    e.infusion = start ? InfusionAction::start : InfusionAction::stop;
    if (start && !p.done()) parse_dose(p, e);
  } else if (what == "breathing" && !start) {
    p.expect("for");
    e.apnoea = p.span();
  } else {
    p.fail_at(col, std::string{"expected what to "} + (start ? "start" : "stop") +
                       " (atrial fibrillation, atrial flutter, ventricular fibrillation or tachycardia, "
                       "ectopic beats, "
                       "bigeminy, premature atrial beats, infusion" +
                       (start ? "" : ", breathing") + "), found '" + what + "'");
  }
}

void parse_fault(LineParser& p, ScenarioEvent& e, const std::string& verb) {
  if (verb == "sensor") p.expect("off");
  if (verb == "motion") p.accept("artifact");
  if (verb == "cuff") p.expect("failure");
  if (verb == "line") p.expect("noise");
  e.fault = verb == "unplug"   ? FaultKind::unplug
            : verb == "garble" ? FaultKind::garble
            : verb == "line"   ? FaultKind::line_noise
            : verb == "motion" ? FaultKind::motion
            : verb == "sensor" ? FaultKind::sensor_off
            : verb == "reboot" ? FaultKind::reboot
                               : FaultKind::cuff_failure;
  if (e.fault != FaultKind::cuff_failure) {
    e.device_column = p.column();
    e.device = p.word();
  }
  e.fault_for = e.fault == FaultKind::reboot ? std::chrono::seconds{30} : std::chrono::seconds{0};
  if (p.accept("for"))
    e.fault_for = p.span();
  else if (e.fault != FaultKind::reboot && e.fault != FaultKind::cuff_failure)
    p.fail("expected 'for <duration>'" + p.found());
}

void parse_staff_action(LineParser& p, ScenarioEvent& e, const std::string& verb) {
  using Kind = StaffAction::Kind;
  StaffAction a{};
  if (verb == "admit") {
    a.kind = Kind::admit;
  } else if (verb == "acknowledge") {
    a.kind = Kind::acknowledge;
    a.what = p.word();
  } else if (verb == "pause") {
    a.kind = Kind::pause_infusion;
    if (p.accept("reason")) a.text = rest_of_line(p, e.text);
  } else if (verb == "resume") {
    p.expect("infusion");
    a.kind = Kind::resume_infusion;
  } else if (verb == "change") {
    // "change infusion rate to 0.6 mg/min [reason ...]"
    p.expect("infusion");
    p.expect("rate");
    p.expect("to");
    a.kind = Kind::change_rate;
    const int col = p.column();
    a.rate_mg_per_min = p.number();
    if (a.rate_mg_per_min <= 0 || a.rate_mg_per_min > 1000)
      p.fail_at(col, "a rate above 0, at most 1000 mg/min is expected");
    p.expect("mg/min");
    if (p.accept("reason")) a.text = rest_of_line(p, e.text);
  } else if (verb == "note") {
    a.kind = Kind::note;
    if (p.done()) p.fail("expected the note's text");
    a.text = rest_of_line(p, e.text);
  } else if (verb == "intervention" || verb == "adverse") {
    if (verb == "adverse") p.expect("event");
    a.kind = verb == "adverse" ? Kind::adverse_event : Kind::intervention;
    // vigild checks the kind, as it does vigil-ctl's, so the lists live in one place.
    a.what = p.word();
    a.text = rest_of_line(p, e.text);
  } else {
    a.kind = Kind::discharge;
  }
  e.staff = a;
}

void parse_event(LineParser& p, ScenarioEvent& e) {
  const int verb_col = p.column();
  const std::string verb = p.word();
  if (is_ramp_verb(verb)) {
    parse_ramps(p, e);
  } else if (verb == "surge") {
    if (p.accept("blood")) p.expect("pressure");
    p.expect("to");
    const auto [sys, dia] = pressure(p);
    e.surge = Surge{sys, dia, {}};
    if (p.accept("over")) e.surge->over = p.span();
  } else if (verb == "start" || verb == "stop") {
    parse_start_stop(p, e, verb == "start");
  } else if (verb == "pause" && p.accept("infusion")) {
    parse_staff_action(p, e, verb);
  } else if (verb == "admit" || verb == "acknowledge" || verb == "resume" || verb == "change" ||
             verb == "note" || verb == "intervention" || verb == "adverse" || verb == "discharge") {
    parse_staff_action(p, e, verb);
  } else if (verb == "pause") {
    p.expect("for");
    const int col = p.column();
    e.pause = p.span();
    if (*e.pause < std::chrono::seconds{1} || *e.pause > std::chrono::seconds{30})
      p.fail_at(col, "a pause of 1-30 s is expected");
  } else if (verb == "apnoea" || verb == "apnea") {
    p.expect("for");
    e.apnoea = p.span();
  } else if (verb == "unplug" || verb == "garble" || verb == "line" || verb == "motion" || verb == "sensor" ||
             verb == "reboot" || verb == "cuff") {
    parse_fault(p, e, verb);
  } else if (verb == "measure") {
    p.expect("nibp");
    e.measure_nibp = true;
  } else {
    p.fail_at(
        verb_col,
        "unknown action '" + verb +
            "' (raise, lower, set, surge, start, stop, pause, apnoea, unplug, sensor off, garble, "
            "line noise, motion, reboot, cuff failure, measure nibp, admit, acknowledge, pause infusion, "
            "resume infusion, change infusion rate, note, intervention, adverse event, discharge)");
  }
  if (!p.done()) p.fail("unexpected words at the end of the event" + p.found());
}

void parse_expectation(LineParser& p, Expectation& x) {
  const int col = p.column();
  x.priority = p.word();
  if (x.priority != "low" && x.priority != "medium" && x.priority != "high")
    p.fail_at(col, "expected a priority low, medium or high, found '" + x.priority + "'");
  x.condition = p.word();
  p.expect("between");
  x.from = p.clock();
  p.expect("and");
  const int to_col = p.column();
  x.to = p.clock();
  if (x.to < x.from) p.fail_at(to_col, "the window ends before it starts");
  if (!p.done()) p.fail("unexpected words after the window" + p.found());
}

std::string device_list(const Scenario& s) {
  std::string names;
  for (const auto& d : s.devices) names += (names.empty() ? "" : ", ") + d.id;
  return names;
}

std::string rest_of(const std::string& line, const std::string& key) {
  auto pos = line.find(':');
  std::string v = pos == std::string::npos ? "" : line.substr(pos + 1);
  (void)key;
  const auto b = v.find_first_not_of(" \t");
  const auto e = v.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : v.substr(b, e - b + 1);
}

}  // namespace

const char* fault_name(FaultKind k) {
  switch (k) {
    case FaultKind::unplug:
      return "unplug";
    case FaultKind::sensor_off:
      return "sensor off";
    case FaultKind::garble:
      return "garble";
    case FaultKind::line_noise:
      return "line noise";
    case FaultKind::motion:
      return "motion artifact";
    case FaultKind::reboot:
      return "reboot";
    case FaultKind::cuff_failure:
      return "cuff failure";
  }
  return "?";
}

std::string event_text(const ScenarioEvent& e) {
  std::string text = e.text.substr(std::min(e.text.size(), e.text.find_first_not_of(" \t")));
  if (text.starts_with("at ")) {
    const auto after_time = text.find(' ', 3);
    text = after_time == std::string::npos ? text : text.substr(after_time + 1);
  }
  if (const auto comment = text.find('#'); comment != std::string::npos) text.resize(comment);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  return text;
}

std::string clock_text(core::Duration d) {
  // Before the start (a drill's setup) reads "-0:05".
  if (d < core::Duration{}) return "-" + clock_text(-d);
  const auto s = static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

core::Result<Scenario> parse_scenario(const std::string& text, const std::string& file) {
  Scenario s;
  std::istringstream in{text};
  std::string raw;
  int line_no = 0;
  std::string* continued = nullptr;  // an indented line continues the text above
  try {
    while (std::getline(in, raw)) {
      ++line_no;
      if (!raw.empty() && raw.back() == '\r') raw.pop_back();
      auto tokens = tokenize(raw);
      if (tokens.empty()) continue;
      if (continued && (raw[0] == ' ' || raw[0] == '\t')) {
        *continued += " " + raw.substr(raw.find_first_not_of(" \t"));
        continue;
      }
      continued = nullptr;
      const int end_col = static_cast<int>(raw.size()) + 1;
      const std::string first = tokens[0].text;
      if (first == "title:" || first == "description:") {
        continued = first == "title:" ? &s.title : &s.description;
        *continued = rest_of(raw, first);
        continue;
      }
      LineParser p{tokens, file, line_no, end_col};
      p.word();
      if (first == "duration:") {
        s.duration = p.peek().find(':') != std::string::npos ? p.clock() : p.span();
      } else if (first == "seed:") {
        const int col = p.column();
        const double seed = p.number();
        if (!(seed >= 0 && seed <= 4294967295.0) || seed != static_cast<double>(static_cast<long long>(seed)))
          p.fail_at(col, "a seed is a whole number from 0 to 4294967295");
        s.seed = static_cast<unsigned>(seed);
      } else if (first == "noise:") {
        const int col = p.column();
        s.noise = p.number();
        if (!(s.noise >= 0 && s.noise <= 20)) p.fail_at(col, "a noise of 0 to 20 is expected");
      } else if (first == "patient:") {
        parse_patient(p, s.patient);
      } else if (first == "variability:") {
        const int col = p.column();
        const std::string v = p.word();
        if (v != "none" && v != "normal" && v != "marked")
          p.fail_at(col, "expected 'none', 'normal' or 'marked', found '" + v + "'");
        s.model.variability = v == "none" ? 0.0 : 1.0;
        // A young adult's respiratory sinus arrhythmia: the interval swings
        // +-15 % with each breath.
        if (v == "marked") s.model.breathing_depth = 0.15;
      } else if (first == "waveforms:") {
        const int col = p.column();
        const std::string v = p.word();
        if (v != "on" && v != "off" && v != "only")
          p.fail_at(col, "expected 'on', 'off' or 'only', found '" + v + "'");
        s.waveforms = v != "off";
        s.numerics = v != "only";
      } else if (first == "oximeter") {
        // "oximeter delay 10 s averaging 8 s", either part optional
        if (p.done()) p.fail("expected 'delay' or 'averaging' after 'oximeter'");
        // Real oximeters: a finger probe's delay is seconds to tens of
        // seconds; averaging 2 to 16 s.
        if (p.accept("delay")) {
          const int col = p.column();
          s.model.oximeter_delay = p.span();
          if (s.model.oximeter_delay > std::chrono::minutes{2})
            p.fail_at(col, "an oximeter delay of 0-120 s is expected");
        }
        if (p.accept("averaging")) {
          const int col = p.column();
          s.model.oximeter_averaging = p.span();
          if (s.model.oximeter_averaging > std::chrono::minutes{1})
            p.fail_at(col, "an oximeter averaging of 0-60 s is expected");
        }
      } else if (first == "device") {
        ScenarioDevice d;
        d.line = line_no;
        d.id = p.word();
        for (const auto& other : s.devices)
          if (other.id == d.id) p.fail_at(tokens[1].column, "device '" + d.id + "' is named twice");
        const int col = p.column();
        d.protocol = p.word();
        if (!drivers::make_simulated_device(d.protocol))
          p.fail_at(col, "the simulator does not speak '" + d.protocol + "' (it speaks " +
                             drivers::simulated_device_names() + ")");
        s.devices.push_back(d);
      } else if (first == "nibp") {
        p.expect("every");
        const int col = p.column();
        s.nibp_cycle = p.span();
        if (s.nibp_cycle < std::chrono::seconds{30})
          p.fail_at(col, "a cuff cycle shorter than 30 s is not possible");
        if (p.accept("taking")) {
          const int takes_col = p.column();
          s.nibp_takes = p.span();
          if (s.nibp_takes < std::chrono::seconds{1} || s.nibp_takes > std::chrono::seconds{180})
            p.fail_at(takes_col, "a cuff reading takes 1-180 s");
        }
      } else if (first == "at") {
        ScenarioEvent e;
        e.at = p.clock();
        e.line = line_no;
        e.text = raw;
        parse_event(p, e);
        s.events.push_back(std::move(e));
      } else if (first == "expect") {
        Expectation x;
        x.line = line_no;
        parse_expectation(p, x);
        s.expectations.push_back(x);
      } else {
        LineParser{tokens, file, line_no, end_col}.fail("unknown line '" + first +
                                                        "' (title:, description:, duration:, seed:, noise:, "
                                                        "patient:, variability:, waveforms:, oximeter, "
                                                        "device, "
                                                        "nibp every, "
                                                        "at, expect)");
      }
      if (!p.done()) p.fail("unexpected words" + p.found());
    }
  } catch (const std::runtime_error& e) {
    return core::Error{e.what()};
  }
  // A scenario that names its devices must not hit one it lacks.
  if (!s.devices.empty()) {
    for (const auto& e : s.events) {
      if (e.device.empty()) continue;
      const bool known =
          std::any_of(s.devices.begin(), s.devices.end(), [&](const auto& d) { return d.id == e.device; });
      if (!known)
        return core::Error{file + ":" + std::to_string(e.line) + ":" + std::to_string(e.device_column) +
                           ": no device '" + e.device + "' in this scenario (its devices: " + device_list(s) +
                           ")"};
    }
  }
  std::stable_sort(s.events.begin(), s.events.end(),
                   [](const auto& a, const auto& b) { return a.at < b.at; });
  return s;
}

core::Result<Scenario> load_scenario(const std::string& path) {
  auto text = core::read_bounded_file(path, kMaxScenarioFileBytes);
  if (!text) return core::Error{"cannot read the scenario file " + text.error()};
  return parse_scenario(text.value(), path);
}

}  // namespace vigil::sim
