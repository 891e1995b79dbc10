// The command channel's requests, checked field by field and run against the
// bed they name. Every request gets one reply; every error names its field.
#include <spdlog/spdlog.h>

#include "daemon/bus_messages.hpp"
#include "daemon/vigil_daemon.hpp"

namespace vigil::daemon {
namespace v1 = vigil::v1;
using core::Metric;

namespace {

struct FieldError {
  std::string field;
  std::string message;
};

v1::CommandReply error_reply(const v1::CommandRequest& req, const std::string& field,
                             const std::string& message) {
  v1::CommandReply r;
  r.set_request_id(req.request_id());
  r.set_ok(false);
  r.set_error_field(field);
  r.set_error(field + ": " + message);
  return r;
}

// Errors from the bed logic begin with "field: why"; the command adds its name.
v1::CommandReply from_result(const v1::CommandRequest& req, const std::string& command,
                             const core::Result<std::string>& result, v1::CommandReply reply) {
  reply.set_request_id(req.request_id());
  if (result) {
    reply.set_ok(true);
    reply.set_message(result.value());
    return reply;
  }
  const auto& e = result.error();
  const auto colon = e.find(": ");
  const std::string field = colon == std::string::npos ? command : command + "." + e.substr(0, colon);
  auto r = error_reply(req, field, colon == std::string::npos ? e : e.substr(colon + 2));
  *r.mutable_alarms() = reply.alarms();
  return r;
}

std::optional<FieldError> baseline_from(const v1::Baseline& b, const std::string& field,
                                        std::map<Metric, double>& out) {
  struct Entry {
    double value;
    Metric metric;
    const char* name;
    double lo, hi;
  };
  const Entry entries[] = {
      {b.nibp_sys(), Metric::nibp_systolic, "nibp_sys", 40, 300},
      {b.nibp_dia(), Metric::nibp_diastolic, "nibp_dia", 20, 200},
      {b.nibp_mean(), Metric::nibp_mean, "nibp_mean", 30, 250},
      {b.heart_rate(), Metric::heart_rate, "heart_rate", 20, 250},
      {b.spo2(), Metric::spo2, "spo2", 50, 100},
  };
  for (const auto& e : entries) {
    if (e.value == 0) continue;
    if (e.value < e.lo || e.value > e.hi)
      return FieldError{field + "." + e.name, alerts::format_number(e.value) + " is outside " +
                                                  alerts::format_number(e.lo) + "-" +
                                                  alerts::format_number(e.hi)};
    out[e.metric] = e.value;
    if (e.metric == Metric::heart_rate) out[Metric::pulse_rate] = e.value;
  }
  return std::nullopt;
}

std::optional<FieldError> override_from(const v1::LimitOverride& o, const std::string& field,
                                        alerts::RuleOverride& out) {
  if (o.condition().empty()) return FieldError{field + ".condition", "is required"};
  if (o.priority() == v1::PRIORITY_UNSPECIFIED)
    return FieldError{field + ".priority", "is required (LOW, MEDIUM, HIGH)"};
  if (!o.has_threshold() && !o.has_delay_s() && !o.has_enabled())
    return FieldError{field, "change at least one of threshold, delay_s, enabled"};
  out.condition = o.condition();
  out.priority = from_proto(o.priority());
  if (o.has_threshold()) out.threshold = o.threshold();
  if (o.has_delay_s()) out.delay = std::chrono::seconds{o.delay_s()};
  if (o.has_enabled()) out.enabled = o.enabled();
  return std::nullopt;
}

const std::string& bed_of(const v1::CommandRequest& r) {
  switch (r.command_case()) {
    case v1::CommandRequest::kAdmit:
      return r.admit().bed();
    case v1::CommandRequest::kDischarge:
      return r.discharge().bed();
    case v1::CommandRequest::kSetLimit:
      return r.set_limit().bed();
    case v1::CommandRequest::kStartInfusion:
      return r.start_infusion().bed();
    case v1::CommandRequest::kStopInfusion:
      return r.stop_infusion().bed();
    case v1::CommandRequest::kAcknowledge:
      return r.acknowledge().bed();
    case v1::CommandRequest::kAudioPause:
      return r.audio_pause().bed();
    case v1::CommandRequest::kReset:
      return r.reset().bed();
    case v1::CommandRequest::kStatus:
      return r.status().bed();
    case v1::CommandRequest::kSnapshot:
      return r.snapshot().bed();
    case v1::CommandRequest::kReplay:
      return r.replay().bed();
    case v1::CommandRequest::kReload:
      break;
    case v1::CommandRequest::COMMAND_NOT_SET:
      break;
  }
  static const std::string none;
  return none;
}

std::string command_name(const v1::CommandRequest& r) {
  const auto* field = v1::CommandRequest::descriptor()->FindFieldByNumber(static_cast<int>(r.command_case()));
  return field ? std::string{field->name()} : "command";
}

}  // namespace

namespace {

// What each role may do: viewers look, nurses act on alarms and infusions,
// admins change who is in the bed and the limits.
vigil::v1::config::Role required_role(const v1::CommandRequest& r) {
  using R = vigil::v1::config::Role;
  switch (r.command_case()) {
    case v1::CommandRequest::kStatus:
    case v1::CommandRequest::kSnapshot:
    case v1::CommandRequest::kReplay:
    case v1::CommandRequest::COMMAND_NOT_SET:
      return R::VIEWER;
    case v1::CommandRequest::kAcknowledge:
    case v1::CommandRequest::kAudioPause:
    case v1::CommandRequest::kReset:
    case v1::CommandRequest::kStartInfusion:
    case v1::CommandRequest::kStopInfusion:
      return R::NURSE;
    default:
      return R::ADMIN;
  }
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
    reply = error_reply(req, "role",
                        "key '" + identity + "' has role " + role_text(zap_->role_of(identity)) + "; " +
                            command_name(req) + " needs " + role_text(required_role(req)));
  } else {
    // The record names the key that sent the command, not only the name typed.
    if (zap_) req.set_station(req.station() + " [key " + identity + "]");
    reply = execute(req);
  }
  if (bus_) reply.set_daemon_id(bus_->daemon_id());
  if (!reply.ok()) spdlog::warn("command refused: {}", reply.error());
  std::string out;
  reply.SerializeToString(&out);
  return out;
}

// Every command but the queries is journalled with its author and result
// before the reply goes out.
v1::CommandReply VigilDaemon::execute(const v1::CommandRequest& req) {
  if (req.has_replay()) return replay(req);
  auto reply = run_command(req);
  if (req.has_status() || req.has_snapshot()) return reply;
  if (!journal_->write_command(req, reply, clock_.now()) && reply.ok())
    reply.set_message(reply.message() + " (not journalled: " + journal_->problem() + ")");
  return reply;
}

v1::CommandReply VigilDaemon::replay(const v1::CommandRequest& req) {
  const auto& q = req.replay();
  if (q.bed().empty()) return error_reply(req, "replay.bed", "is required");
  if (!bed(q.bed())) return error_reply(req, "replay.bed", "no bed '" + q.bed() + "'");
  MessageQuery mq;
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
  // anything older comes from the journal.
  const auto oldest = bus_->oldest_recent(mq.bed);
  if (oldest == 0 || mq.after_seq + 1 < oldest) {
    mq.before_seq = oldest;
    if (auto* r = journal_->reader()) {
      try {
        for (auto& m : r->messages(mq)) *reply.add_messages() = std::move(m);
      } catch (const sqlite::Error& e) {
        note = "; the journal could not be read: " + std::string{e.what()};
      }
    } else {
      note = "; messages before seq " + std::to_string(oldest) + " are not available: " + journal_->problem();
    }
  }
  if (oldest != 0) {
    for (const auto& m : bus_->recent(mq.bed, mq.after_seq, BusPublisher::kRecent)) {
      if (static_cast<std::size_t>(reply.messages_size()) >= mq.max) break;
      if (mq.kinds.empty() || mq.kinds.count(std::string{topic_kind(m)})) *reply.add_messages() = m;
    }
  }
  const auto n = reply.messages_size();
  reply.set_message(n == 0 ? "no messages after seq " + std::to_string(mq.after_seq) + note
                           : std::to_string(n) + " message(s), seq " +
                                 std::to_string(seq_of(reply.messages(0))) + " to " +
                                 std::to_string(seq_of(reply.messages(n - 1))) + note);
  return reply;
}

v1::CommandReply VigilDaemon::run_command(const v1::CommandRequest& req) {
  const std::string name = command_name(req);
  if (req.command_case() == v1::CommandRequest::COMMAND_NOT_SET)
    return error_reply(req, "command",
                       "no command given (admit, discharge, set_limit, start_infusion, "
                       "stop_infusion, acknowledge, audio_pause, reset, status, snapshot, replay, reload)");
  const bool query = req.has_status() || req.has_snapshot();
  const std::string& bed_id = bed_of(req);
  const auto now = clock_.now();

  if (query) {
    v1::CommandReply reply;
    reply.set_request_id(req.request_id());
    if (!bed_id.empty() && !bed(bed_id)) return error_reply(req, name + ".bed", "no bed '" + bed_id + "'");
    for (const auto& [id, b] : beds_)
      if (bed_id.empty() || id == bed_id) *reply.add_beds() = b->status(now, links_of(id));
    reply.set_ok(true);
    reply.set_message(std::to_string(reply.beds_size()) + " bed(s)");
    return reply;
  }

  if (req.actor().empty()) return error_reply(req, "actor", "say who is acting (a name), for the record");
  if (req.has_reload()) {
    if (config_path_.empty())
      return error_reply(req, "reload", "this vigild was not started from a config file");
    auto r = reload(config_path_);
    v1::CommandReply reply;
    spdlog::info("reload asked by {} ({})", req.actor(), req.station());
    return from_result(req, "reload", r, reply);
  }
  if (bed_id.empty()) return error_reply(req, name + ".bed", "is required");
  BedMonitor* b = bed(bed_id);
  if (!b) {
    std::string known;
    for (const auto& [id, m] : beds_) known += (known.empty() ? "" : ", ") + id;
    return error_reply(req, name + ".bed", "no bed '" + bed_id + "' (beds: " + known + ")");
  }
  const alerts::Actor actor{req.actor(), req.station()};
  v1::CommandReply reply;
  core::Result<std::string> result{core::Error{"command: not handled"}};

  switch (req.command_case()) {
    case v1::CommandRequest::kAdmit: {
      const auto& a = req.admit();
      // The bed's own profile comes with the bed's overrides from the config;
      // another profile named at admission comes as it is defined.
      const std::string profile_name = a.profile().empty() ? bed_profiles_[bed_id] : a.profile();
      if (!profiles_.count(profile_name))
        return error_reply(req, "admit.profile", "no profile '" + profile_name + "'");
      alerts::AlarmProfile profile = profiles_.at(profile_name);
      if (profile_name == bed_profiles_[bed_id]) {
        for (const auto& configured : config_.bed())
          if (configured.id() == bed_id)
            if (auto with_overrides = profile_for(configured)) profile = with_overrides.value();
      }
      std::vector<alerts::RuleOverride> overrides;
      for (int i = 0; i < a.overrides_size(); ++i) {
        alerts::RuleOverride o;
        if (auto e = override_from(a.overrides(i), "admit.overrides[" + std::to_string(i) + "]", o))
          return error_reply(req, e->field, e->message);
        overrides.push_back(o);
      }
      std::map<Metric, double> baseline;
      if (auto e = baseline_from(a.baseline(), "admit.baseline", baseline))
        return error_reply(req, e->field, e->message);
      result = b->command(
          [&](auto& bed, auto& out) {
            return bed.admit(a.patient_id(), profile, overrides, baseline, actor, now, out);
          },
          now, reply);
      break;
    }
    case v1::CommandRequest::kDischarge:
      result = b->command([&](auto& bed, auto& out) { return bed.discharge(actor, now, out); }, now, reply);
      break;
    case v1::CommandRequest::kSetLimit: {
      alerts::RuleOverride o;
      if (auto e = override_from(req.set_limit().limit(), "set_limit.limit", o))
        return error_reply(req, e->field, e->message);
      result =
          b->command([&](auto& bed, auto& out) { return bed.set_limit(o, actor, now, out); }, now, reply);
      break;
    }
    case v1::CommandRequest::kStartInfusion: {
      const auto& s = req.start_infusion();
      std::map<Metric, double> baseline;
      if (auto e = baseline_from(s.baseline(), "start_infusion.baseline", baseline))
        return error_reply(req, e->field, e->message);
      result = b->command(
          [&](auto& bed, auto& out) {
            return bed.start_infusion(s.drug(), s.regimen(), baseline, actor, now, out);
          },
          now, reply);
      break;
    }
    case v1::CommandRequest::kStopInfusion:
      result =
          b->command([&](auto& bed, auto& out) { return bed.stop_infusion(actor, now, out); }, now, reply);
      break;
    case v1::CommandRequest::kAcknowledge:
      result = b->command(
          [&](auto& bed, auto& out) {
            return bed.acknowledge(req.acknowledge().alarm_id(), actor, now, out);
          },
          now, reply);
      break;
    case v1::CommandRequest::kAudioPause:
      result = b->command([&](auto& bed, auto& out) { return bed.audio_pause(actor, now, out); }, now, reply);
      break;
    case v1::CommandRequest::kReset:
      if (req.reset().alarm_id().empty()) return error_reply(req, "reset.alarm_id", "is required");
      result =
          b->command([&](auto& bed, auto& out) { return bed.reset(req.reset().alarm_id(), actor, now, out); },
                     now, reply);
      break;
    default:
      break;
  }
  auto out = from_result(req, name, result, reply);
  if (out.ok()) spdlog::info("command {} on {} by {}: {}", name, bed_id, req.actor(), out.message());
  return out;
}

}  // namespace vigil::daemon
