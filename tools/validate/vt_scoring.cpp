#include "tools/validate/vt_scoring.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>

#include "alerts/qrs_detector.hpp"
#include "alerts/vt_episode.hpp"
#include "core/json_string.hpp"
#include "tools/validate/ecg_record.hpp"
#include "tools/validate/fixed_decimals.hpp"
#include "tools/validate/wfdb_annotation.hpp"

namespace vigil::validate {

namespace {

constexpr std::size_t kShortestRun = 3;  // VT: 3 or more ventricular beats
constexpr double kMatchSeconds = 1.0;

struct Span {
  std::int64_t first = 0, last = 0;  // samples
  std::size_t beats = 0;
};

struct Reference {
  std::vector<Span> fast_runs;  // V runs of 3+ at >= the VT rate
  std::vector<Span> any_runs;   // V runs of 3+ at any rate
  std::vector<Span> vt_rhythm;  // (VT episodes
};

std::size_t length_group(std::size_t beats) {
  return beats < 6 ? 0 : beats <= 10 ? 1 : 2;
}

Reference read_reference(const std::filesystem::path& stem, double fs, std::int64_t end) {
  Reference ref;
  Span run;
  const auto close_run = [&] {
    if (run.beats >= kShortestRun) {
      ref.any_runs.push_back(run);
      const double rate =
          60.0 * static_cast<double>(run.beats - 1) * fs / static_cast<double>(run.last - run.first);
      if (rate >= alerts::VtEpisode::kRateBpm) ref.fast_runs.push_back(run);
    }
    run = {};
  };
  std::optional<std::int64_t> vt_since;
  for (const auto& a : read_wfdb_annotations(std::filesystem::path(stem.string() + ".atr"))) {
    if (a.code == annotation_code::rhythm_change) {
      if (vt_since) ref.vt_rhythm.push_back({*vt_since, a.sample, 0});
      vt_since.reset();
      if (a.aux == "(VT") vt_since = a.sample;
      continue;
    }
    if (!is_beat_annotation(a.code)) continue;
    if (a.code != annotation_code::pvc) {
      close_run();
      continue;
    }
    if (run.beats == 0) run.first = a.sample;
    run.last = a.sample;
    ++run.beats;
  }
  close_run();
  if (vt_since) ref.vt_rhythm.push_back({*vt_since, end, 0});
  return ref;
}

struct Called {
  std::int64_t onset = 0, raised = 0, end = 0;  // samples
};

// Whether one of our episodes is present from the span's first beat to
// kMatchSeconds after its last; the first such episode.
const Called* covering(const std::vector<Called>& calls, const Span& s, double fs) {
  const auto slack = static_cast<std::int64_t>(kMatchSeconds * fs);
  for (const auto& c : calls)
    if (c.raised <= s.last + slack && c.end >= s.first) return &c;
  return nullptr;
}

bool near_any(const std::vector<Span>& spans, std::int64_t sample, double fs) {
  const auto slack = static_cast<std::int64_t>(kMatchSeconds * fs);
  return std::any_of(spans.begin(), spans.end(),
                     [&](const Span& s) { return sample >= s.first - slack && sample <= s.last + slack; });
}

}  // namespace

VtRecordResult validate_vt(const std::filesystem::path& stem, std::size_t channel) {
  const EcgRecord ecg = read_ecg_record(stem, channel);
  const double fs = ecg.sampling_frequency;
  const auto end = static_cast<std::int64_t>(ecg.mv.size());
  const Reference ref = read_reference(stem, fs, end);

  alerts::QrsDetector detector{fs};
  alerts::VtEpisode episode;
  std::vector<alerts::QrsDetection> found;
  std::vector<Called> calls;
  const auto chunk = static_cast<std::size_t>(std::max(1.0, 0.25 * fs));
  const auto sample_of = [&](core::TimePoint t) {
    return static_cast<std::int64_t>(core::to_seconds(t.time_since_epoch()) * fs + 0.5);
  };
  for (std::size_t at = 0; at < ecg.mv.size(); at += chunk) {
    const std::size_t n = std::min(chunk, ecg.mv.size() - at);
    found.clear();
    detector.add(std::span<const float>(ecg.mv).subspan(at, n), found);
    const auto chunk_end = static_cast<std::int64_t>(at + n);
    for (const auto& q : found) {
      const bool before = episode.present();
      episode.on_beat(alerts::ecg_beat(q, at_sample(q.sample, fs)));
      if (episode.present() && !before) calls.push_back({sample_of(*episode.report().since), chunk_end, end});
      if (!episode.present() && before) calls.back().end = q.sample;
    }
  }

  VtRecordResult r;
  r.record = ecg.name;
  r.seconds = static_cast<double>(end) / fs;
  for (const auto& run : ref.fast_runs) {
    const std::size_t g = length_group(run.beats);
    ++r.runs[g];
    const Called* c = covering(calls, run, fs);
    if (!c) continue;
    ++r.found[g];
    if (g > 0 && c->onset >= run.first - static_cast<std::int64_t>(kMatchSeconds * fs))
      r.delays_s.push_back(static_cast<double>(c->raised - run.first) / fs);
  }
  r.vt_episodes = ref.vt_rhythm.size();
  for (const auto& e : ref.vt_rhythm) r.vt_episodes_found += covering(calls, e, fs) ? 1 : 0;
  r.calls = calls.size();
  for (const auto& c : calls)
    r.false_calls += near_any(ref.any_runs, c.onset, fs) || near_any(ref.vt_rhythm, c.onset, fs) ? 0 : 1;
  return r;
}

namespace {

VtRecordResult add_up(const std::vector<VtRecordResult>& rows) {
  VtRecordResult t;
  t.record = "total";
  for (const auto& r : rows) {
    t.seconds += r.seconds;
    for (std::size_t g = 0; g < kVtLengthGroups; ++g) {
      t.runs[g] += r.runs[g];
      t.found[g] += r.found[g];
    }
    t.vt_episodes += r.vt_episodes;
    t.vt_episodes_found += r.vt_episodes_found;
    t.calls += r.calls;
    t.false_calls += r.false_calls;
    t.delays_s.insert(t.delays_s.end(), r.delays_s.begin(), r.delays_s.end());
  }
  return t;
}

std::string found_of(std::size_t found, std::size_t all) {
  return all ? std::to_string(found) + "/" + std::to_string(all) : "-";
}

// Nearest rank, as the AF delays are reported.
std::string percentile(std::vector<double> v, double p) {
  if (v.empty()) return "-";
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(p * static_cast<double>(v.size()))));
  return fixed(v[rank - 1], 1);
}

