#include "tools/validate/validation_report.hpp"

#include <algorithm>
#include <cstdio>

#include "tools/validate/fixed_decimals.hpp"

namespace vigil::validate {

namespace {

std::string percent(double fraction) {
  return fixed(100.0 * fraction, 2);
}

// A rate whose denominator is empty (specificity of an all-AF record) is
// undefined, not zero: "-" in tables, null in JSON.
std::string percent_of(std::size_t num, std::size_t den) {
  return den == 0 ? "-" : percent(static_cast<double>(num) / static_cast<double>(den));
}
std::string json_fraction(std::size_t num, std::size_t den) {
  return den == 0 ? "null" : fixed(static_cast<double>(num) / static_cast<double>(den), 6);
}

std::string optional_seconds(const std::optional<double>& v) {
  return v ? fixed(*v, 1) : "-";
}

std::string json_number(const std::optional<double>& v, int decimals) {
  return v ? fixed(*v, decimals) : "null";
}

AfScore total_of(const std::vector<AfRecordRow>& rows) {
  AfScore total;
  for (const auto& r : rows) total += r.score;
  return total;
}

// Subtotals per group, in order of first appearance; empty with one group.
std::vector<std::pair<std::string, AfScore>> groups_of(const std::vector<AfRecordRow>& rows) {
  std::vector<std::pair<std::string, AfScore>> groups;
  for (const auto& r : rows) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == r.group; });
    if (it == groups.end()) it = groups.insert(groups.end(), {r.group, AfScore{}});
    it->second += r.score;
  }
  if (groups.size() < 2) groups.clear();
  return groups;
}

void af_row(std::ostream& out, const std::string& name, const AfScore& s) {
  char line[256];
  std::snprintf(
      line, sizeof line, "%-8s %8zu %8zu %7s %7s %7s %6s %5zu/%-5zu %7s %5zu\n", name.c_str(), s.beats(),
      s.true_positive + s.false_negative,
      percent_of(s.true_positive, s.true_positive + s.false_negative).c_str(),
      percent_of(s.true_negative, s.true_negative + s.false_positive).c_str(),
      percent_of(s.true_positive, s.true_positive + s.false_positive).c_str(),
      percent(s.beats() == 0 ? 0.0 : static_cast<double>(s.unavailable) / static_cast<double>(s.beats()))
          .c_str(),
      s.detected_episodes, s.reference_episodes, optional_seconds(s.median_delay()).c_str(),
      s.false_episodes);
  out << line;
}

void af_json_fields(std::ostream& out, const AfScore& s) {
  out << "\"beats\":" << s.beats() << ",\"af_beats\":" << s.true_positive + s.false_negative
      << ",\"true_positive\":" << s.true_positive << ",\"false_positive\":" << s.false_positive
      << ",\"true_negative\":" << s.true_negative << ",\"false_negative\":" << s.false_negative
      << ",\"unavailable_beats\":" << s.unavailable
      << ",\"sensitivity\":" << json_fraction(s.true_positive, s.true_positive + s.false_negative)
      << ",\"specificity\":" << json_fraction(s.true_negative, s.true_negative + s.false_positive)
      << ",\"ppv\":" << json_fraction(s.true_positive, s.true_positive + s.false_positive)
      << ",\"reference_episodes\":" << s.reference_episodes
      << ",\"detected_episodes\":" << s.detected_episodes << ",\"false_episodes\":" << s.false_episodes
      << ",\"median_detection_delay_s\":" << json_number(s.median_delay(), 2)
      << ",\"mean_detection_delay_s\":" << json_number(s.mean_delay(), 2)
      << ",\"p90_detection_delay_s\":" << json_number(s.delay_quantile(0.9), 2)
      << ",\"hours\":" << fixed(s.hours, 3);
}

}  // namespace

void print_af_table(std::ostream& out, const std::vector<AfRecordRow>& rows) {
  out << "record      beats  AF beats   Se %    Sp %   PPV %  unav%  episodes  delay s  false\n";
  for (const auto& r : rows) af_row(out, r.record, r.score);
  for (const auto& [name, score] : groups_of(rows)) {
    af_row(out, name.empty() ? "." : name, score);
    out << "  " << (name.empty() ? "." : name) << " detection delay: median "
        << optional_seconds(score.median_delay()) << " s, 90th percentile "
        << optional_seconds(score.delay_quantile(0.9)) << " s\n";
  }
  af_row(out, "total", total_of(rows));
  const AfScore total = total_of(rows);
  out << "detection delay over " << total.detection_delays.size() << " detected episodes: median "
      << optional_seconds(total.median_delay()) << " s, 90th percentile "
      << optional_seconds(total.delay_quantile(0.9)) << " s\n";
  out << "(episodes: detected/reference AF episodes; delay: median from episode start to first AF call;\n"
         " false: runs of AF calls with no reference AF beat; unav: beats with analysis unavailable)\n";
}

