// The one MLLP framer and deframer, as the HL7 senders read their
// receivers' acknowledgements with it: frames out and back, whatever the
// reads split, with noise counted and said.
#include "drivers/hl7/mllp_framing.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

using namespace vigil::drivers;

namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

TEST_CASE("MLLP: an acknowledgement out and back, after noise and over a split read") {
  const std::string m = "MSH|^~\\&|A\rMSA|AA|V1\r";
  const auto f = mllp_frame(m);
  CHECK(f == "\x0b" + m + "\x1c\r");

  MllpDeframer d;
  std::vector<std::string> frames, errors;
  const auto keep = [&](const std::string& frame) { frames.push_back(frame); };
  const std::string noise = "noise";
  d.feed(bytes_of(noise), keep, errors);
  const std::string first = f.substr(0, 5), rest = f.substr(5) + f;
  d.feed(bytes_of(first), keep, errors);
  CHECK(frames.empty());
  d.feed(bytes_of(rest), keep, errors);
  CHECK(frames == std::vector<std::string>{m, m});
  CHECK(errors == std::vector<std::string>{"mllp: skipped 5 bytes before the next frame"});
  CHECK(d.stats().resyncs == 5);
  CHECK(d.stats().frames_bad == 0);
}

TEST_CASE("MLLP: a reply cut off by the link is counted bad and said, and the next connection starts clean") {
  MllpDeframer d;
  std::vector<std::string> frames, errors;
  const auto keep = [&](const std::string& frame) { frames.push_back(frame); };
  const std::string cut = "\x0bMSH|^~\\&|A\rMSA|A";
  d.feed(bytes_of(cut), keep, errors);
  d.reset(errors);
  CHECK(errors == std::vector<std::string>{"mllp: frame of 16 bytes cut short by the link"});
  CHECK(d.stats().frames_bad == 1);
  const auto whole = mllp_frame("MSH|^~\\&|A\rMSA|AA|V2\r");
  d.feed(bytes_of(whole), keep, errors);
  CHECK(frames == std::vector<std::string>{"MSH|^~\\&|A\rMSA|AA|V2\r"});
}
