#include "daemon/ecg_beat_source.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "../alerts/synthetic_signals.hpp"
#include "drivers/hl7/hl7_oru_r01.hpp"
#include "drivers/hl7/mllp_codec.hpp"
#include "tests/unit/shared_data.hpp"
#include "tools/validate/annotated_record.hpp"
#include "tools/validate/qrs_scoring.hpp"
#include "tools/validate/wfdb_header.hpp"
#include "tools/validate/wfdb_signal.hpp"

using namespace vigil;
using namespace std::chrono_literals;
using daemon::EcgBeatSource;
using daemon::EcgOutput;
using drivers::WaveformSegment;

namespace {

const core::TimePoint kStreamStart{std::chrono::hours{24 * 365 * 50}};
// A device clock eight minutes off ours: only its differences may count.
const core::TimePoint kDeviceStart = kStreamStart - 8min;

WaveformSegment segment(const std::vector<float>& ecg, double fs, std::size_t second,
                        std::uint32_t lead = 131330, bool with_time = true) {
  WaveformSegment w;
  w.mdc_code = lead;
  w.label = lead == 131330 ? "ECG II" : "ECG I";
  w.channel = lead == 131330 ? "1.1.1.2" : "1.1.1.1";
  w.sampling_hz = fs;
  const auto n = static_cast<std::size_t>(fs);
  w.samples.assign(ecg.begin() + static_cast<std::ptrdiff_t>(second * n),
                   ecg.begin() + static_cast<std::ptrdiff_t>((second + 1) * n));
  if (with_time) w.first_sample_time = kDeviceStart + std::chrono::seconds{second};
  return w;
}

double seconds_since_start(core::TimePoint t) {
  return core::to_seconds(t - kStreamStart);
}

// The beat nearest to `t` (seconds since kStreamStart), in seconds; a large number when none.
double nearest(const std::vector<alerts::Beat>& beats, double t) {
  double best = 1e9;
  for (const auto& b : beats) best = std::min(best, std::abs(seconds_since_start(b.time) - t));
  return best;
}

// Whether `t` (seconds since kStreamStart) is within 10 ms of a true R wave.
bool on_a_real_beat(const std::vector<double>& truth, double t) {
  for (const double r : truth)
    if (std::abs(r - t) < 0.01) return true;
  return false;
}

}  // namespace

TEST_CASE("ECG beats are timed on the waveform's sample clock, not on when the segments arrived") {
  const double fs = 250;
  const auto beats = alerts::test::beat_times(alerts::test::sinus_rr(40, 0.8), 0.5);
  const auto ecg = alerts::test::ecg(beats, fs, 30);
  EcgBeatSource source;
  EcgOutput out;
  for (std::size_t s = 0; s < 30; ++s) {
    const auto w = segment(ecg, fs, s);
    // Segments arrive late by a varying 50-450 ms: the beat times must not move with it.
    const auto now =
        kStreamStart + std::chrono::seconds{s + 1} + std::chrono::milliseconds{50 + 100 * (s % 5)};
    if (s == 0) {
      source.on_segments("mon", std::span(&w, 1), kStreamStart + 1s, out);
    } else {
      source.on_segments("mon", std::span(&w, 1), now, out);
    }
  }
  CHECK(source.active() == "mon/1.1.1.2");
  // The first 2 s are the detector's learning period; the beats in it are kept.
  std::size_t matched = 0;
  for (const double t : beats) {
    if (t > 29.5) break;
    if (nearest(out.beats, t) < 0.01) ++matched;
  }
  CHECK(matched >= 35);
  CHECK(out.beats.size() == matched);
  for (const auto& b : out.beats) {
    CHECK(b.source == alerts::BeatSource::ecg);
    REQUIRE(b.quality.has_value());
  }
  CHECK(*out.beats.back().quality > 0.9);
  // One coverage per segment, end to end.
  REQUIRE(out.coverage.size() == 30);
  CHECK(out.coverage[1].first == out.coverage[0].end);
  CHECK(out.notes.size() == 1);  // "ECG beats now from mon ECG II"
}

