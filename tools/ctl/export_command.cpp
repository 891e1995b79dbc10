#include "tools/ctl/export_command.hpp"

#include <fstream>
#include <iostream>

#include "core/bounded_file.hpp"

namespace vigil::tools {

CLI::App* ExportCommand::add(CLI::App& app) {
  auto* cmd = app.add_subcommand("export",
                                 "write a bed's or a session's readings, alarms and context events "
                                 "from vigild's journal as CSV or JSON");
  cmd->add_option("--journal", request_.journal, "the journal (vigild's journal_path)")
      ->capture_default_str();
  cmd->add_option("--bed", request_.bed, "the bed");
  cmd->add_option("--session", session_, "a patient or infusion session (see --sessions)");
  cmd->add_option("--from", from_, "start, e.g. 2026-11-23T08:00:00Z or local 2026-11-23 08:00");
  cmd->add_option("--to", to_, "end (not included); default: the session's end, or now");
  cmd->add_option("--format", format_, "csv or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", output_, "file to write (default: standard output)");
  cmd->add_flag("--sessions", list_sessions_, "list the journal's patient and infusion sessions instead");
  cmd->add_flag(
      "--logins", logins_,
      "the nurse stations' logins, failed logins, logouts and ended sessions instead (--from, --to)");
  return cmd;
}

int ExportCommand::run() const {
  auto fail = [](const std::string& message) {
    std::cerr << "vigil-ctl export: " << message << "\n";
    return 1;
  };
  if (list_sessions_) {
    auto sessions = journal_sessions(request_.journal, request_.bed);
    if (!sessions) return fail(sessions.error());
    std::cout << format_sessions(sessions.value());
    return 0;
  }
  ExportRequest req = request_;
  if (session_ > 0) req.session = session_;
  req.format = format_ == "json" ? ExportFormat::json : ExportFormat::csv;
  for (auto [text, field, name] : {std::tuple{&from_, &req.from, "--from"}, {&to_, &req.to, "--to"}}) {
    if (text->empty()) continue;
    auto t = parse_time(*text);
    if (!t) return fail(std::string{name} + ": " + t.error());
    *field = t.value();
  }
  std::ofstream file;
  if (!output_.empty()) {
    // Opening a FIFO for writing waits for a reader, forever if none comes.
    if (const auto why = core::special_file(output_); !why.empty())
      return fail("cannot write " + why + "; leave out -o to write to standard output");
    file.open(output_);
    if (!file) return fail("cannot write " + output_);
  }
  if (logins_) {
    auto events = export_logins(req, output_.empty() ? std::cout : file);
    if (!events) return fail(events.error());
    std::cerr << "vigil-ctl export: " << events.value() << " login event(s)\n";
    return 0;
  }
  auto done = export_journal(req, output_.empty() ? std::cout : file);
  if (!done) return fail(done.error());
  std::cerr << "vigil-ctl export: " << done->readings << " readings, " << done->alarms
            << " alarm transitions, " << done->context << " context events\n";
  return 0;
}

}  // namespace vigil::tools
