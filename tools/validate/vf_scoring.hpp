#pragma once
// False VF calls on records without VF: each WFDB record's ECG goes through
// the live path a monitor's stream takes in vigild (the QRS detector with
// its VF judgement, fed in 0.25 s chunks; each chunk's coverage to the bed's
// VF episode on the record's own clock), and what was called is counted.
// The MIT-BIH Arrhythmia records we hold have no VF (207, the one with
// ventricular flutter, is not among them), so every second called is false.
#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace vigil::validate {

struct VfRecordResult {
  std::string record;
  double seconds = 0;           // of ECG
  std::size_t judgements = 0;   // VfDetector windows judged (one a second)
  std::size_t vf_like = 0;      // of them VF-like
  std::size_t low_leakage = 0;  // passing the filter-leakage test alone
  std::size_t high_tcsc = 0;    // passing the TCSC test alone
  double min_leakage = 1;
  double max_tcsc = 0;
  std::size_t episodes = 0;    // ventricular_fibrillation conditions started
  double episode_seconds = 0;  // time the condition was present
};

// Signal `channel` of the record at `stem` (DIR/RECORD: .hea, .dat).
VfRecordResult validate_vf(const std::filesystem::path& stem, std::size_t channel = 0);

void print_vf_table(std::ostream& out, const std::vector<VfRecordResult>& rows);
void print_vf_json(std::ostream& out, const std::vector<VfRecordResult>& rows);

}  // namespace vigil::validate
