#include "tools/ctl/record_command.hpp"

#include <filesystem>
#include <iostream>

#include "core/bounded_file.hpp"
#include "journal/patient_merges.hpp"
#include "record/record_builder.hpp"
#include "record/record_config.hpp"
#include "record/record_formats.hpp"
#include "record/record_signing.hpp"
#include "record/time_text.hpp"

namespace vigil::tools {

void RecordCommands::add(CLI::App& app) {
  sessions_ = app.add_subcommand("sessions", "list the infusion sessions in vigild's journal");
  sessions_->add_option("--journal", journal_, "the journal (vigild's journal_path)")->capture_default_str();
  sessions_->add_option("--bed", bed_, "only this bed's");

  record_ = app.add_subcommand("record", "write an infusion session's record (PDF, HTML, JSON or CSV)");
  record_->add_option("session", session_, "the infusion session (see vigil-ctl sessions)");
  record_->add_option("--bed", bed_, "with --last: the bed");
  record_->add_flag("--last", last_, "the bed's most recent infusion session");
  record_->add_option("--format", format_, "pdf, html, json or csv (default: from the file name)")
      ->check(CLI::IsMember({"pdf", "html", "json", "csv"}));
  record_->add_option("-o,--output", output_, "the file to write");
  record_->add_option("--journal", journal_, "the journal (vigild's journal_path)")->capture_default_str();
  record_->add_option(
      "--config", config_,
      "vigild's config: the clinic's name and each profile's checkpoints and discharge criteria "
      "(default: the defaults, no clinic name)");

  sign_ = record_->add_subcommand(
      "sign", "sign a closed session's record (or one of its amendments) through vigild: it becomes final");
  sign_->add_option("--session", session_, "the infusion session")->required();
  sign_->add_option("--as", signer_, "who signs, by name: 'Dr A. Lee'")->required();
  sign_->add_option("--amendment", amendment_, "sign this amendment of the record instead");
  amend_ = record_->add_subcommand("amend", "append a correction to a signed record through vigild");
  amend_->add_option("--session", session_, "the infusion session")->required();
  amend_->add_option("--as", signer_, "who corrects, by name")->required();
  amend_->add_option("--what", what_, "the correction")->required();
  amend_->add_option("--why", why_, "the reason for it")->required();
  verify_ = record_->add_subcommand(
      "verify", "check a signed record: its stored content against its digest, and against the journal now");
  verify_->add_option("--session", session_, "the infusion session")->required();
  verify_->add_option("--journal", journal_, "the journal (vigild's journal_path)")->capture_default_str();
  verify_->add_option("--config", config_, "vigild's config, as the record was built with it when signed");
  verify_->add_option("-o,--output", output_, "also write the record's content as signed (JSON) here");
}

bool RecordCommands::parsed() const {
  return (sessions_ && sessions_->parsed()) || (record_ && record_->parsed() && !sends_command());
}

bool RecordCommands::sends_command() const {
  return (sign_ && sign_->parsed()) || (amend_ && amend_->parsed());
}

void RecordCommands::fill(vigil::v1::CommandRequest& request) const {
  request.set_actor(signer_);
  if (sign_->parsed()) {
    request.mutable_sign_record()->set_session(session_);
    request.mutable_sign_record()->set_amendment(amendment_);
  } else {
    request.mutable_amend_record()->set_session(session_);
    request.mutable_amend_record()->set_what(what_);
    request.mutable_amend_record()->set_why(why_);
  }
}

int RecordCommands::run() const {
  if (sessions_->parsed()) return sessions();
  // Refused before the record is built, not after: record::write_file would refuse it anyway.
  if (const auto why = output_.empty() ? std::string{} : core::special_file(output_); !why.empty()) {
    std::cerr << "vigil-ctl record" << (verify_->parsed() ? " verify" : "") << ": cannot write " << why
              << "\n";
    return 1;
  }
  return verify_->parsed() ? verify() : record();
}

int RecordCommands::verify() const {
  auto fail = [](const std::string& message) {
    std::cerr << "vigil-ctl record verify: " << message << "\n";
    return 1;
  };
  record::RecordConfig config;
  if (!config_.empty()) {
    auto read = record::read_record_config(config_);
    if (!read) return fail(read.error());
    config = read.value();
  }
  auto checked = record::verify_record(journal_, session_, config);
  if (!checked) return fail(checked.error());
  const auto& v = checked.value();
  for (const auto& line : v.lines) std::cout << line << "\n";
  if (!output_.empty() && v.is_signed) {
    auto written = record::write_file(output_, v.signed_content);
    if (!written) return fail(written.error());
    std::cout << "wrote the content as signed to " << output_ << "\n";
  }
  const bool good = v.is_signed && v.intact && v.matches;
  std::cout << (good           ? "verified: the journal matches the signature\n"
                : !v.is_signed ? "not verified: the record is not signed\n"
                : !v.intact    ? "NOT VERIFIED: a signed content was altered\n"
                               : "NOT VERIFIED: the journal no longer gives the record that was signed\n");
  return good ? 0 : 1;
}

int RecordCommands::sessions() const {
  auto list = record::list_sessions(journal_, bed_);
  if (!list) {
    std::cerr << "vigil-ctl sessions: " << list.error() << "\n";
    return 1;
  }
  if (list->empty()) std::cout << "no infusion sessions" << (bed_.empty() ? "" : " on " + bed_) << "\n";
  for (const auto& s : *list) {
    const auto& i = s.infusion;
    const bool open = !i.ended || !s.admission || !s.admission->ended;
    std::cout << i.id << "  " << i.bed << "  "
              << (i.patient_id.empty() ? "-" : journal::patient_text(i.patient_id, i.patient_now)) << "  "
              << record::local_time(i.started) << " - "
              << (i.ended ? record::local_time(*i.ended) : std::string{"(running)"}) << "  started by "
              << i.started_by << (open ? "  (open: its record is provisional)" : "") << "\n";
  }
  return 0;
}

int RecordCommands::record() const {
  auto fail = [](const std::string& message) {
    std::cerr << "vigil-ctl record: " << message << "\n";
    return 1;
  };
  if (last_ == (session_ > 0)) return fail("name a session, or a bed with --bed BED --last");
  if (output_.empty()) return fail("say where to write it (-o FILE)");
  if (last_ && bed_.empty()) return fail("--last needs --bed BED");
  auto name = format_;
  if (name.empty()) {
    name = std::filesystem::path{output_}.extension().string();
    if (!name.empty()) name = name.substr(1);
  }
  const auto format = record::format_from_name(name);
  if (!format) return fail("say which format (--format pdf, html, json or csv)");
  std::int64_t session = session_;
  if (last_) {
    auto last = record::last_session(journal_, bed_);
    if (!last) return fail(last.error());
    session = last.value();
  }
  record::RecordConfig config;
  if (!config_.empty()) {
    auto read = record::read_record_config(config_);
    if (!read) return fail(read.error());
    config = read.value();
  }
  auto rec = record::build_record(journal_, session, config);
  if (!rec) return fail(rec.error());
  auto written = record::write_record(rec.value(), *format, output_);
  if (!written) return fail(written.error());
  std::cerr << "vigil-ctl record: session " << session << " (" << rec->patient_id << ", " << rec->bed << ")"
            << (rec->drill ? ", DRILL" : "") << (rec->provisional ? ", provisional" : "")
            << (rec->from_signed_content ? ", drawn from its signed content" : "") << ": wrote " << output_
            << " (" << written.value() << " bytes)\n";
  return 0;
}

}  // namespace vigil::tools
