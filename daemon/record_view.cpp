// The station's record view (docs/station.md, "Record"): a session's record
// and the sessions to pick from, read on the history reader's thread with
// its own read-only connection, never on the core thread where the alarms
// are. Only looks: nothing is journalled (the station logs who looked).
#include "record/record_view.hpp"

#include <spdlog/spdlog.h>

#include "daemon/command_refusal.hpp"
#include "daemon/vigil_daemon.hpp"
#include "record/record_config.hpp"

namespace vigil::daemon {
namespace v1 = vigil::v1;

namespace {

const char* field_of(const v1::CommandRequest& req) {
  return req.has_record() ? "record" : "sessions";
}

v1::CommandReply answer(const v1::CommandRequest& req, journal::sqlite::Database& db,
                        const record::RecordConfig& config, core::TimePoint now) {
  v1::CommandReply r;
  r.set_request_id(req.request_id());
  if (req.has_record()) {
    auto page = record::record_page(db, req.record(), config, now);
    if (!page) return refused(req, page.failure().within("record"));
    r.set_message("session " + std::to_string(page->session()) + "'s record (" + page->patient_id() + ", " +
                  page->bed() + ")" + (page->provisional() ? ", provisional" : ""));
    *r.mutable_record() = std::move(page.value());
  } else {
    auto list = record::session_list(db, req.sessions());
    if (!list) return refused(req, list.failure().within("sessions"));
    r.set_message(std::to_string(list->sessions_size()) + " infusion session(s)");
    *r.mutable_sessions() = std::move(list.value());
  }
  r.set_ok(true);
  return r;
}

}  // namespace

bool VigilDaemon::defer_record_view(const v1::CommandRequest& req, CommandServer::Reply reply) {
  auto send = sender(reply);
  // Validated at load, so this reads; a copy, for the reader's thread.
  auto config = record::record_config(config_);
  if (!config) {
    send(refused(req, core::Error::at(field_of(req), config.error(), core::ErrorCode::unavailable)));
    return true;
  }
  const bool queued = history_->submit_task([req, send, now = clock_.now(), path = config_.journal_path(),
                                             rc = std::move(config.value())]() -> std::function<void()> {
    v1::CommandReply r;
    try {
      journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_only};
      db.exec("PRAGMA busy_timeout = 5000");
      r = answer(req, db, rc, now);
    } catch (const std::exception& e) {
      r = refused(req,
                  core::Error::at(field_of(req), std::string{"the journal could not be read: "} + e.what(),
                                  core::ErrorCode::unavailable));
    }
    return [send, r = std::move(r)]() { send(r); };
  });
  if (!queued)
    send(refused(req, core::Error::at(field_of(req), "the journal reader is busy; ask again shortly",
                                      core::ErrorCode::unavailable)));
  return true;
}

}  // namespace vigil::daemon
