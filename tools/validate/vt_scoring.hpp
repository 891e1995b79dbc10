#pragma once
// Ventricular tachycardia calls on annotated records: each WFDB record's ECG
// goes through the live path a monitor's stream takes in vigild (the QRS
// detector with its shape classifier, fed in 0.25 s chunks; each beat to the
// bed's VT episode, alerts/vt_episode.hpp, on the record's own clock), and
// the episodes called are held against the reference:
//  - runs of consecutive beats annotated `V` (3 or more at a mean rate of
//    100/min or more: VT by the guideline's definition), by run length;
//  - rhythm episodes annotated `(VT`.
// A reference run or episode is found when a VT episode of ours is present
// at some time from its first beat to 1 s after its last (the condition's
// decision waits for the beat's shape). A call is false when its onset is
// not within 1 s of a run of 3 or more `V` beats (at any rate) or a `(VT`
// episode.
#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace vigil::validate {

// Run lengths reported apart: 3-5 beats (VT by definition, shorter than the
// alarm's run), 6-10, 11 and more.
inline constexpr std::size_t kVtLengthGroups = 3;

struct VtRecordResult {
  std::string record;
  double seconds = 0;
  std::size_t runs[kVtLengthGroups] = {};   // reference V runs at >= 100/min, by length group
  std::size_t found[kVtLengthGroups] = {};  // of them with a VT episode of ours present
  std::size_t vt_episodes = 0;              // reference (VT rhythm episodes
  std::size_t vt_episodes_found = 0;
  std::size_t calls = 0;         // VT episodes of ours started
  std::size_t false_calls = 0;   // of them not on a V run or (VT episode
  std::vector<double> delays_s;  // found runs of 6+ beats: from the run's first beat to our call
};

// Signal `channel` of the record at `stem` (DIR/RECORD: .hea, .dat, .atr).
VtRecordResult validate_vt(const std::filesystem::path& stem, std::size_t channel = 0);

void print_vt_table(std::ostream& out, const std::vector<VtRecordResult>& rows);
void print_vt_json(std::ostream& out, const std::vector<VtRecordResult>& rows);

}  // namespace vigil::validate
