// vigil-drill: runs a mock emergency through the real monitoring path and
// reports how the team responded. See docs/drills.md.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "drill/drill_report.hpp"
#include "drill/drill_run.hpp"
#include "sim/builtin_scenarios.hpp"
#include "sim/scenario_library.hpp"

namespace {
using namespace vigil;

// vigild and vigil-sim are looked for beside this program (an installed
// tree, or the build folder's layout: build/drill/vigil-drill beside
// build/daemon/vigild), then on PATH.
std::string sibling(const std::string& name, const std::string& build_subdir) {
  const auto self = std::filesystem::canonical("/proc/self/exe").parent_path();
  for (const auto& candidate : {self / name, self / ".." / build_subdir / name, self / ".." / "sbin" / name})
    if (std::filesystem::exists(candidate)) return std::filesystem::weakly_canonical(candidate).string();
  return name;
}

// A scenario whose nurse acknowledges, enters or discharges (infusion-record)
// tells one ward's story, and an acknowledgement hides the escalation the
// library checks; the library's regression run leaves it to its ward.
bool scripts_staff(const sim::BuiltinScenario& b) {
  auto s = sim::parse_scenario(b.text, b.name);
  return s &&
         std::any_of(s->events.begin(), s->events.end(), [](const auto& e) { return e.staff.has_value(); });
}

core::Result<sim::Ward> ward_from(const std::string& ref, const std::vector<std::string>& scenarios,
                                  bool all) {
  if (!ref.empty()) return sim::load_ward(ref);
  std::vector<std::string> names = scenarios;
  if (all)
    for (const auto& b : sim::builtin_scenarios()) {
      if (!scripts_staff(b)) {
        names.push_back(b.name);
        continue;
      }
      // Said, so a reader of the run knows the library's run does not cover it.
      std::cerr
          << "vigil-drill: --all-scenarios leaves scenario " << b.name
          << " to its ward: its nurse acknowledges, which would hide the escalations the library checks\n";
    }
  if (names.empty()) return core::Error{"give a ward (file or built-in name), --scenario or --all-scenarios"};
  std::string text = all ? "title: every shipped scenario\n" : "title: scenario drill\n";
  for (std::size_t i = 0; i < names.size(); ++i)
    text += "bed bed-" + std::to_string(i + 1) + " runs " + names[i] + "\n";
  return sim::parse_ward(text, "(command line)", "");
}

int list() {
  std::cout << "built-in wards:\n";
  for (const auto& b : sim::builtin_wards()) {
    auto w = sim::load_ward(b.name);
    std::cout << "  " << b.name << "  " << (w ? w->title : w.error()) << "\n";
  }
  std::cout << "built-in scenarios:\n";
  for (const auto& b : sim::builtin_scenarios()) {
    auto s = sim::find_scenario(b.name);
    std::cout << "  " << b.name << "  " << (s ? s->title : s.error()) << "\n";
  }
  return 0;
}

int check(const sim::Ward& w) {
  std::cout << w.file << ": ok: " << w.title << ", " << w.beds.size() << " bed(s), "
            << sim::clock_text(w.duration()) << "\n";
  for (const auto& b : w.beds) {
    std::cout << "  " << b.id << " (patient " << b.patient_id << "): " << b.scenario.title << " ["
              << b.scenario_ref << "], " << b.scenario.events.size() << " events, "
              << b.scenario.expectations.size() << " expected alarms\n";
    for (const auto& d : b.devices)
      std::cout << "    " << d.id << " " << d.protocol << " via "
                << (d.via == sim::WardDevice::Via::tcp ? "tcp" : "pty") << "\n";
  }
  return 0;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out{path};
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "vigil-drill: run a mock emergency through vigild and report how the team responded.\n"
      "  vigil-drill run quarterly-drill          a shipped ward, in real time\n"
      "  vigil-drill run my-ward.ward --speed 10  a ward file, ten times faster\n"
      "  vigil-drill run --all-scenarios --speed 40  the scenario library as a regression test\n"
      "  vigil-drill check my-ward.ward           read a ward and its scenarios, and say what would run\n"
      "  vigil-drill list                         the shipped wards and scenarios"};
  app.require_subcommand(1);
  std::string ward_ref, out_dir = ".", work_dir, publish, command, capture, vigild, vigil_sim;
  std::vector<std::string> scenarios;
  bool all = false, quiet = false, keep = false;
  std::string serial_via = "auto", curve = "auto", keys_dir;
  double speed = 0;

