#pragma once
// The record as staff read it, shared by the HTML and the PDF: display
// names ("SpO₂", "Pulse", "NIBP 220/120 mmHg"), never the internal ones,
// and every time with its zone.
#include <string>
#include <utility>
#include <vector>

#include "record/infusion_record.hpp"

namespace vigil::record {

struct Table {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::string empty;  // said instead of the table when it has no rows
};

using Items = std::vector<std::pair<std::string, std::string>>;

std::string record_title(const InfusionRecord& r);  // "Infusion record: PAT-5, bed-1, session 12"
// What marks every page: "DRILL — not a patient", "PROVISIONAL — the session is still open",
// "PART PRUNED — …" when the journal's retention removed the record's start.
std::vector<std::string> record_marks(const InfusionRecord& r);
// "Written … from vigild's journal; it covers …", or that it was drawn
// from the signed content of <time>, SHA-256 …
std::string record_source(const InfusionRecord& r);
Items summary_items(const InfusionRecord& r);   // who, where, drug, steps, baseline, duration
Items response_items(const InfusionRecord& r);  // peak rises, time to peak, back within 10 %, HR, SpO₂
// Whether the rise stayed inside the patient's limits, the BP alarms raised
// and the limit changes (part of response_items); the limits at each peak.
Items limits_items(const InfusionRecord& r);
Table limits_table(const InfusionRecord& r);
Table checkpoint_table(const InfusionRecord& r);
Table course_table(const InfusionRecord& r);  // start, pauses, resumes, rate changes, stop
Table entry_table(const InfusionRecord& r);   // notes, interventions, adverse events
// "Signed by Dr Lee (nurse) at 2026-11-23 14:05:00 CET, SHA-256 …", and
// whether the journal still gives what was signed; "not signed".
Items signature_items(const InfusionRecord& r);
Table amendment_table(const InfusionRecord& r);  // after signing: who, when, what, why, its signature
Table alarm_table(const InfusionRecord& r);
Table across_sessions_table(const InfusionRecord& r);  // dose (mg/kg) against peak BP and HR rise
Table no_data_table(const InfusionRecord& r);
Table vitals_table(const InfusionRecord& r);

std::string bp_text(double sys, double dia);  // "NIBP 220/120 mmHg"

}  // namespace vigil::record