void print_af_json(std::ostream& out, const std::vector<AfRecordRow>& rows, const std::string& mode) {
  out << "{\"command\":\"af\",\"mode\":" << json_string(mode) << ",\"records\":[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out << (i ? "," : "") << "{\"record\":" << json_string(rows[i].record)
        << ",\"path\":" << json_string(rows[i].path) << ",";
    af_json_fields(out, rows[i].score);
    out << "}";
  }
  out << "],\"groups\":{";
  const auto groups = groups_of(rows);
  for (std::size_t i = 0; i < groups.size(); ++i) {
    out << (i ? "," : "") << json_string(groups[i].first) << ":{";
    af_json_fields(out, groups[i].second);
    out << "}";
  }
  out << "},\"total\":{";
  af_json_fields(out, total_of(rows));
  out << "}}\n";
}

void print_qrs_table(std::ostream& out, const std::vector<QrsRecordResult>& rows) {
  out << "record   ref beats  detected     TP    FP    FN    Se %   +P %  timing ms  mean SQI  artefact "
         "beats "
         "(FP)  artefact s\n";
  DetectionScore total;
  std::size_t reference = 0, detected = 0;
  auto row = [&](const std::string& name, const DetectionScore& s, std::size_t ref, std::size_t det,
                 const std::string& timing, const std::string& sqi, const std::string& artefact) {
    char line[256];
    std::snprintf(line, sizeof line, "%-8s %9zu %9zu %6zu %5zu %5zu %7s %6s %10s %9s %s\n", name.c_str(), ref,
                  det, s.true_positive, s.false_positive, s.false_negative, percent(s.sensitivity()).c_str(),
                  percent(s.positive_predictivity()).c_str(), timing.c_str(), sqi.c_str(), artefact.c_str());
    std::string text = line;
    text.erase(text.find_last_not_of(" \n") + 1);  // the total row leaves its last columns empty
    out << text << '\n';
  };
  for (const auto& r : rows) {
    const std::size_t ref = r.score.true_positive + r.score.false_negative;
    const std::size_t det = r.score.true_positive + r.score.false_positive;
    char artefact[64];
    std::snprintf(artefact, sizeof artefact, "%9zu %5zu %11.0f", r.artefact_beats, r.artefact_unmatched,
                  r.artefact_seconds);
    row(r.record, r.score, ref, det, fixed(r.timing_error_ms, 1), fixed(r.mean_quality, 2), artefact);
    total += r.score;
    reference += ref;
    detected += det;
  }
  row("total", total, reference, detected, "", "", "");
}

void print_qrs_json(std::ostream& out, const std::vector<QrsRecordResult>& rows) {
  DetectionScore total;
  out << "{\"command\":\"qrs\",\"match_window_ms\":" << kMatchWindow.count() << ",\"records\":[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    total += r.score;
    out << (i ? "," : "") << "{\"record\":" << json_string(r.record)
        << ",\"true_positive\":" << r.score.true_positive << ",\"false_positive\":" << r.score.false_positive
        << ",\"false_negative\":" << r.score.false_negative
        << ",\"sensitivity\":" << fixed(r.score.sensitivity(), 6)
        << ",\"positive_predictivity\":" << fixed(r.score.positive_predictivity(), 6)
        << ",\"mean_timing_error_ms\":" << fixed(r.timing_error_ms, 2)
        << ",\"mean_quality\":" << fixed(r.mean_quality, 4) << ",\"artefact_beats\":" << r.artefact_beats
        << ",\"artefact_unmatched_beats\":" << r.artefact_unmatched
        << ",\"artefact_seconds\":" << fixed(r.artefact_seconds, 2) << "}";
  }
  out << "],\"total\":{\"true_positive\":" << total.true_positive
      << ",\"false_positive\":" << total.false_positive << ",\"false_negative\":" << total.false_negative
      << ",\"sensitivity\":" << fixed(total.sensitivity(), 6)
      << ",\"positive_predictivity\":" << fixed(total.positive_predictivity(), 6) << "}}\n";
}

}  // namespace vigil::validate