TEST_CASE("a missing segment restarts the detector instead of inventing or shifting beats") {
  const double fs = 250;
  const auto beats = alerts::test::beat_times(alerts::test::sinus_rr(40, 0.8), 0.5);
  const auto ecg = alerts::test::ecg(beats, fs, 30);
  EcgBeatSource source;
  EcgOutput out;
  for (std::size_t s = 0; s < 30; ++s) {
    if (s >= 10 && s < 13) continue;  // three segments lost on the way
    const auto w = segment(ecg, fs, s);
    source.on_segments("mon", std::span(&w, 1), kStreamStart + std::chrono::seconds{s + 1}, out);
  }
  REQUIRE(out.notes.size() == 2);
  CHECK(out.notes[1] == "mon ECG II: QRS detector restarted: device time jumps by 3.00 s between segments");
  for (const auto& b : out.beats) {
    const double t = seconds_since_start(b.time);
    CHECK_FALSE((t > 10.0 && t < 13.0));
    CHECK(on_a_real_beat(beats, t));
  }
  CHECK(nearest(out.beats, beats[20]) < 0.01);  // found again after the gap
}

TEST_CASE("without device times a stalled link restarts the detector and re-anchors its clock") {
  const double fs = 250;
  const auto beats = alerts::test::beat_times(alerts::test::sinus_rr(40, 0.8), 0.5);
  const auto ecg = alerts::test::ecg(beats, fs, 30);
  EcgBeatSource source;
  EcgOutput out;
  for (std::size_t s = 0; s < 20; ++s) {
    const auto w = segment(ecg, fs, s, 131330, false);
    // Seconds 10-19 arrive 5 s late (a stalled gateway), as if they were new.
    const auto now = kStreamStart + std::chrono::seconds{s + 1} + (s >= 10 ? 5s : 0s);
    source.on_segments("mon", std::span(&w, 1), now, out);
  }
  REQUIRE(out.notes.size() == 2);
  CHECK(out.notes[1] ==
        "mon ECG II: QRS detector restarted: data are 5.00 s late (some missing, or the link stalled)");
}

TEST_CASE("of two leads of one monitor only lead II gives beats; lead I takes over when lead II stops") {
  const double fs = 250;
  const auto beats = alerts::test::beat_times(alerts::test::sinus_rr(40, 0.8), 0.5);
  const auto ecg = alerts::test::ecg(beats, fs, 30);
  EcgBeatSource source;
  EcgOutput out;
  for (std::size_t s = 0; s < 25; ++s) {
    std::vector<WaveformSegment> segs{segment(ecg, fs, s, 131329)};
    if (s < 12) segs.push_back(segment(ecg, fs, s, 131330));
    source.on_segments("mon", segs, kStreamStart + std::chrono::seconds{s + 1}, out);
    if (s == 11) CHECK(source.active() == "mon/1.1.1.2");
  }
  CHECK(source.active() == "mon/1.1.1.1");
  // No beat twice: every interval is a real RR interval.
  for (std::size_t k = 1; k < out.beats.size(); ++k) CHECK(out.beats[k].time - out.beats[k - 1].time > 500ms);
  CHECK(nearest(out.beats, beats[25]) < 0.01);
}

