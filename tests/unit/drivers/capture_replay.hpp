#pragma once
// Golden-capture replay, gpsfake style: every capture file in a folder goes
// through a fresh session of a protocol, and the decoded output, written one
// item per line, must equal NAME.expected next to the capture. Any protocol
// reuses it: put captures under tests/captures/<protocol>/ and call
// replay_captures("<protocol>", folder, ".ext").
//
// The capture is fed one byte at a time (so every frame's output, its
// conditions included, shows on its own lines) and then again in one chunk;
// both feeds must agree on readings, errors, bytes sent and counters.
//
// To write .expected files for new captures, run the suite with
// VIGIL_UPDATE_CAPTURES=1, then read every line before committing it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/device_condition.hpp"
#include "core/observation.hpp"
#include "drivers/device_session.hpp"

namespace vigil::test {

inline std::string format_time(core::TimePoint t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss tod{floor<milliseconds>(t - day)};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()), static_cast<int>(tod.subseconds().count()));
  return buf;
}

inline std::string format_quality(core::Quality q) {
  using core::QualityFlag;
  constexpr std::pair<QualityFlag, std::string_view> names[] = {
      {QualityFlag::invalid, "invalid"},           {QualityFlag::artifact, "artifact"},
      {QualityFlag::sensor_off, "sensor_off"},     {QualityFlag::low_perfusion, "low_perfusion"},
      {QualityFlag::questionable, "questionable"},
  };
  std::string out;
  for (const auto& [flag, name] : names) {
    if (q.has(flag)) out += (out.empty() ? "" : ",") + std::string(name);
  }
  return out.empty() ? "ok" : out;
}

inline std::string format_conditions(core::DeviceConditions c) {
  std::string out;
  for (auto cond : core::kAllDeviceConditions) {
    if (c.has(cond)) out += (out.empty() ? "" : ",") + std::string(core::condition_name(cond));
  }
  return out.empty() ? "none" : out;
}

inline std::string format_reading(const core::Reading& r) {
  std::ostringstream s;
  s.precision(10);
  s << "reading " << core::name(r.metric) << " ";
  if (r.value)
    s << *r.value;
  else
    s << "-";
  s << " " << format_quality(r.quality);
  if (r.device_time) s << " measured " << format_time(*r.device_time);
  return s.str();
}

// Printable ASCII as is; CR as \r, LF as \n, other bytes as \xHH.
inline std::string format_bytes(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  for (auto b : bytes) {
    if (b == '\r')
      out += "\\r";
    else if (b == '\n')
      out += "\\n";
    else if (b == '\\')
      out += "\\\\";
    else if (b >= 0x20 && b < 0x7F)
      out += static_cast<char>(b);
    else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", b);
      out += buf;
    }
  }
  return out;
}

inline void describe(const drivers::DecodeOutput& out, std::string& text) {
  for (const auto& r : out.readings) text += format_reading(r) + "\n";
  for (const auto& b : out.beats) {
    text += std::string("beat ") + (b.rr ? "rr " + std::to_string(b.rr->count()) + "us" : "") + "\n";
  }
  if (out.conditions) text += "conditions " + format_conditions(*out.conditions) + "\n";
  for (const auto& e : out.errors) text += "error " + e + "\n";
  if (!out.to_send.empty()) text += "send " + format_bytes(out.to_send) + "\n";
}

inline std::string describe_stats(const drivers::CodecStats& s) {
  return "stats bytes=" + std::to_string(s.bytes) + " frames_ok=" + std::to_string(s.frames_ok) +
         " frames_bad=" + std::to_string(s.frames_bad) + " resyncs=" + std::to_string(s.resyncs) + "\n";
}

// Everything but conditions, which only the latest frame of a chunk keeps.
inline std::string describe_flat(const drivers::DecodeOutput& out) {
  drivers::DecodeOutput copy = out;
  copy.conditions.reset();
  std::string text;
  describe(copy, text);
  return text;
}

struct CaptureReplay {
  std::filesystem::path capture;
  std::string expected;  // the .expected file, empty when missing
  std::string actual;    // byte-by-byte replay, described
  bool chunking_agrees = false;
};

inline std::vector<std::uint8_t> read_bytes(const std::filesystem::path& p) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(p, ec);
  std::vector<std::uint8_t> bytes(ec ? 0 : size);
  std::ifstream in(p, std::ios::binary);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

inline CaptureReplay replay_capture(const drivers::Protocol& protocol, const std::filesystem::path& capture) {
  CaptureReplay r{capture, {}, {}, false};
  const auto bytes = read_bytes(capture);
  drivers::DecodeOutput out, all;
  auto session = protocol.make_session();
  session->on_open(out);
  describe(out, r.actual);
  // What a session sends when the link opens (an association request, say)
  // is part of both feeds.
  all = out;
  for (auto b : bytes) {
    out.clear();
    session->on_bytes(std::span(&b, 1), out);
    describe(out, r.actual);
    all.readings.insert(all.readings.end(), out.readings.begin(), out.readings.end());
    all.errors.insert(all.errors.end(), out.errors.begin(), out.errors.end());
    all.to_send.insert(all.to_send.end(), out.to_send.begin(), out.to_send.end());
  }
  r.actual += describe_stats(session->stats());

  auto whole = protocol.make_session();
  drivers::DecodeOutput once;
  whole->on_open(once);
  whole->on_bytes(bytes, once);
  r.chunking_agrees = describe_flat(once) == describe_flat(all) &&
                      describe_stats(whole->stats()) == describe_stats(session->stats());

  auto expected_path = capture;
  expected_path.replace_extension(".expected");
  if (std::getenv("VIGIL_UPDATE_CAPTURES") != nullptr) std::ofstream(expected_path) << r.actual;
  const auto expected = read_bytes(expected_path);
  r.expected.assign(expected.begin(), expected.end());
  return r;
}

// Every file in `folder` whose name ends in `extension`, in name order.
inline std::vector<CaptureReplay> replay_captures(std::string_view protocol_name,
                                                  const std::filesystem::path& folder,
                                                  std::string_view extension) {
  std::vector<CaptureReplay> results;
  const auto* protocol = drivers::find_protocol(protocol_name);
  if (protocol == nullptr || !std::filesystem::is_directory(folder)) return results;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(folder)) {
    if (e.is_regular_file() && e.path().extension() == extension) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) results.push_back(replay_capture(*protocol, f));
  return results;
}

}  // namespace vigil::test
