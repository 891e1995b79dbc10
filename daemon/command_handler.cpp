// The command channel's requests, checked field by field and run against the
// bed they name. Every request gets one reply; every error names its field.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <limits>

#include "alerts/alarm_settings.hpp"
#include "core/metric.hpp"
#include "daemon/command_refusal.hpp"
#include "daemon/infusion_bounds.hpp"
#include "daemon/staff_entry.hpp"
#include "daemon/station_login.hpp"
#include "daemon/vigil_daemon.hpp"
#include "journal/bus_messages.hpp"
#include "wire/dose.hpp"

namespace vigil::daemon {
namespace v1 = vigil::v1;
using core::Metric;

namespace {

v1::CommandReply error_reply(const v1::CommandRequest& req, const core::Error& e,
                             std::string_view code = {}) {
  return refused(req, e, code);
}

v1::CommandReply error_reply(const v1::CommandRequest& req, const std::string& field,
                             const std::string& message, core::ErrorCode code = core::ErrorCode::invalid) {
  return error_reply(req, core::Error::at(field, message, code));
}

// The bed logic names fields within its own arguments; the command's name
// makes them paths in the request.
v1::CommandReply from_result(const v1::CommandRequest& req, const std::string& command,
                             const core::Result<std::string>& result, v1::CommandReply reply) {
  reply.set_request_id(req.request_id());
  if (result) {
    reply.set_ok(true);
    reply.set_message(result.value());
    return reply;
  }
  auto r = error_reply(req, result.failure().within(command));
  *r.mutable_alarms() = reply.alarms();
  return r;
}

std::optional<core::Error> baseline_from(const v1::Baseline& b, const std::string& field,
                                         std::map<Metric, double>& out) {
  for (const auto& f : baseline_fields()) {
    const double value = (b.*f.value)();
    if (value == 0) continue;  // not entered (proto3's default)
    if (auto problem = alerts::check_baseline_value(f.metric, value))
      return core::Error::at(field + "." + std::string{f.name}, *problem);
    out[f.metric] = value;
    if (f.metric == Metric::heart_rate) out[Metric::pulse_rate] = value;
  }
  return std::nullopt;
}

std::optional<core::Error> override_from(const v1::LimitOverride& o, const std::string& field,
                                         const std::string& actor, alerts::RuleOverride& out) {
  if (o.condition().empty()) return core::Error::at(field + ".condition", "is required");
  const auto priority = priority_of(o.priority());
  if (!priority) return core::Error::at(field + ".priority", priority_problem(o.priority()));
  if (!o.has_threshold() && !o.has_delay_s() && !o.has_enabled())
    return core::Error::at(field, "change at least one of threshold, delay_s, enabled");
  if (auto problem = metric_problem(o.metric())) return core::Error::at(field + ".metric", *problem);
  out.condition = o.condition();
  out.priority = *priority;
  out.metric = o.metric();
  if (o.has_threshold()) out.threshold = o.threshold();
  if (o.has_delay_s()) out.delay = std::chrono::seconds{o.delay_s()};
  if (o.has_enabled()) out.enabled = o.enabled();
  out.reason = o.reason();
  out.by = actor;
  return std::nullopt;
}

std::string command_name(const v1::CommandRequest& r) {
  const auto* field = v1::CommandRequest::descriptor()->FindFieldByNumber(static_cast<int>(r.command_case()));
  return field ? std::string{field->name()} : "command";
}

// A command on one bed, checked for its actor and bed, ready to run.
struct BedCommand {
  const v1::CommandRequest& req;
  BedMonitor& bed;
  const std::string& bed_id;
  alerts::Actor actor;
  core::TimePoint now;
  // The profile a patient admitted to this bed under `name` gets (empty: the bed's own).
  std::function<core::Result<alerts::AlarmProfile>(const std::string& name)> admission_profile;
};

using Role = vigil::v1::config::Role;
using Case = v1::CommandRequest::CommandCase;

// Runs a bed command and turns its result into the reply, alarm transitions
// included.
template <class F>
v1::CommandReply on_bed(const BedCommand& c, F&& f) {
  v1::CommandReply reply;
  auto result = c.bed.command([&](auto& bed, auto& out) { return f(bed, out); }, c.now, reply);
  return from_result(c.req, command_name(c.req), result, std::move(reply));
}

// Name and date of birth of admit / update_patient (`command` names which).
template <class Identity>
std::optional<core::Error> check_identity(const Identity& a, const std::string& command) {
  const auto& n = a.patient_name();
  if (n.size() > 200) return core::Error::at(command + ".patient_name", "is longer than 200 bytes");
  for (char ch : n)
    if (static_cast<unsigned char>(ch) < 0x20)
      return core::Error::at(command + ".patient_name", "holds control characters");
  const auto& d = a.birth_date();
  if (d.empty()) return std::nullopt;
  int y = 0, m = 0, day = 0;
  char tail = 0;
  if (d.size() != 10 || std::sscanf(d.c_str(), "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3 || d[4] != '-' ||
      d[7] != '-' ||
      !std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                   std::chrono::day{static_cast<unsigned>(day)}}
           .ok() ||
      y < 1900)
    return core::Error::at(command + ".birth_date", "'" + d + "' is not a date as YYYY-MM-DD");
  return std::nullopt;
}

v1::CommandReply run_admit(const BedCommand& c) {
  const auto& a = c.req.admit();
  auto profile = c.admission_profile(a.profile());
  if (!profile) return error_reply(c.req, profile.failure().within("admit"));
  std::vector<alerts::RuleOverride> overrides;
  for (int i = 0; i < a.overrides_size(); ++i) {
    alerts::RuleOverride o;
    if (auto e =
            override_from(a.overrides(i), "admit.overrides[" + std::to_string(i) + "]", c.req.actor(), o))
      return error_reply(c.req, *e);
    overrides.push_back(o);
  }
  std::map<Metric, double> baseline;
  if (auto e = baseline_from(a.baseline(), "admit.baseline", baseline)) return error_reply(c.req, *e);
  // Name and date of birth are journalled with the command, for the record.
  if (auto e = check_identity(a, "admit")) return error_reply(c.req, *e);
  return on_bed(c, [&](auto& bed, auto& out) {
    return bed.admit(a.patient_id(), profile.value(), overrides, baseline, c.actor, c.now, out);
  });
}

v1::CommandReply run_discharge(const BedCommand& c) {
  return on_bed(c, [&](auto& bed, auto& out) { return bed.discharge(c.actor, c.now, out); });
}

v1::CommandReply run_update_patient(const BedCommand& c) {
  const auto& u = c.req.update_patient();
  if (u.patient_id().empty())
    return error_reply(c.req,
                       core::Error::at("update_patient.patient_id", "the patient the bed holds is required"));
  // Name and date of birth are journalled with the command, for the record.
  if (auto e = check_identity(u, "update_patient")) return error_reply(c.req, *e);
  std::string also = u.patient_name().empty() ? "" : "name";
  if (!u.birth_date().empty()) also += (also.empty() ? "" : ", ") + std::string{"date of birth"};
  return on_bed(c, [&](auto& bed, auto& out) {
    return bed.update_patient(u.patient_id(), u.new_patient_id(), also, c.actor, c.now, out);
  });
}

v1::CommandReply run_set_limit(const BedCommand& c) {
  alerts::RuleOverride o;
  if (auto e = override_from(c.req.set_limit().limit(), "set_limit.limit", c.req.actor(), o))
    return error_reply(c.req, *e);
  return on_bed(c, [&](auto& bed, auto& out) { return bed.set_limit(o, c.actor, c.now, out); });
}

v1::CommandReply run_start_infusion(const BedCommand& c) {
  const auto& s = c.req.start_infusion();
  std::map<Metric, double> baseline;
  if (auto e = baseline_from(s.baseline(), "start_infusion.baseline", baseline))
    return error_reply(c.req, *e);
  // The dose as numbers is journalled with the command; the record reads it there.
  if (s.has_dose())
    if (const auto p = wire::from_proto(s.dose()).problem())
      return error_reply(c.req, core::Error::at("start_infusion.dose." + p->first, p->second));
  return on_bed(c, [&](auto& bed, auto& out) {
    return bed.start_infusion(s.drug(), s.regimen(), baseline, c.actor, c.now, out);
  });
}

v1::CommandReply run_set_baseline(const BedCommand& c) {
  const auto& s = c.req.set_baseline();
  std::map<Metric, double> entered;
  if (auto e = baseline_from(s.baseline(), "set_baseline.baseline", entered)) return error_reply(c.req, *e);
  if (s.measure() == !entered.empty())
    return error_reply(c.req, s.measure() ? "set_baseline.measure" : "set_baseline.baseline",
                       s.measure() ? "enter values or ask vigild to measure, not both"
                                   : "enter at least one value, or ask vigild to measure");
  return on_bed(c, [&](auto& bed, auto& out) { return bed.set_baseline(entered, c.actor, c.now, out); });
}

v1::CommandReply run_stop_infusion(const BedCommand& c) {
  return on_bed(c, [&](auto& bed, auto& out) { return bed.stop_infusion(c.actor, c.now, out); });
}

v1::CommandReply run_pause_infusion(const BedCommand& c) {
  return on_bed(c, [&](const auto& bed, auto& out) {
    return c.bed.infusion_course().pause(bed, c.req.pause_infusion().reason(), c.actor, c.now, out.context);
  });
}

v1::CommandReply run_resume_infusion(const BedCommand& c) {
  return on_bed(c, [&](const auto& bed, auto& out) {
    return c.bed.infusion_course().resume(bed, c.actor, c.now, out.context);
  });
}

v1::CommandReply run_change_infusion_rate(const BedCommand& c) {
  const auto& r = c.req.change_infusion_rate();
  return on_bed(c, [&](const auto& bed, auto& out) {
    return c.bed.infusion_course().change_rate(bed, r.rate_mg_per_min(), r.reason(), c.actor, out.context);
  });
}

template <EntryType type>
v1::CommandReply run_staff_entry(const BedCommand& c) {
  const auto& e = type == EntryType::note           ? c.req.note()
                  : type == EntryType::intervention ? c.req.intervention()
                                                    : c.req.adverse_event();
  return on_bed(c, [&](const auto& bed, auto& out) {
    return enter(type, bed, e.kind(), e.text(), c.actor, out.context);
  });
}

v1::CommandReply run_acknowledge(const BedCommand& c) {
  return on_bed(c, [&](auto& bed, auto& out) {
    return bed.acknowledge(c.req.acknowledge().alarm_id(), c.actor, c.now, out);
  });
}

v1::CommandReply run_audio_pause(const BedCommand& c) {
  return on_bed(c, [&](auto& bed, auto& out) { return bed.audio_pause(c.actor, c.now, out); });
}

v1::CommandReply run_reset(const BedCommand& c) {
  if (c.req.reset().alarm_id().empty()) return error_reply(c.req, "reset.alarm_id", "is required");
  return on_bed(
      c, [&](auto& bed, auto& out) { return bed.reset(c.req.reset().alarm_id(), c.actor, c.now, out); });
}

// One row per command: the bed it names, who may send it (viewers look,
// nurses act on alarms and infusions, admins change who is in the bed, the
// limits and the config), and what runs it on that bed. Queries, replay and
// reload act on the daemon, not on one bed, and have no `run`.
struct CommandRow {
  Case command;
  Role role;
  const std::string& (*bed)(const v1::CommandRequest&);
  v1::CommandReply (*run)(const BedCommand&);
};

const std::string& no_bed(const v1::CommandRequest&) {
  static const std::string none;
  return none;
}

constexpr CommandRow kCommands[] = {
    {.command = v1::CommandRequest::kAdmit,
     .role = Role::ADMIN,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.admit().bed(); },
     .run = run_admit},
    {.command = v1::CommandRequest::kDischarge,
     .role = Role::ADMIN,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.discharge().bed(); },
     .run = run_discharge},
    {.command = v1::CommandRequest::kUpdatePatient,
     .role = Role::ADMIN,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.update_patient().bed(); },
     .run = run_update_patient},
    {.command = v1::CommandRequest::kSetLimit,
     .role = Role::ADMIN,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.set_limit().bed(); },
     .run = run_set_limit},
    {.command = v1::CommandRequest::kStartInfusion,
     .role = Role::NURSE,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.start_infusion().bed(); },
     .run = run_start_infusion},
    {.command = v1::CommandRequest::kStopInfusion,
     .role = Role::NURSE,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.stop_infusion().bed(); },
     .run = run_stop_infusion},
    {.command = v1::CommandRequest::kSetBaseline,
     .role = Role::NURSE,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.set_baseline().bed(); },
     .run = run_set_baseline},
    {.command = v1::CommandRequest::kAcknowledge,
     .role = Role::NURSE,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.acknowledge().bed(); },
     .run = run_acknowledge},
    {.command = v1::CommandRequest::kAudioPause,
     .role = Role::NURSE,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.audio_pause().bed(); },
     .run = run_audio_pause},
    {.command = v1::CommandRequest::kReset,
     .role = Role::NURSE,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.reset().bed(); },
     .run = run_reset},
    {.command = v1::CommandRequest::kPauseInfusion,
     .role = Role::NURSE,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.pause_infusion().bed(); },
     .run = run_pause_infusion},
    {.command = v1::CommandRequest::kResumeInfusion,
     .role = Role::NURSE,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.resume_infusion().bed(); },
     .run = run_resume_infusion},
    {.command = v1::CommandRequest::kChangeInfusionRate,
     .role = Role::NURSE,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.change_infusion_rate().bed(); },
     .run = run_change_infusion_rate},
    {.command = v1::CommandRequest::kNote,
     .role = Role::NURSE,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.note().bed(); },
     .run = run_staff_entry<EntryType::note>},
    {.command = v1::CommandRequest::kIntervention,
     .role = Role::NURSE,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.intervention().bed(); },
     .run = run_staff_entry<EntryType::intervention>},
    {.command = v1::CommandRequest::kAdverseEvent,
     .role = Role::NURSE,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.adverse_event().bed(); },
     .run = run_staff_entry<EntryType::adverse_event>},
    {.command = v1::CommandRequest::kStatus,
     .role = Role::VIEWER,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.status().bed(); },
     .run = nullptr},
    {.command = v1::CommandRequest::kSnapshot,
     .role = Role::VIEWER,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.snapshot().bed(); },
     .run = nullptr},
    {.command = v1::CommandRequest::kReplay,
     .role = Role::VIEWER,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.replay().bed(); },
     .run = nullptr},
    {.command = v1::CommandRequest::kReload, .role = Role::ADMIN, .bed = no_bed, .run = nullptr},
    {.command = v1::CommandRequest::kHl7DeadLetters, .role = Role::VIEWER, .bed = no_bed, .run = nullptr},
    {.command = v1::CommandRequest::kHl7Resend, .role = Role::ADMIN, .bed = no_bed, .run = nullptr},
    // Nurses and physicians sign the record they kept; the role is the key's.
    {.command = v1::CommandRequest::kSignRecord, .role = Role::NURSE, .bed = no_bed, .run = nullptr},
    {.command = v1::CommandRequest::kAmendRecord, .role = Role::NURSE, .bed = no_bed, .run = nullptr},
    {.command = v1::CommandRequest::kAlarmHistory,
     .role = Role::VIEWER,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.alarm_history().bed(); },
     .run = nullptr},
    {.command = v1::CommandRequest::kTrend,
     .role = Role::VIEWER,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.trend().bed(); },
     .run = nullptr},
    // A record is read like the trend: anyone who may watch the bed.
    {.command = v1::CommandRequest::kRecord, .role = Role::VIEWER, .bed = no_bed, .run = nullptr},
    {.command = v1::CommandRequest::kSessions,
     .role = Role::VIEWER,
     .bed = [](const v1::CommandRequest& r) -> const std::string& { return r.sessions().bed(); },
     .run = nullptr},
    // A station's logins, journalled: the key a station acknowledges alarms with.
    {.command = v1::CommandRequest::kStationLogin, .role = Role::NURSE, .bed = no_bed, .run = nullptr},
};

