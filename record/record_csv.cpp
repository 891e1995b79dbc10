// The record's vital-signs table as CSV: one row per table row (cadence,
// cuff reading, alarm), times in UTC, units in the header row.
#include "record/record_formats.hpp"
#include "record/time_text.hpp"

namespace vigil::record {
using core::Metric;

namespace {

std::string field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string{"\"\""} : std::string{c};
  return q + "\"";
}

constexpr Metric kColumns[] = {Metric::spo2,      Metric::pulse_rate,    Metric::heart_rate,
                               Metric::resp_rate, Metric::nibp_systolic, Metric::nibp_diastolic,
                               Metric::nibp_mean};

}  // namespace

std::string record_csv(const InfusionRecord& r) {
  std::string s = "time (UTC),session,bed,patient,reason";
  for (Metric m : kColumns)
    s += "," + field(std::string{core::label(m)} + " (" + std::string{core::display_unit(m)} + ")");
  s += ",drill,provisional\n";
  for (const auto& row : r.vitals) {
    s += utc_iso(row.time) + "," + std::to_string(r.session_id) + "," + field(r.bed) + "," +
         field(r.patient_id) + "," + field(row.reason);
    for (Metric m : kColumns)
      s += "," + (row.values.count(m) ? number_text(row.values.at(m), 1) : std::string{});
    s += std::string{","} + (r.drill ? "1" : "0") + "," + (r.provisional ? "1" : "0") + "\n";
  }
  return s;
}

}  // namespace vigil::record
