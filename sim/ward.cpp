#include "sim/ward.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "drivers/device_session.hpp"
#include "drivers/simulated_device.hpp"
#include "sim/line_parser.hpp"
#include "sim/scenario_library.hpp"

namespace vigil::sim {
namespace {

bool valid_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// A device that connects to vigild itself (an HL7 gateway) is played over
// TCP; every serial device on a pty, as it would sit on a serial port.
WardDevice::Via default_via(const std::string& protocol) {
  const auto* p = drivers::find_protocol(protocol);
  return p && p->transport == drivers::Transport::tcp_sender ? WardDevice::Via::tcp : WardDevice::Via::pty;
}

std::string text_after_colon(const std::string& line) {
  const auto colon = line.find(':');
  const auto b = line.find_first_not_of(" \t", colon + 1);
  const auto e = line.find_last_not_of(" \t\r");
  return b == std::string::npos || colon == std::string::npos ? "" : line.substr(b, e - b + 1);
}

// "bed <id> runs <scenario> [for patient <id>]"
WardBed parse_bed(LineParser& p, int line, const std::string& base_dir, const std::vector<WardBed>& beds) {
  WardBed b;
  b.line = line;
  const int id_col = p.column();
  b.id = p.raw_word();
  if (!valid_id(b.id)) p.fail_at(id_col, "a bed id is letters, digits, '-', '_' or '.'");
  for (const auto& other : beds)
    if (other.id == b.id) p.fail_at(id_col, "bed '" + b.id + "' is named twice");
  p.expect("runs");
  const int ref_col = p.column();
  const std::string ref = p.raw_word();
  auto scenario = find_scenario(ref, base_dir);
  if (!scenario) p.fail_at(ref_col, scenario.error());
  b.scenario = std::move(scenario.value());
  b.scenario_ref = names_a_file(ref) ? resolve_path(ref, base_dir) : ref;
  b.patient_id = "DRILL-" + b.id;
  if (p.accept("for")) {
    p.expect("patient");
    b.patient_id = p.raw_word();
  }
  for (const auto& d : b.scenario.devices)
    b.devices.push_back({d.id, d.protocol, default_via(d.protocol), 0});
  return b;
}

// "device <id> <protocol> [via pty|tcp]" under a bed
void parse_device(LineParser& p, int line, WardBed& bed) {
  WardDevice d;
  d.line = line;
  const int id_col = p.column();
  d.id = p.word();
  if (!valid_id(d.id)) p.fail_at(id_col, "a device id is letters, digits, '-', '_' or '.'");
  const int proto_col = p.column();
  d.protocol = p.word();
  if (!drivers::make_simulated_device(d.protocol))
    p.fail_at(proto_col, "the simulator does not speak '" + d.protocol + "' (it speaks " +
                             drivers::simulated_device_names() + ")");
  d.via = default_via(d.protocol);
  if (p.accept("via")) {
    const int via_col = p.column();
    const std::string via = p.word();
    if (via != "pty" && via != "tcp") p.fail_at(via_col, "expected 'pty' or 'tcp', found '" + via + "'");
    d.via = via == "tcp" ? WardDevice::Via::tcp : WardDevice::Via::pty;
  }
  auto same =
      std::find_if(bed.devices.begin(), bed.devices.end(), [&](const auto& x) { return x.id == d.id; });
  if (same != bed.devices.end() && same->line != 0)
    p.fail_at(id_col, "device '" + d.id + "' is named twice on " + bed.id);
  if (same != bed.devices.end())
    *same = d;
  else
    bed.devices.push_back(d);
}

std::string check_bed(const WardBed& b, const std::string& file) {
  const std::string where = file + ":" + std::to_string(b.line) + ":1: ";
  if (b.devices.empty())
    return where + b.id + ": its scenario names no device; add 'device <id> <protocol>' under the bed";
  for (const auto& e : b.scenario.events) {
    if (e.device.empty()) continue;
    if (std::none_of(b.devices.begin(), b.devices.end(), [&](const auto& d) { return d.id == e.device; }))
      return where + b.id + ": the scenario's line " + std::to_string(e.line) + " names device '" + e.device +
             "', which this bed does not have";
  }
  return "";
}

}  // namespace

core::Duration Ward::duration() const {
  core::Duration d{};
  for (const auto& b : beds) d = std::max(d, b.scenario.duration);
  return d;
}

core::Result<Ward> parse_ward(const std::string& text, const std::string& file, const std::string& base_dir) {
  Ward w;
  w.file = file;
  std::istringstream in{text};
  std::string raw;
  int line_no = 0;
  bool in_description = false;
  try {
    while (std::getline(in, raw)) {
      ++line_no;
      if (!raw.empty() && raw.back() == '\r') raw.pop_back();
      auto tokens = tokenize(raw);
      if (tokens.empty()) continue;
      const bool indented = raw[0] == ' ' || raw[0] == '\t';
      if (in_description && indented) {
        w.description += " " + raw.substr(raw.find_first_not_of(" \t"));
        continue;
      }
      in_description = false;
      const int end_col = static_cast<int>(raw.size()) + 1;
      const std::string first = tokens[0].text;
      LineParser p{tokens, file, line_no, end_col};
      p.word();
      if (first == "title:") {
        w.title = text_after_colon(raw);
        continue;
      }
      if (first == "description:") {
        w.description = text_after_colon(raw);
        in_description = true;
        continue;
      }
      if (first == "speed:") {
        const int col = p.column();
        w.speed = p.number();
        if (*w.speed < 1 || *w.speed > 100) p.fail_at(col, "a speed of 1 (real time) to 100 is expected");
      } else if (first == "bed") {
        w.beds.push_back(parse_bed(p, line_no, base_dir, w.beds));
      } else if (first == "device") {
        if (w.beds.empty()) p.fail_at(tokens[0].column, "a 'device' line belongs under a 'bed' line");
        parse_device(p, line_no, w.beds.back());
      } else {
        p.fail_at(tokens[0].column,
                  "unknown line '" + first + "' (title:, description:, speed:, bed, device)");
      }
      if (!p.done()) p.fail("unexpected words" + p.found());
    }
  } catch (const std::runtime_error& e) {
    return core::Error{e.what()};
  }
  if (w.beds.empty())
    return core::Error{file + ":" + std::to_string(line_no + 1) + ":1: a ward needs a 'bed' line"};
  for (const auto& b : w.beds)
    if (auto e = check_bed(b, file); !e.empty()) return core::Error{e};
  return w;
}

core::Result<Ward> load_ward(const std::string& ref) {
  std::string file, base_dir;
  auto text = find_ward_text(ref, file, base_dir);
  if (!text) return core::Error{text.error()};
  return parse_ward(*text, file, base_dir);
}

core::Result<Ward> single_bed_ward(const std::string& scenario_ref, const std::string& bed) {
  return parse_ward("bed " + bed + " runs " + scenario_ref + "\n", "(command line)", "");
}

}  // namespace vigil::sim
