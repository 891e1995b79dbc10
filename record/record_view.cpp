#include "record/record_view.hpp"

#include "journal/journal_schema.hpp"
#include "record/record_builder.hpp"
#include "record/record_formats.hpp"
#include "wire/timestamp.hpp"

namespace vigil::record {
namespace v1 = vigil::v1;

namespace {

std::optional<core::Error> not_a_journal(journal::sqlite::Database& db) {
  if (journal::journal_version(db) != 0) return std::nullopt;
  return core::Error{"the journal is not a vigil journal", "", core::ErrorCode::unavailable};
}

}  // namespace

core::Result<v1::RecordPage> record_page(journal::sqlite::Database& db, const v1::RecordQuery& q,
                                         const RecordConfig& config, core::TimePoint now) {
  if (q.session() <= 0)
    return core::Error::at("session", "is required (the sessions query lists a bed's sessions)");
  if (auto e = not_a_journal(db)) return *e;
  auto rec = build_record(db, q.session(), config, now);
  if (!rec) return rec.failure();
  v1::RecordPage page;
  page.set_session(rec->session_id);
  page.set_bed(rec->bed);
  page.set_patient_id(rec->patient_id);
  page.set_provisional(rec->provisional);
  page.set_drill(rec->drill);
  wire::set_time(page.mutable_generated(), rec->generated);
  page.set_html(record_html(rec.value()));
  return page;
}

core::Result<v1::SessionList> session_list(journal::sqlite::Database& db, const v1::SessionListQuery& q) {
  if (auto e = not_a_journal(db)) return *e;
  v1::SessionList list;
  const auto sessions = list_sessions(db, q.bed());
  for (auto it = sessions.rbegin(); it != sessions.rend(); ++it) {
    const auto& i = it->infusion;
    if (!q.patient_id().empty() && i.patient_id != q.patient_id() && i.patient_now != q.patient_id())
      continue;
    auto& s = *list.add_sessions();
    s.set_session(i.id);
    s.set_bed(i.bed);
    s.set_patient_id(i.patient_id);
    s.set_patient_id_now(i.patient_now);
    wire::set_time(s.mutable_started(), i.started);
    if (i.ended) wire::set_time(s.mutable_stopped(), *i.ended);
    s.set_started_by(i.started_by);
    s.set_open(!i.ended || !it->admission || !it->admission->ended);
  }
  return list;
}

}  // namespace vigil::record