std::string command_names() {
  std::string names;
  for (const auto& row : kCommands)
    names += (names.empty() ? "" : ", ") +
             v1::CommandRequest::descriptor()->FindFieldByNumber(static_cast<int>(row.command))->name();
  return names;
}

const CommandRow* row_of(const v1::CommandRequest& r) {
  for (const auto& row : kCommands)
    if (row.command == r.command_case()) return &row;
  return nullptr;
}

// A request without a command only earns the error saying so: anyone may get it.
Role required_role(const v1::CommandRequest& r) {
  const CommandRow* row = row_of(r);
  return row ? row->role : Role::VIEWER;
}

const std::string& bed_of(const v1::CommandRequest& r) {
  const CommandRow* row = row_of(r);
  return row ? row->bed(r) : no_bed(r);
}

std::string role_text(vigil::v1::config::Role r) {
  std::string s = vigil::v1::config::Role_Name(r);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s == "role_unspecified" ? "no role" : s;
}

}  // namespace

std::string VigilDaemon::execute_bytes(const std::string& bytes, const std::string& identity) {
  v1::CommandRequest req;
  v1::CommandReply reply;
  if (!req.ParseFromString(bytes)) {
    // A failed parse may leave fields half-filled (invalid UTF-8 in a string,
    // say): nothing of it is echoed back.
    reply = error_reply(v1::CommandRequest{}, "request",
                        "not a vigil.v1.CommandRequest (" + std::to_string(bytes.size()) + " bytes)");
  } else if (zap_ && zap_->role_of(identity) < required_role(req)) {
    reply = error_reply(
        req,
        core::Error::at("role", "key '" + identity + "' has role " + role_text(zap_->role_of(identity)) +
                                    "; " + command_name(req) + " needs " + role_text(required_role(req))),
        "forbidden");
  } else {
    // The record names the key that sent the command, not only the name typed.
    if (zap_) req.set_station(req.station() + " [key " + identity + "]");
    reply = execute(req);
  }
  return reply_bytes(std::move(reply));
}

