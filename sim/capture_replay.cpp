#include "sim/capture_replay.hpp"

#include <algorithm>

namespace vigil::sim {

PortSpec default_replay_port(const std::string& device, const std::string& pty_dir) {
  std::string name = device;
  std::replace(name.begin(), name.end(), '/', '-');
  return {PortSpec::Kind::pty, pty_dir + "/" + name};
}

CaptureReplay::CaptureReplay(boost::asio::io_context& io, const drivers::Capture& capture,
                             std::vector<ReplayTarget> targets, double speed, Say say)
    : io_{io}, speed_{speed}, say_{std::move(say)}, timer_{io} {
  for (auto& t : targets) ports_[t.device] = make_port(io_, t.port);
  for (const auto& r : capture.records) {
    if (r.kind == drivers::CaptureRecord::Kind::tx || !ports_.count(r.device)) continue;
    records_.push_back(r);
  }
  // Runs appended to one file follow each other; within a run, file order is time order.
  std::stable_sort(records_.begin(), records_.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });
}

core::Duration CaptureReplay::length() const {
  return records_.empty() ? core::Duration{} : records_.back().time - records_.front().time;
}

std::vector<std::string> CaptureReplay::describe_ports() const {
  std::vector<std::string> v;
  for (const auto& [device, port] : ports_) v.push_back(device + " on " + port->describe());
  return v;
}

void CaptureReplay::start(bool wait_for_reader, std::function<void()> finished) {
  finished_ = std::move(finished);
  for (auto& [device, port] : ports_) port->plug();
  if (wait_for_reader) return wait_for_readers();
  started_ = std::chrono::steady_clock::now();
  step();
}

void CaptureReplay::wait_for_readers() {
  const bool all =
      std::all_of(ports_.begin(), ports_.end(), [](const auto& p) { return p.second->listening(); });
  if (all) {
    say_("replay: every port has a reader; playing " + std::to_string(records_.size()) + " records");
    started_ = std::chrono::steady_clock::now();
    return step();
  }
  timer_.expires_after(std::chrono::milliseconds{50});
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) wait_for_readers();
  });
}

void CaptureReplay::play(const drivers::CaptureRecord& r) {
  auto& port = *ports_.at(r.device);
  if (r.kind == drivers::CaptureRecord::Kind::link) {
    // Down before any data is vigild not finding the device yet, which the
    // desk reproduces by itself; down after data is a line that closed (a
    // cable pulled). The line is closed and at once offered again: the
    // silence until the device's next bytes is in the capture, and how soon
    // vigild reopens is its own business, not the field's.
    if (r.state == "DOWN" && talked_[r.device]) {
      say_("replay: " + r.device + " line closed here (" + r.reason + ")");
      port.unplug();
      port.plug();
      talked_[r.device] = false;
    }
    return;
  }
  port.send(std::string(r.bytes.begin(), r.bytes.end()));
  talked_[r.device] = true;
}

void CaptureReplay::step() {
  for (auto& [device, port] : ports_) port->service();  // drain what vigild sends
  if (records_.empty()) return finished_();
  const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_) * speed_;
  const auto now = records_.front().time + std::chrono::duration_cast<core::Duration>(elapsed);
  while (next_ < records_.size() && records_[next_].time <= now) play(records_[next_++]);
  if (next_ == records_.size()) return finished_();
  const auto wait = std::chrono::duration<double>(records_[next_].time - now) / speed_;
  timer_.expires_after(std::clamp(std::chrono::duration_cast<std::chrono::microseconds>(wait),
                                  std::chrono::microseconds{200}, std::chrono::microseconds{50'000}));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) step();
  });
}

}  // namespace vigil::sim
