#pragma once
// Plays a capture file (drivers/capture_file.hpp) back: every device's
// received bytes, at their original pace or faster, each on a port of its
// own, so vigild reads what it read in the field. A recorded loss of the
// link (DOWN) closes the port, as a pulled cable would. What vigild sent is
// not answered: the capture already holds what the device said back.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "drivers/capture_file.hpp"
#include "sim/sim_port.hpp"

namespace vigil::sim {

struct ReplayTarget {
  std::string device;  // "bed/device" as in the capture
  PortSpec port;
};

class CaptureReplay {
 public:
  using Say = std::function<void(const std::string&)>;
  // Only the devices named in `targets` are replayed.
  CaptureReplay(boost::asio::io_context& io, const drivers::Capture& capture,
                std::vector<ReplayTarget> targets, double speed, Say say);

  // Opens the ports (throws std::runtime_error with the reason). With
  // wait_for_reader, the capture's clock starts only once every port has a
  // reader, so nothing is sent into an unread line.
  void start(bool wait_for_reader, std::function<void()> finished);
  std::vector<std::string> describe_ports() const;
  // The span of the capture being replayed, first to last record.
  core::Duration length() const;

 private:
  void wait_for_readers();
  void step();
  void play(const drivers::CaptureRecord& r);

  boost::asio::io_context& io_;
  std::vector<drivers::CaptureRecord> records_;
  std::map<std::string, std::unique_ptr<SimPort>> ports_;
  std::map<std::string, bool> talked_;
  double speed_;
  Say say_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point started_{};
  std::size_t next_ = 0;
  std::function<void()> finished_;
};

// The default port of a captured device: a pty linked at DIR/<bed>-<device>.
PortSpec default_replay_port(const std::string& device, const std::string& pty_dir);

}  // namespace vigil::sim