std::string VigilDaemon::reply_bytes(v1::CommandReply reply) {
  if (bus_) reply.set_daemon_id(bus_->daemon_id());
  if (!reply.ok()) spdlog::warn("command refused: {}", reply.error());
  std::string out;
  reply.SerializeToString(&out);
  return out;
}

std::function<void(v1::CommandReply)> VigilDaemon::sender(CommandServer::Reply reply) {
  return [this, reply = std::move(reply)](v1::CommandReply r) { reply(reply_bytes(std::move(r))); };
}

bool VigilDaemon::defer_command(const std::string& bytes, const std::string& identity,
                                CommandServer::Reply reply) {
  v1::CommandRequest req;
  if (!history_ || !req.ParseFromString(bytes) ||
      !(req.has_alarm_history() || req.has_trend() || req.has_sign_record() || req.has_record() ||
        req.has_sessions()))
    return false;
  if (zap_ && zap_->role_of(identity) < required_role(req)) return false;
  // A record, the sessions and a signature read what the commands and
  // context changes before them wrote (an infusion started, then its record
  // asked for at once): those reach SQLite through the writer, so these wait
  // for it as the history does. Sessions of a bed no longer configured are
  // still in the journal: no bed check.
  if (req.has_record() || req.has_sessions()) {
    after_journal_writes([this, req = std::move(req), reply = std::move(reply)]() mutable {
      defer_record_view(req, std::move(reply));
    });
    return true;
  }
  if (req.has_sign_record()) {
    // Signed by the name given, with the role of the key it came with.
    if (zap_) req.set_station(req.station() + " [key " + identity + "]");
    after_journal_writes(
        [this, req = std::move(req),
         role = zap_ ? role_text(zap_->role_of(identity)) : std::string{"local client, no CURVE key"},
         reply = std::move(reply)]() mutable { defer_signing(std::move(req), role, std::move(reply)); });
    return true;
  }
  const auto& bed_id = bed_of(req);
  // An unknown bed (and a trend without one) is refused by execute(), on the core thread.
  if (req.has_trend() ? !bed(bed_id) : !bed_id.empty() && !bed(bed_id)) return false;
  after_journal_writes([this, req = std::move(req), done = sender(std::move(reply))]() mutable {
    history_->submit(std::move(req), std::move(done));
  });
  return true;
}

