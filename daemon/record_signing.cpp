// Signing off an infusion record and amending a signed one (docs/record.md,
// "Signing"). The record is read from the journal on the history reader's
// thread (a long session is many thousand readings: never on the core
// thread, where the alarms are); its signature is then written here, on
// the core's connection, like every other journal write.
#include "record/record_signing.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/command_refusal.hpp"
#include "daemon/vigil_daemon.hpp"
#include "record/record_config.hpp"

namespace vigil::daemon {
namespace v1 = vigil::v1;

namespace {

// Long enough for a correction and its reason; a record is not a document store.
constexpr std::size_t kMaxAmendment = 2000;

std::optional<core::Error> check_text(const std::string& text, const std::string& field) {
  if (std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; }))
    return core::Error::at(field, "is required");
  if (text.size() > kMaxAmendment)
    return core::Error::at(
        field, "is " + std::to_string(text.size()) + " bytes; at most " + std::to_string(kMaxAmendment));
  if (std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
      }))
    return core::Error::at(field, "holds control characters (one line of text)");
  return std::nullopt;
}

core::Duration retention_of(const v1::config::DaemonConfig& c) {
  return std::chrono::duration_cast<core::Duration>(std::chrono::years{c.record_retention_years()});
}

}  // namespace

bool VigilDaemon::defer_signing(v1::CommandRequest req, const std::string& role, CommandServer::Reply reply) {
  auto send = sender(reply);
  if (req.actor().empty()) {
    send(refused(req, core::Error::at("actor", "say who signs (--as NAME), for the record")));
    return true;
  }
  const auto& s = req.sign_record();
  if (s.session() <= 0) {
    send(refused(req, core::Error::at("sign_record.session", "is required (vigil-ctl sessions lists them)")));
    return true;
  }
  // Validated at load, so this reads; a copy, for the reader's thread.
  auto config = record::record_config(config_);
  if (!config) {
    send(refused(req, core::Error::at("sign_record", config.error(), core::ErrorCode::unavailable)));
    return true;
  }
  const auto now = clock_.now();
  const bool queued = history_->submit_task([this, req, role, send, now, path = config_.journal_path(),
                                             rc = std::move(config.value())]() -> std::function<void()> {
    core::Result<record::Seal> sealed = core::Error{"not read"};
    try {
      journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_only};
      db.exec("PRAGMA busy_timeout = 5000");
      sealed = record::seal(db, req.sign_record().session(), req.sign_record().amendment(), rc, now);
    } catch (const std::exception& e) {
      sealed = core::Error{std::string{"the journal could not be read: "} + e.what(), "",
                           core::ErrorCode::unavailable};
    }
    return [this, req, role, send, sealed = std::move(sealed)]() {
      if (!sealed) return send(refused(req, sealed.failure().within("sign_record")));
      const auto& seal = sealed.value();
      journal::RecordSignature sig;
      sig.session = seal.session;
      sig.amendment = seal.amendment;
      sig.time = clock_.now();
      sig.signer = req.actor();
      sig.role = role;
      sig.station = req.station();
      sig.content = seal.content;
      sig.sha256 = seal.sha256;
      sig.keep_until = sig.time + retention_of(config_);
      if (seal.amendment != 0)
        if (auto record = journal_->record_signature(seal.session); record && record.value())
          sig.keep_until = record.value()->keep_until;  // an amendment goes with its record
      v1::CommandReply r;
      r.set_request_id(req.request_id());
      if (auto written = journal_->write_signature(sig, seal.kept); !written) {
        r = refused(req, written.failure().within("sign_record"));
      } else {
        r.set_ok(true);
        r.set_record_sha256(sig.sha256);
        r.set_message(
            (seal.amendment ? "amendment " + std::to_string(seal.amendment) + " of session " : "session ") +
            std::to_string(seal.session) + (seal.amendment ? "" : "'s record") + " signed by " + sig.signer +
            " (" + role + "), SHA-256 " + sig.sha256);
        spdlog::info("command sign_record by {}: {}", req.actor(), r.message());
      }
      journal_->write_command(req, r, clock_.now());
      send(std::move(r));
    };
  });
  if (!queued)
    send(refused(req, core::Error::at("sign_record", "the journal reader is busy; sign again shortly",
                                      core::ErrorCode::unavailable)));
  return true;
}

v1::CommandReply VigilDaemon::amend_record(const v1::CommandRequest& req) {
  const auto& a = req.amend_record();
  if (a.session() <= 0)
    return refused(req,
                   core::Error::at("amend_record.session", "is required (vigil-ctl sessions lists them)"));
  if (auto e = check_text(a.what(), "what")) return refused(req, e->within("amend_record"));
  if (auto e = check_text(a.why(), "why")) return refused(req, e->within("amend_record"));
  auto signature = journal_->record_signature(a.session());
  if (!signature) return refused(req, signature.failure().within("amend_record"));
  if (!signature.value())
    return refused(req, core::Error::at("amend_record.session",
                                        "session " + std::to_string(a.session()) +
                                            "'s record is not signed; until it is, the record is read "
                                            "from the journal as it stands",
                                        core::ErrorCode::conflict));
  journal::RecordAmendment amendment;
  amendment.session = a.session();
  amendment.time = clock_.now();
  amendment.author = req.actor();
  amendment.station = req.station();
  amendment.what = a.what();
  amendment.why = a.why();
  amendment.keep_until = signature.value()->keep_until;
  auto id = journal_->write_amendment(amendment);
  if (!id) return refused(req, id.failure().within("amend_record"));
  v1::CommandReply r;
  r.set_request_id(req.request_id());
  r.set_ok(true);
  r.set_amendment_id(id.value());
  r.set_message("amendment " + std::to_string(id.value()) + " of session " + std::to_string(a.session()) +
                " by " + req.actor() + " (sign it: vigil-ctl record sign --session " +
                std::to_string(a.session()) + " --amendment " + std::to_string(id.value()) + ")");
  return r;
}

}  // namespace vigil::daemon
