// vigil-ctl: the command line for vigild's command channel.
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "client/command_client.hpp"
#include "drivers/transport/port_listing.hpp"
#include "drivers/transport/serial_ports.hpp"
#include "tools/ctl/export_command.hpp"
#include "tools/ctl/record_command.hpp"
#include "tools/ctl/request_builders.hpp"
#include "tools/ctl/status_format.hpp"

namespace {
using namespace vigil;
namespace v1 = vigil::v1;

std::string default_actor() {
  if (const char* a = std::getenv("VIGIL_ACTOR")) return a;
  if (const char* u = std::getenv("USER")) return u;
  return "";
}

std::string default_station() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return host;
}

int print_ports() {
  std::cout << vigil::drivers::describe_ports(vigil::drivers::list_serial_ports());
  return 0;
}

template <class T>
T must(core::Result<T> r) {
  if (!r) {
    std::cerr << "vigil-ctl: " << r.error() << "\n";
    std::exit(2);
  }
  return std::move(r.value());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "vigil-ctl: admit patients, set limits, start infusions and acknowledge alarms on a vigild.\n"
      "Every change is recorded with who made it (--actor, default $VIGIL_ACTOR or $USER) and from where."};
  app.require_subcommand(1);
  std::string endpoint = "tcp://127.0.0.1:5561", actor = default_actor(), station = default_station();
  bool json = false;
  int timeout_ms = 3000;
  app.add_option("-e,--endpoint", endpoint, "vigild's command endpoint")->capture_default_str();
  app.add_option("-a,--actor", actor, "who is acting, for the record")->capture_default_str();
  app.add_option("-s,--station", station, "from where")->capture_default_str();
  app.add_flag("--json", json, "print the reply as JSON");
  app.add_option("--timeout-ms", timeout_ms, "how long to wait for vigild")->capture_default_str();
  client::CurveClientFiles curve;
  app.add_option("--key", curve.key_file,
                 "this client's CURVE key file (from keygen), when vigild requires CURVE");
  app.add_option("--server-key", curve.server_key_file, "vigild's public key file (.pub)");

  v1::CommandRequest req;
  std::string bed, patient, profile, alarm_id, condition, priority, limit_metric, baseline, drug = "ketamine",
                                                                                            regimen, reason;
  std::vector<std::string> overrides;
  double threshold = -1;
  int delay = -1;
  bool enable = false, disable = false, with_limits = false;

  auto* admit = app.add_subcommand("admit", "admit a patient to a bed");
  admit->add_option("bed", bed, "bed id")->required();
  admit->add_option("patient", patient, "patient id")->required();
  admit->add_option("--profile", profile, "alarm profile (default: the bed's)");
  admit->add_option("--override", overrides,
                    "condition:priority:threshold[:delay_s], e.g. desaturation:medium:88");
  admit->add_option("--baseline", baseline, "known baseline: sys=128,dia=78,hr=72,spo2=97");
  std::string patient_name, birth_date;
  admit->add_option("--name", patient_name, "the patient's name, for the infusion record");
  admit->add_option("--dob", birth_date, "date of birth, YYYY-MM-DD, for the infusion record");

  auto* discharge = app.add_subcommand("discharge", "discharge the patient from a bed");
  discharge->add_option("bed", bed)->required();

  auto* limit = app.add_subcommand("limit", "change one level of one alarm condition on a bed");
  limit->add_option("bed", bed)->required();
  limit->add_option("condition", condition, "e.g. desaturation, hypertension, tachycardia")->required();
  limit->add_option("priority", priority, "the level: low, medium or high")->required();
  limit->add_option(
      "--metric", limit_metric,
      "only this metric's rule of the level, e.g. nibp_sys or nibp_dia (hypertension has both)");
  limit->add_option("--threshold", threshold, "new limit");
  limit->add_option("--delay", delay, "new condition delay in seconds");
  limit->add_flag("--enable", enable, "turn the level on");
  limit->add_flag("--disable", disable,
                  "turn the level off on purpose (admin; needs --reason; shown as ALARM OFF)");
  limit->add_option("--reason", reason, "why: required with --disable, recorded with your name");

  auto* infusion = app.add_subcommand("infusion", "start or stop an infusion session");
  infusion->require_subcommand(1);
  auto* start = infusion->add_subcommand("start", "start: the pre-infusion baseline is taken now");
  start->add_option("bed", bed)->required();
  start->add_option("--drug", drug)->capture_default_str();
  start->add_option("--regimen", regimen, "e.g. '0.5 mg/kg over 40 min'");
  start->add_option("--baseline", baseline, "use this baseline instead of the measured one");
  double dose = 0, weight = 0;
  std::string dose_unit = "mg/kg";
  unsigned duration = 0;
  start->add_option("--dose", dose, "the dose as a number, e.g. 0.5 (with --dose-unit, --weight, --over)");
  start->add_option("--dose-unit", dose_unit, "mg/kg or mg")
      ->check(CLI::IsMember({"mg/kg", "mg"}))
      ->capture_default_str();
  start->add_option("--weight", weight, "the patient's weight in kg (needed with mg/kg)");
  start->add_option("--over", duration, "minutes the dose runs over, e.g. 40");
  auto* stop = infusion->add_subcommand("stop", "stop the infusion");
  stop->add_option("bed", bed)->required();
  auto* pause_infusion = infusion->add_subcommand(
      "pause", "pause the infusion: the record counts no drug until it resumes (alarms go on)");
  pause_infusion->add_option("bed", bed)->required();
  pause_infusion->add_option("--reason", reason, "why, for the record: e.g. 'BP 220/120'");
  auto* resume_infusion = infusion->add_subcommand("resume", "resume a paused infusion");
  resume_infusion->add_option("bed", bed)->required();
  double rate = 0;
  auto* rate_infusion = infusion->add_subcommand(
      "rate", "the pump's new rate in mg/min, from now on (the record's cumulative dose follows)");
  rate_infusion->add_option("bed", bed)->required();
  rate_infusion->add_option("mg_per_min", rate, "e.g. 0.6")->required();
  rate_infusion->add_option("--reason", reason, "why, for the record");

  auto* set_baseline = app.add_subcommand(
      "baseline", "set the patient's baseline, before or while the infusion runs (rules use it from now on)");
  set_baseline->add_option("bed", bed)->required();
  bool measure = false;
  auto* entered =
      set_baseline->add_option("--enter", baseline, "the values entered: sys=128,dia=78,hr=72,spo2=97");
  set_baseline->add_flag("--measure", measure, "vigild measures it again from its last readings")
      ->excludes(entered);

  std::string kind, entry_text;
  auto* note = app.add_subcommand("note", "add a note to the bed's record");
  note->add_option("bed", bed)->required();
  note->add_option("text", entry_text, "what to note")->required();
  auto* intervention = app.add_subcommand(
      "intervention", "record what staff did: oxygen, medication, position, airway, fluids, other");
  intervention->add_option("bed", bed)->required();
  intervention->add_option("kind", kind, "oxygen, medication, position, airway, fluids or other")->required();
  intervention->add_option("text", entry_text, "details: 'nasal cannula 2 L/min', 'metoprolol 5 mg IV'");
  auto* adverse_event = app.add_subcommand("adverse-event", "record an adverse event seen on the bed");
  adverse_event->add_option("bed", bed)->required();
  adverse_event->add_option("kind", kind, "e.g. hypertension, desaturation, nausea, dissociation, other")
      ->required();
  adverse_event->add_option("text", entry_text, "details");

  auto* ack = app.add_subcommand("ack", "acknowledge an alarm (or every alarm on the bed)");
  ack->add_option("bed", bed)->required();
  ack->add_option("alarm_id", alarm_id, "alarm id from status; omit for all");
  auto* pause = app.add_subcommand("pause", "pause the audible signal of the bed's alarms for 2 minutes");
  pause->add_option("bed", bed)->required();
  auto* reset = app.add_subcommand("reset", "remove a latched alarm whose condition has ended");
  reset->add_option("bed", bed)->required();
  reset->add_option("alarm_id", alarm_id)->required();
  auto* status = app.add_subcommand("status", "show beds: patient, values with their age, alarms, devices");
  status->add_option("bed", bed, "one bed (default: all)");
  status->add_flag("--limits", with_limits, "also list every alarm limit");
  auto* reload =
      app.add_subcommand("reload", "make vigild re-read its config file (refused, with the reason, if bad)");
  auto* hl7 = app.add_subcommand("hl7", "the HL7 messages vigild could not deliver (docs/hl7.md)");
  hl7->require_subcommand(1);
  std::string hl7_destination;
  std::uint64_t hl7_id = 0;
  auto* dead_letters = hl7->add_subcommand(
      "dead-letters", "list the messages kept undelivered: dead letters (AE) and rejected (AR)");
  dead_letters->add_option("--destination", hl7_destination, "one destination (default: all)");
  auto* resend = hl7->add_subcommand("resend", "queue a kept message again, same MSH-10 (admin)");
  resend->add_option("id", hl7_id, "its id from hl7 dead-letters")->required();
  auto* ports = app.add_subcommand("ports", "list this machine's serial ports with their USB identity");
  std::string key_name, key_dir = ".";
  auto* keygen = app.add_subcommand("keygen", "write a CURVE key pair: NAME.key (secret, 0600) and NAME.pub");
  keygen->add_option("name", key_name, "e.g. vigild, station-1, nurse-tablet")->required();
  keygen->add_option("--dir", key_dir, "where to write them")->capture_default_str();
  tools::ExportCommand export_command;
  auto* export_journal = export_command.add(app);
  tools::RecordCommands record_commands;
  record_commands.add(app);

  CLI11_PARSE(app, argc, argv);
  if (ports->parsed()) return print_ports();
  if (export_journal->parsed()) return export_command.run();
  if (record_commands.parsed()) return record_commands.run();
  if (keygen->parsed()) {
    auto pub = client::write_key_pair(key_dir, key_name);
    if (!pub) {
      std::cerr << "vigil-ctl: " << pub.error() << "\n";
      return 1;
    }
    std::cout << "wrote " << key_dir << "/" << key_name << ".key (secret, mode 0600) and " << key_dir << "/"
              << key_name << ".pub\npublic key: " << pub.value() << "\n";
    return 0;
  }

  req.set_actor(actor);
  req.set_station(station);
  if (record_commands.sends_command()) {
    record_commands.fill(req);  // the signer (--as) is the actor
  } else if (admit->parsed()) {
    auto* a = req.mutable_admit();
    a->set_bed(bed);
    a->set_patient_id(patient);
    a->set_profile(profile);
    for (const auto& o : overrides) *a->add_overrides() = must(tools::parse_override(o));
    if (!baseline.empty()) *a->mutable_baseline() = must(tools::parse_baseline(baseline));
    a->set_patient_name(patient_name);
    a->set_birth_date(birth_date);
  } else if (discharge->parsed()) {
    req.mutable_discharge()->set_bed(bed);
  } else if (limit->parsed()) {
    auto* l = req.mutable_set_limit();
    l->set_bed(bed);
    auto* o = l->mutable_limit();
    o->set_condition(condition);
    o->set_priority(must(tools::parse_priority(priority)));
    o->set_metric(limit_metric);
    if (threshold >= 0) o->set_threshold(threshold);
    if (delay >= 0) o->set_delay_s(static_cast<std::uint32_t>(delay));
    if (enable || disable) o->set_enabled(enable);
    o->set_reason(reason);
  } else if (start->parsed()) {
    auto* s = req.mutable_start_infusion();
    s->set_bed(bed);
    s->set_drug(drug);
    s->set_regimen(regimen);
    if (!baseline.empty()) *s->mutable_baseline() = must(tools::parse_baseline(baseline));
    if (dose > 0 || weight > 0 || duration > 0) {
      s->mutable_dose()->set_amount(dose);
      s->mutable_dose()->set_unit(dose_unit);
      s->mutable_dose()->set_weight_kg(weight);
      s->mutable_dose()->set_duration_min(duration);
    }
  } else if (stop->parsed()) {
    req.mutable_stop_infusion()->set_bed(bed);
  } else if (set_baseline->parsed()) {
    req.mutable_set_baseline()->set_bed(bed);
    req.mutable_set_baseline()->set_measure(measure);
    if (!baseline.empty())
      *req.mutable_set_baseline()->mutable_baseline() = must(tools::parse_baseline(baseline));
  } else if (pause_infusion->parsed()) {
    req.mutable_pause_infusion()->set_bed(bed);
    req.mutable_pause_infusion()->set_reason(reason);
  } else if (resume_infusion->parsed()) {
    req.mutable_resume_infusion()->set_bed(bed);
  } else if (rate_infusion->parsed()) {
    req.mutable_change_infusion_rate()->set_bed(bed);
    req.mutable_change_infusion_rate()->set_rate_mg_per_min(rate);
    req.mutable_change_infusion_rate()->set_reason(reason);
  } else if (note->parsed() || intervention->parsed() || adverse_event->parsed()) {
    auto* e = note->parsed()           ? req.mutable_note()
              : intervention->parsed() ? req.mutable_intervention()
                                       : req.mutable_adverse_event();
    e->set_bed(bed);
    e->set_kind(kind);
    e->set_text(entry_text);
  } else if (ack->parsed()) {
    req.mutable_acknowledge()->set_bed(bed);
    req.mutable_acknowledge()->set_alarm_id(alarm_id);
  } else if (pause->parsed()) {
    req.mutable_audio_pause()->set_bed(bed);
  } else if (reset->parsed()) {
    req.mutable_reset()->set_bed(bed);
    req.mutable_reset()->set_alarm_id(alarm_id);
  } else if (status->parsed()) {
    req.mutable_status()->set_bed(bed);
  } else if (reload->parsed()) {
    req.mutable_reload();
  } else if (dead_letters->parsed()) {
    req.mutable_hl7_dead_letters()->set_destination(hl7_destination);
  } else if (resend->parsed()) {
    req.mutable_hl7_resend()->set_id(hl7_id);
  }

  auto reply = client::send_command(endpoint, req, std::chrono::milliseconds{timeout_ms}, curve);
  if (!reply) {
    std::cerr << "vigil-ctl: " << reply.error() << "\n";
    return 3;
  }
  if (json) {
    std::string text;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(*reply, &text, options);
    std::cout << text << "\n";
  } else if (!reply->ok()) {
    std::cerr << "error: " << reply->error() << "\n";
  } else if (status->parsed()) {
    const auto now = std::chrono::system_clock::now();
    for (const auto& b : reply->beds()) std::cout << tools::format_status(b, now, with_limits);
    for (const auto& h : reply->hl7_destinations()) std::cout << tools::format_hl7_status(h, now);
  } else if (dead_letters->parsed()) {
    const auto now = std::chrono::system_clock::now();
    if (reply->hl7_kept().empty()) std::cout << "no kept HL7 messages\n";
    for (const auto& m : reply->hl7_kept()) std::cout << tools::format_hl7_kept(m, now);
  } else {
    std::cout << "ok: " << reply->message() << "\n";
    for (const auto& a : reply->alarms())
      std::cout << "  alarm " << vigil::v1::AlarmTransition_Name(a.transition()) << " " << a.condition()
                << " [" << a.alarm_id() << "]\n";
  }
  return reply->ok() ? 0 : 1;
}