void VigilDaemon::after_journal_writes(std::function<void()> query) {
  // An alarm transition reaches SQLite bed_delay (20 ms) after its
  // publication, a reading up to a flush interval (500 ms) after; a station
  // asking right after it has seen them would get a history or trend
  // without them. The writer commits what it holds at once.
  const auto ticket = journal_->writes_ticket();
  if (journal_->writes_done(ticket)) return query();
  journal_->flush_writes();
  waiting_queries_.push_back({ticket, clock_.now() + kHistoryWait, std::move(query)});
}

void VigilDaemon::release_history_queries(core::TimePoint now) {
  // In the order they came: a later query never overtakes an earlier one.
  while (!waiting_queries_.empty() &&
         (journal_->writes_done(waiting_queries_.front().ticket) || now >= waiting_queries_.front().until)) {
    auto run = std::move(waiting_queries_.front().run);
    waiting_queries_.pop_front();
    run();
  }
}

// Every command but the queries is journalled with its author and result
// before the reply goes out.
v1::CommandReply VigilDaemon::execute(const v1::CommandRequest& req) {
  if (req.has_replay()) return replay(req);
  if (req.has_hl7_dead_letters()) return hl7_dead_letters(req);
  if (req.has_alarm_history()) {
    const auto& bed_id = req.alarm_history().bed();
    if (!bed_id.empty() && !bed(bed_id))
      return error_reply(req, "alarm_history.bed", "no bed '" + bed_id + "'", core::ErrorCode::not_found);
    // Never on the core thread: only the command channel's history reader answers it.
    return error_reply(req, "alarm_history", "answered through the command channel only",
                       core::ErrorCode::unavailable);
  }
  if (req.has_sign_record())
    return error_reply(req, "sign_record", "answered through the command channel only",
                       core::ErrorCode::unavailable);
  if (req.has_record() || req.has_sessions())
    return error_reply(req, req.has_record() ? "record" : "sessions",
                       "answered through the command channel only", core::ErrorCode::unavailable);
  if (req.has_trend()) {
    const auto& bed_id = req.trend().bed();
    if (bed_id.empty()) return error_reply(req, "trend.bed", "is required");
    if (!bed(bed_id))
      return error_reply(req, "trend.bed", "no bed '" + bed_id + "'", core::ErrorCode::not_found);
    return error_reply(req, "trend", "answered through the command channel only",
                       core::ErrorCode::unavailable);
  }
  auto reply = run_command(req);
  if (req.has_status() || req.has_snapshot()) return reply;
  if (!journal_->write_command(req, reply, clock_.now()) && reply.ok())
    reply.set_message(reply.message() + " (not journalled: " + journal_->problem() + ")");
  return reply;
}