TEST_CASE(
    "MIT-BIH record 100 sent as 1 s HL7 ORU^R01 ECG segments: beats match the reference, Se and +P >= 99 %") {
  const auto data = test::shared_data();
  if (!data) return;
  const std::filesystem::path stem = std::filesystem::path(*data) / "mitdb" / "100";
  const auto header = validate::read_wfdb_header(stem.string() + ".hea");
  const auto signals = validate::read_wfdb_signals(header, stem.parent_path());
  const auto reference = validate::load_annotated_record(stem, validate::WfdbBeats::reference).beats;
  const double fs = header.sampling_frequency;
  REQUIRE(fs == 360);
  const auto& adu = signals.adu[0];  // MLII
  const auto per_segment = static_cast<std::size_t>(fs);

  auto session = drivers::make_hl7_session();
  EcgBeatSource source;
  EcgOutput out;
  drivers::DecodeOutput decoded;
  std::size_t segments = 0, errors = 0;
  for (std::size_t start = 0; start + per_segment <= adu.size(); start += per_segment, ++segments) {
    drivers::OruR01 msg;
    msg.control_id = "M" + std::to_string(segments);
    msg.message_time = kDeviceStart + std::chrono::seconds{segments + 1};
    WaveformSegment w;
    w.mdc_code = 131330;
    w.sampling_hz = fs;
    w.first_sample_time = kDeviceStart + std::chrono::seconds{segments};
    for (std::size_t i = start; i < start + per_segment; ++i)
      w.samples.push_back(static_cast<float>(validate::to_physical(adu[i], header.signals[0])));
    msg.waveforms.push_back(std::move(w));
    const auto bytes = drivers::mllp_frame(drivers::encode_oru_r01(msg));
    decoded.clear();
    session->on_bytes(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), decoded);
    errors += decoded.errors.size();
    source.on_segments("mon", decoded.waveforms, kStreamStart + std::chrono::seconds{segments + 1}, out);
  }
  CHECK(errors == 0);
  std::vector<std::int64_t> detected;
  double quality = 0;
  for (const auto& b : out.beats) {
    detected.push_back(std::llround(seconds_since_start(b.time) * fs));
    quality += b.quality.value_or(0);
  }
  // The record's last 0.3 s do not fill a segment; leave out beats there.
  const auto sent = static_cast<std::int64_t>(segments * per_segment);
  std::vector<std::int64_t> ref;
  for (const auto r : reference)
    if (r < sent) ref.push_back(r);
  const auto score = validate::match_beats(ref, detected, std::llround(0.150 * fs));
  std::printf(
      "record 100 via HL7 ORU^R01 1 s segments: %zu reference, %zu detected, TP %zu FP %zu FN %zu, "
      "Se %.2f %% +P %.2f %%, mean SQI %.2f\n",
      ref.size(), detected.size(), score.true_positive, score.false_positive, score.false_negative,
      100 * score.sensitivity(), 100 * score.positive_predictivity(),
      quality / static_cast<double>(std::max<std::size_t>(1, detected.size())));
  CHECK(score.sensitivity() >= 0.99);
  CHECK(score.positive_predictivity() >= 0.99);
  CHECK(out.notes.size() == 1);  // no restarts on an unbroken stream
}

TEST_CASE(
    "a first segment that came late does not leave every later beat late: the clock settles on the soonest") {
  const double fs = 250;
  const auto beats = alerts::test::beat_times(alerts::test::sinus_rr(40, 0.8), 0.5);
  const auto ecg = alerts::test::ecg(beats, fs, 20);
  for (const bool with_time : {true, false}) {
    EcgBeatSource source;
    EcgOutput out;
    for (std::size_t s = 0; s < 20; ++s) {
      const auto w = segment(ecg, fs, s, 131330, with_time);
      const auto late = s == 0 ? 400ms : 0ms;
      source.on_segments("mon", std::span(&w, 1), kStreamStart + std::chrono::seconds{s + 1} + late, out);
    }
    CHECK(out.notes.size() == 1);  // moved, not restarted
    for (const auto& b : out.beats)
      if (seconds_since_start(b.time) > 2.0) CHECK(on_a_real_beat(beats, seconds_since_start(b.time)));
    CHECK(nearest(out.beats, beats[20]) < 0.01);
  }
}

TEST_CASE("the lead with clearly better signal takes over while the one in use still streams") {
  const double fs = 250;
  const auto beats = alerts::test::beat_times(alerts::test::sinus_rr(60, 0.8), 0.5);
  const auto clean = alerts::test::ecg(beats, fs, 45);
  // Lead II turns noisy (electrode rubbing, 0.5 mV of noise) after 15 s.
  const auto noisy = alerts::test::ecg(beats, fs, 45, 0.5, 11);
  EcgBeatSource source;
  EcgOutput out;
  std::size_t switched_at = 0;
  std::vector<alerts::Beat> late;  // the beats of the last 5 s
  for (std::size_t s = 0; s < 40; ++s) {
    out.clear();
    const auto& lead_ii = s < 15 ? clean : noisy;
    std::vector<WaveformSegment> segs{segment(clean, fs, s, 131329), segment(lead_ii, fs, s, 131330)};
    source.on_segments("mon", segs, kStreamStart + std::chrono::seconds{s + 1}, out);
    if (s < 15) CHECK(source.active() == "mon/1.1.1.2");
    if (!switched_at && source.active() == "mon/1.1.1.1") switched_at = s;
    if (s >= 35) late.insert(late.end(), out.beats.begin(), out.beats.end());
  }
  INFO("switched at " << switched_at << " s");
  CHECK(switched_at >= 15);
  CHECK(switched_at < 25);
  CHECK(source.active() == "mon/1.1.1.1");
  // The clean lead's beats: every one on a real R wave, none missed.
  CHECK(late.size() >= 5);
  for (const auto& b : late) CHECK(on_a_real_beat(beats, seconds_since_start(b.time)));
}
