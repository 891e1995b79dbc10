#include "tools/validate/vf_scoring.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <span>

#include "alerts/qrs_detector.hpp"
#include "alerts/vf_episode.hpp"
#include "core/json_string.hpp"
#include "tools/validate/ecg_record.hpp"
#include "tools/validate/fixed_decimals.hpp"

namespace vigil::validate {

namespace {

void count_judgement(const alerts::VfJudgement& j, VfRecordResult& r) {
  ++r.judgements;
  r.vf_like += j.vf_like ? 1 : 0;
  r.low_leakage += j.leakage <= alerts::VfDetector::kMaxLeakage ? 1 : 0;
  r.high_tcsc += j.tcsc >= alerts::VfDetector::kMinTcsc ? 1 : 0;
  r.min_leakage = std::min(r.min_leakage, j.leakage);
  r.max_tcsc = std::max(r.max_tcsc, j.tcsc);
}

}  // namespace

VfRecordResult validate_vf(const std::filesystem::path& stem, std::size_t channel) {
  const EcgRecord ecg = read_ecg_record(stem, channel);
  const double fs = ecg.sampling_frequency;
  const std::vector<float>& mv = ecg.mv;

  VfRecordResult r;
  r.record = ecg.name;
  r.seconds = static_cast<double>(mv.size()) / fs;
  alerts::QrsDetector detector{fs};
  alerts::VfEpisode episode;
  std::vector<alerts::QrsDetection> found;
  const auto chunk = static_cast<std::size_t>(std::max(1.0, 0.25 * fs));
  std::int64_t last = 0;
  for (std::size_t at = 0; at < mv.size(); at += chunk) {
    const std::size_t n = std::min(chunk, mv.size() - at);
    found.clear();
    detector.add(std::span<const float>(mv).subspan(at, n), found);
    const auto& j = detector.vf_judgement();
    // A judgement is made once a second; a chunk without one repeats the last.
    if (j && j->end_sample != last) count_judgement(*j, r);
    if (j) last = j->end_sample;
    const bool before = episode.present();
    const auto from = static_cast<std::int64_t>(at);
    episode.on_coverage(at_sample(from, fs), at_sample(from + static_cast<std::int64_t>(n), fs),
                        detector.vf_like(), detector.flat());
    if (episode.present() && !before) ++r.episodes;
    if (episode.present()) r.episode_seconds += static_cast<double>(n) / fs;
  }
  return r;
}

void print_vf_table(std::ostream& out, const std::vector<VfRecordResult>& rows) {
  out << "record   ECG s  judged  VF-like  leakage<=  TCSC>=  min leakage  max TCSC  VF alarms  VF s\n";
  VfRecordResult total;
  total.record = "total";
  for (const auto& r : rows) {
    char line[200];
    std::snprintf(line, sizeof line, "%-8s %5.0f %7zu %8zu %10zu %7zu %12.3f %9.3f %10zu %5.0f\n",
                  r.record.c_str(), r.seconds, r.judgements, r.vf_like, r.low_leakage, r.high_tcsc,
                  r.min_leakage, r.max_tcsc, r.episodes, r.episode_seconds);
    out << line;
    total.seconds += r.seconds;
    total.judgements += r.judgements;
    total.vf_like += r.vf_like;
    total.low_leakage += r.low_leakage;
    total.high_tcsc += r.high_tcsc;
    total.min_leakage = std::min(total.min_leakage, r.min_leakage);
    total.max_tcsc = std::max(total.max_tcsc, r.max_tcsc);
    total.episodes += r.episodes;
    total.episode_seconds += r.episode_seconds;
  }
  char line[200];
  std::snprintf(line, sizeof line, "%-8s %5.0f %7zu %8zu %10zu %7zu %12.3f %9.3f %10zu %5.0f\n", "total",
                total.seconds, total.judgements, total.vf_like, total.low_leakage, total.high_tcsc,
                total.min_leakage, total.max_tcsc, total.episodes, total.episode_seconds);
  out << line;
}

void print_vf_json(std::ostream& out, const std::vector<VfRecordResult>& rows) {
  out << "{\"command\":\"vf\",\"records\":[";
  std::size_t episodes = 0, vf_like = 0;
  double seconds = 0, episode_seconds = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    out << (i ? "," : "") << "{\"record\":" << core::json_string(r.record)
        << ",\"seconds\":" << fixed(r.seconds, 1) << ",\"judgements\":" << r.judgements
        << ",\"vf_like\":" << r.vf_like << ",\"low_leakage\":" << r.low_leakage
        << ",\"high_tcsc\":" << r.high_tcsc << ",\"min_leakage\":" << fixed(r.min_leakage, 4)
        << ",\"max_tcsc\":" << fixed(r.max_tcsc, 4) << ",\"vf_alarms\":" << r.episodes
        << ",\"vf_seconds\":" << fixed(r.episode_seconds, 2) << "}";
    episodes += r.episodes;
    vf_like += r.vf_like;
    seconds += r.seconds;
    episode_seconds += r.episode_seconds;
  }
  out << "],\"total\":{\"seconds\":" << fixed(seconds, 1) << ",\"vf_like\":" << vf_like
      << ",\"vf_alarms\":" << episodes << ",\"vf_seconds\":" << fixed(episode_seconds, 2) << "}}\n";
}

}  // namespace vigil::validate