void print_row(std::ostream& out, const VtRecordResult& r) {
  char line[240];
  const double hours = r.seconds / 3600;
  std::snprintf(line, sizeof line, "%-8s %6.2f %9s %9s %9s %9s %6zu %6zu %8.2f %7s %7s\n", r.record.c_str(),
                hours, found_of(r.found[0], r.runs[0]).c_str(), found_of(r.found[1], r.runs[1]).c_str(),
                found_of(r.found[2], r.runs[2]).c_str(), found_of(r.vt_episodes_found, r.vt_episodes).c_str(),
                r.calls, r.false_calls, hours > 0 ? static_cast<double>(r.false_calls) / hours : 0.0,
                percentile(r.delays_s, 0.5).c_str(), percentile(r.delays_s, 0.9).c_str());
  out << line;
}

}  // namespace

void print_vt_table(std::ostream& out, const std::vector<VtRecordResult>& rows) {
  out << "record   hours   V 3-5    V 6-10   V 11+     (VT       calls  false  false/h  delay50 delay90\n";
  for (const auto& r : rows) print_row(out, r);
  print_row(out, add_up(rows));
}

void print_vt_json(std::ostream& out, const std::vector<VtRecordResult>& rows) {
  const auto object = [&](const VtRecordResult& r) {
    out << "{\"record\":" << core::json_string(r.record) << ",\"seconds\":" << fixed(r.seconds, 1)
        << ",\"runs\":[" << r.runs[0] << "," << r.runs[1] << "," << r.runs[2] << "],\"found\":[" << r.found[0]
        << "," << r.found[1] << "," << r.found[2] << "],\"vt_episodes\":" << r.vt_episodes
        << ",\"vt_episodes_found\":" << r.vt_episodes_found << ",\"calls\":" << r.calls
        << ",\"false_calls\":" << r.false_calls
        << ",\"delay_s_median\":" << (r.delays_s.empty() ? "null" : percentile(r.delays_s, 0.5)) << "}";
  };
  out << "{\"command\":\"vt\",\"run_groups\":[\"3-5\",\"6-10\",\"11+\"],\"records\":[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out << (i ? "," : "");
    object(rows[i]);
  }
  out << "],\"total\":";
  object(add_up(rows));
  out << "}\n";
}

}  // namespace vigil::validate
