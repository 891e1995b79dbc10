#include "drivers/auto_detect.hpp"

#include <vector>

namespace vigil::drivers {
namespace {

constexpr std::uint64_t kFramesToDecide = 3;

class AutoSession final : public DeviceSession {
 public:
  AutoSession() {
    for (const auto& p : protocols())
      if (!p.needs_request && p.name != "auto") candidates_.push_back({&p, p.make_session()});
  }

  void on_bytes(std::span<const std::uint8_t> bytes, DecodeOutput& out) override {
    stats_.bytes += bytes.size();
    if (chosen_) return chosen_->on_bytes(bytes, out);
    DecodeOutput scratch;
    for (auto& c : candidates_) {
      scratch.clear();
      c.session->on_bytes(bytes, scratch);
    }
    const Candidate* best = nullptr;
    int ready = 0;
    for (const auto& c : candidates_) {
      const auto& s = c.session->stats();
      if (s.frames_ok >= kFramesToDecide && s.frames_bad == 0) {
        ++ready;
        best = &c;
      }
    }
    if (ready != 1) return;
    chosen_ = best->protocol->make_session();
    chosen_name_ = best->protocol->name;
    out.notes.push_back("detected protocol " + std::string{chosen_name_} + " after " +
                        std::to_string(stats_.bytes) + " bytes");
    candidates_.clear();
    // The chosen session starts afresh on the next bytes: frames already seen
    // were only evidence, not readings to report late.
  }

  void on_tick(core::TimePoint now, DecodeOutput& out) override {
    if (chosen_) chosen_->on_tick(now, out);
  }

  const CodecStats& stats() const override {
    if (!chosen_) return stats_;
    combined_ = chosen_->stats();
    combined_.bytes = stats_.bytes;
    // Detection frames count as good: they proved the link alive.
    combined_.frames_ok += kFramesToDecide;
    return combined_;
  }

 private:
  struct Candidate {
    const Protocol* protocol;
    std::unique_ptr<DeviceSession> session;
  };
  std::vector<Candidate> candidates_;
  std::unique_ptr<DeviceSession> chosen_;
  std::string_view chosen_name_;
  CodecStats stats_;
  mutable CodecStats combined_;
};

}  // namespace

std::unique_ptr<DeviceSession> make_auto_session() {
  return std::make_unique<AutoSession>();
}

}  // namespace vigil::drivers