v1::CommandReply VigilDaemon::replay(const v1::CommandRequest& req) {
  const auto& q = req.replay();
  if (q.bed().empty()) return error_reply(req, "replay.bed", "is required");
  if (!bed(q.bed()))
    return error_reply(req, "replay.bed", "no bed '" + q.bed() + "'", core::ErrorCode::not_found);
  journal::MessageQuery mq;
  mq.bed = q.bed();
  mq.after_seq = q.after_seq();
  mq.max = q.max() == 0 ? 1000 : std::min<std::size_t>(q.max(), 10000);
  for (int i = 0; i < q.kinds_size(); ++i) {
    const auto& k = q.kinds(i);
    if (k != "obs" && k != "alarm" && k != "ctx" && k != "link")
      return error_reply(req, "replay.kinds[" + std::to_string(i) + "]",
                         "unknown kind '" + k + "' (obs, alarm, ctx, link)");
    mq.kinds.insert(k);
  }
  v1::CommandReply reply;
  reply.set_request_id(req.request_id());
  reply.set_ok(true);
  std::string note;
  // The recent past is in memory (and may not have reached the disk yet);
  // anything older comes from the journal. Held readings go out first, so
  // the reply runs no message ahead of the stream.
  bus_->flush();
  const auto oldest = bus_->oldest_recent(mq.bed);
  if (oldest == 0 || mq.after_seq + 1 < oldest) {
    mq.before_seq = oldest;
    if (auto* r = journal_->reader()) {
      try {
        for (auto& m : r->messages(mq)) *reply.add_messages() = std::move(m);
      } catch (const journal::sqlite::Error& e) {
        note = "; the journal could not be read: " + std::string{e.what()};
      }
    } else {
      note = "; messages before seq " + std::to_string(oldest) + " are not available: " + journal_->problem();
    }
  }
  if (oldest != 0) {
    // All that is kept (the store is small): the kinds are filtered here.
    for (const auto& m : bus_->recent(mq.bed, mq.after_seq, std::numeric_limits<std::size_t>::max())) {
      if (static_cast<std::size_t>(reply.messages_size()) >= mq.max) break;
      if (mq.kinds.empty() || mq.kinds.count(std::string{wire::topic_kind(m)})) *reply.add_messages() = m;
    }
  }
  const auto n = reply.messages_size();
  reply.set_message(n == 0 ? "no messages after seq " + std::to_string(mq.after_seq) + note
                           : std::to_string(n) + " message(s), seq " +
                                 std::to_string(wire::seq_of(reply.messages(0))) + " to " +
                                 std::to_string(wire::seq_of(reply.messages(n - 1))) + note);
  return reply;
}