  auto* run = app.add_subcommand("run", "run a drill and write its report");
  run->add_option("ward", ward_ref, "a ward file, or the name of a shipped ward");
  run->add_option("-s,--scenario", scenarios,
                  "instead of a ward: this scenario on a bed of its own (repeatable)");
  run->add_flag(
      "--all-scenarios", all,
      "instead of a ward: every shipped scenario without scripted staff actions, each on a bed of its own");
  run->add_option(
         "--speed", speed,
         "simulated seconds per real second (default: the ward's speed, else 1); above 1 only for tests "
         "and rehearsals without people")
      ->check(CLI::Range(1.0, 100.0));
  run->add_option("-o,--out", out_dir, "folder for drill-report.txt, .json and .svg")->capture_default_str();
  run->add_option("--publish", publish,
                  "vigild's bus endpoint for stations to subscribe to (default: a free local port)");
  run->add_option("--command", command,
                  "vigild's command endpoint for vigil-ctl and stations (default: a free local port)");
  run->add_option("--capture", capture, "also record every device's bytes to this capture file");
  run->add_option(
         "--serial-via", serial_via,
         "how serial devices reach vigild: pty, tcp (a serial device server), or auto: ptys in real "
         "time, tcp when faster (the kernel's pty hand-over can lag on a busy machine, and a fast drill "
         "magnifies the lag into silence)")
      ->check(CLI::IsMember({"auto", "pty", "tcp"}))
      ->capture_default_str();
  run->add_option(
         "--curve", curve,
         "CURVE on vigild's bus and command channel: on, off, or auto: on when --publish or --command "
         "is reachable from the network (vigild refuses such an endpoint without it) or --keys is given")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->capture_default_str();
  run->add_option(
      "--keys", keys_dir,
      "the CURVE key folder: vigild.key is vigild's (e.g. the ward's own), every other NAME.pub a "
      "station let in as a nurse; missing vigild, vigil-drill and station keys are made there "
      "(default: WORK/keys)");
  run->add_option("--work", work_dir,
                  "folder for the ptys, vigild's config and the logs (default: a new temporary one)");
  run->add_flag("--keep", keep, "keep the work folder afterwards");
  run->add_option("--vigild", vigild, "the vigild to run (default: beside vigil-drill, else on PATH)");
  run->add_option("--vigil-sim", vigil_sim,
                  "the vigil-sim to run (default: beside vigil-drill, else on PATH)");
  run->add_flag("-q,--quiet", quiet, "print only the report");

  auto* check_cmd = app.add_subcommand("check", "read a ward and every scenario it names; print the plan");
  check_cmd->add_option("ward", ward_ref, "a ward file, or the name of a shipped ward")->required();
  auto* list_cmd = app.add_subcommand("list", "list the shipped wards and scenarios");
  CLI11_PARSE(app, argc, argv);

  if (*list_cmd) return list();
  auto ward = ward_from(ward_ref, scenarios, all);
  if (!ward) {
    std::cerr << ward.error() << "\n";
    return 2;
  }
  if (*check_cmd) return check(*ward);

  drill::RunOptions o;
  o.speed = speed > 0 ? speed : ward->speed.value_or(1.0);
  o.vigild = vigild.empty() ? sibling("vigild", "daemon") : vigild;
  o.vigil_sim = vigil_sim.empty() ? sibling("vigil-sim", "sim") : vigil_sim;
  o.publish = publish;
  o.command = command;
  o.capture = capture;
  o.serial_over_tcp = serial_via == "tcp" || (serial_via == "auto" && o.speed != 1);
  o.curve = curve == "on"    ? drill::RunOptions::Curve::on
            : curve == "off" ? drill::RunOptions::Curve::off
                             : drill::RunOptions::Curve::automatic;
  o.keys_dir = keys_dir;
  if (work_dir.empty()) {
    char tmpl[] = "/tmp/vigil-drill.XXXXXX";
    if (!mkdtemp(tmpl)) {
      std::cerr << "vigil-drill: cannot create a work folder in /tmp\n";
      return 1;
    }
    work_dir = tmpl;
  }
  o.work_dir = work_dir;
  const drill::Say say = [&](const std::string& line) {
    if (!quiet) std::cout << line << std::endl;
  };
  auto record = drill::run_drill(*ward, o, say);
  if (!keep && work_dir.rfind("/tmp/vigil-drill.", 0) == 0 && record) std::filesystem::remove_all(work_dir);
  if (!record) {
    std::cerr << "vigil-drill: " << record.error() << "\n(work folder: " << work_dir << ")\n";
    return 1;
  }
  const auto report = drill::evaluate(*ward, *record);
  std::filesystem::create_directories(out_dir);
  const bool written = write_file(out_dir + "/drill-report.txt", drill::report_text(report)) &&
                       write_file(out_dir + "/drill-report.json", drill::report_json(report)) &&
                       write_file(out_dir + "/drill-report.svg", drill::report_svg(report, *record));
  std::cout << "\n" << drill::report_text(report);
  if (!written) {
    std::cerr << "vigil-drill: cannot write the report to " << out_dir << "\n";
    return 1;
  }
  std::cout << "\nreport: " << out_dir << "/drill-report.txt, .json, .svg\n";
  return report.as_scripted() ? 0 : 3;
}
