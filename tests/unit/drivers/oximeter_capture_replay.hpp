#pragma once
// Golden capture replay for the Nonin and CMS50 codecs (gpsd-style regression:
// replay a recorded byte stream, diff the decoded output against a checked-in
// expectation). tests/captures/<protocol>/NAME.bin holds the raw bytes,
// NAME.expected the decoded events, one per line ('#' lines are comments):
//   send <hex bytes>            bytes the session sends in on_open
//   error <text>                one line per rejected frame or run of garbage
//   beat pulse                  a beat the device flagged
//   conditions <a,b|none>       the device's conditions, when they change
//   reading <metric> <value|-> <quality flags|ok>
//   stats bytes=.. frames_ok=.. frames_bad=.. resyncs=..
// The capture is fed one byte at a time, so the result cannot depend on how
// a transport happens to chunk it. To be unified at merge with the shared
// capture_replay.hpp another helper writes.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "core/device_condition.hpp"
#include "core/observation.hpp"
#include "drivers/device_session.hpp"

namespace vigil::test {

inline std::string oximeter_quality_text(core::Quality q) {
  using core::QualityFlag;
  constexpr std::pair<QualityFlag, const char*> kNames[] = {{QualityFlag::invalid, "invalid"},
                                                            {QualityFlag::artifact, "artifact"},
                                                            {QualityFlag::sensor_off, "sensor_off"},
                                                            {QualityFlag::low_perfusion, "low_perfusion"},
                                                            {QualityFlag::questionable, "questionable"}};
  std::string text;
  for (const auto& [flag, name] : kNames)
    if (q.has(flag)) text += (text.empty() ? "" : ",") + std::string(name);
  return text.empty() ? "ok" : text;
}

inline std::string oximeter_conditions_text(core::DeviceConditions c) {
  std::string text;
  for (const auto cond : core::kAllDeviceConditions)
    if (c.has(cond)) text += (text.empty() ? "" : ",") + std::string(core::condition_name(cond));
  return text.empty() ? "none" : text;
}

inline std::string oximeter_value_text(std::optional<double> v) {
  if (!v) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%g", *v);
  return text;
}

inline std::string oximeter_bytes_text(const std::vector<std::uint8_t>& bytes) {
  std::string text;
  for (const auto b : bytes) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%02x", b);
    text += (text.empty() ? "" : " ") + std::string(hex);
  }
  return text;
}

// Everything a session produced for one capture, one event per line.
inline std::vector<std::string> replay_oximeter_capture(drivers::DeviceSession& session,
                                                        const std::vector<std::uint8_t>& capture) {
  std::vector<std::string> lines;
  drivers::DecodeOutput out;
  session.on_open(out);
  if (!out.to_send.empty()) lines.push_back("send " + oximeter_bytes_text(out.to_send));
  std::optional<core::DeviceConditions> shown;
  for (const auto byte : capture) {
    out.clear();
    session.on_bytes(std::span<const std::uint8_t>(&byte, 1), out);
    for (const auto& e : out.errors) lines.push_back("error " + e);
    for (std::size_t i = 0; i < out.beats.size(); ++i) lines.emplace_back("beat pulse");
    if (out.conditions && out.conditions != shown) {
      shown = out.conditions;
      lines.push_back("conditions " + oximeter_conditions_text(*out.conditions));
    }
    for (const auto& r : out.readings)
      lines.push_back("reading " + std::string(core::name(r.metric)) + " " + oximeter_value_text(r.value) +
                      " " + oximeter_quality_text(r.quality));
  }
  const auto& s = session.stats();
  lines.push_back("stats bytes=" + std::to_string(s.bytes) + " frames_ok=" + std::to_string(s.frames_ok) +
                  " frames_bad=" + std::to_string(s.frames_bad) + " resyncs=" + std::to_string(s.resyncs));
  return lines;
}

inline std::vector<std::uint8_t> read_capture_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::vector<std::string> read_expected_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  return lines;
}

// Replays every NAME.bin in tests/captures/<folder> through a fresh session of
// `protocol` and compares with NAME.expected. Returns how many it replayed.
inline int check_oximeter_capture_folder(const std::string& folder, std::string_view protocol) {
  const auto* p = drivers::find_protocol(protocol);
  REQUIRE(p != nullptr);
  const std::filesystem::path dir = std::filesystem::path(VIGIL_SOURCE_DIR) / "tests" / "captures" / folder;
  REQUIRE(std::filesystem::is_directory(dir));
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".bin") continue;
    auto expected_path = entry.path();
    expected_path.replace_extension(".expected");
    INFO("capture " << entry.path().filename().string());
    REQUIRE(std::filesystem::exists(expected_path));
    const auto session = p->make_session();
    const auto got = replay_oximeter_capture(*session, read_capture_bytes(entry.path()));
    const auto want = read_expected_lines(expected_path);
    // Report the first difference only: one lost line must not bury it under hundreds.
    std::size_t i = 0;
    while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
    INFO("first difference at expected line " << i + 1 << " (comments not counted)");
    CHECK(std::string(i < got.size() ? got[i] : "<end>") == std::string(i < want.size() ? want[i] : "<end>"));
    ++replayed;
  }
  return replayed;
}

}  // namespace vigil::test