v1::CommandReply VigilDaemon::run_command(const v1::CommandRequest& req) {
  const std::string name = command_name(req);
  if (req.command_case() == v1::CommandRequest::COMMAND_NOT_SET)
    return error_reply(req, "command", "no command given (" + command_names() + ")");
  const bool query = req.has_status() || req.has_snapshot();
  const std::string& bed_id = bed_of(req);
  const auto now = clock_.now();

  if (query) {
    v1::CommandReply reply;
    reply.set_request_id(req.request_id());
    if (!bed_id.empty() && !bed(bed_id))
      return error_reply(req, name + ".bed", "no bed '" + bed_id + "'", core::ErrorCode::not_found);
    for (const auto& [id, b] : beds_)
      if (bed_id.empty() || id == bed_id) *reply.add_beds() = b->status(now, links_of(id));
    if (hl7_ && req.has_status())
      for (const auto& h : hl7_->status()) *reply.add_hl7_destinations() = hl7out::to_proto(h);
    reply.set_ok(true);
    reply.set_message(std::to_string(reply.beds_size()) + " bed(s)");
    return reply;
  }

  if (req.actor().empty()) return error_reply(req, "actor", "say who is acting (a name), for the record");
  if (req.has_reload()) {
    if (config_path_.empty())
      return error_reply(req, "reload", "this vigild was not started from a config file",
                         core::ErrorCode::unavailable);
    auto r = reload(config_path_);
    v1::CommandReply reply;
    spdlog::info("reload asked by {} ({})", req.actor(), req.station());
    return from_result(req, "reload", r, reply);
  }
  if (req.has_hl7_resend()) return hl7_resend(req);
  if (req.has_amend_record()) return amend_record(req);
  if (req.has_station_login()) {
    auto reply = station_login_reply(req);
    if (reply.ok()) spdlog::info("{}", reply.message());
    return reply;
  }
  if (bed_id.empty()) return error_reply(req, name + ".bed", "is required");
  BedMonitor* b = bed(bed_id);
  if (!b) {
    std::string known;
    for (const auto& [id, m] : beds_) known += (known.empty() ? "" : ", ") + id;
    return error_reply(req, name + ".bed", "no bed '" + bed_id + "' (beds: " + known + ")",
                       core::ErrorCode::not_found);
  }
  const BedCommand command{
      req,    *b,
      bed_id, alerts::Actor{req.actor(), req.station()},
      now,    [&](const std::string& profile) { return admission_profile(bed_id, profile); }};
  const CommandRow* row = row_of(req);
  auto out = row && row->run ? row->run(command) : error_reply(req, "command", "not handled");
  if (out.ok()) spdlog::info("command {} on {} by {}: {}", name, bed_id, req.actor(), out.message());
  return out;
}

core::Result<alerts::AlarmProfile> VigilDaemon::admission_profile(const std::string& bed_id,
                                                                  const std::string& name) const {
  // The bed's own profile comes with the bed's overrides from the config;
  // another profile named at admission comes as it is defined.
  const std::string& own = bed_profiles_.at(bed_id);
  const std::string& wanted = name.empty() ? own : name;
  if (!profiles_.count(wanted))
    return core::Error::at("profile", "no profile '" + wanted + "'", core::ErrorCode::not_found);
  if (wanted == own)
    for (const auto& configured : config_.bed())
      if (configured.id() == bed_id)
        if (auto with_overrides = profile_for(configured)) return with_overrides.value();
  return profiles_.at(wanted);
}

// The HL7 messages kept undelivered; a query, so not journalled.
v1::CommandReply VigilDaemon::hl7_dead_letters(const v1::CommandRequest& req) {
  if (!hl7_)
    return error_reply(req, "hl7_dead_letters", "no hl7_destination is configured",
                       core::ErrorCode::unavailable);
  v1::CommandReply reply;
  reply.set_request_id(req.request_id());
  for (const auto& m : hl7_->kept(req.hl7_dead_letters().destination()))
    *reply.add_hl7_kept() = hl7out::to_proto(m);
  reply.set_ok(true);
  reply.set_message(std::to_string(reply.hl7_kept_size()) + " kept HL7 message(s)");
  return reply;
}

v1::CommandReply VigilDaemon::hl7_resend(const v1::CommandRequest& req) {
  if (!hl7_)
    return error_reply(req, "hl7_resend", "no hl7_destination is configured", core::ErrorCode::unavailable);
  const auto r = hl7_->resend(static_cast<std::int64_t>(req.hl7_resend().id()));
  if (r) spdlog::info("command hl7_resend by {}: {}", req.actor(), r.value());
  return from_result(req, "hl7_resend", r, {});
}

}  // namespace vigil::daemon
