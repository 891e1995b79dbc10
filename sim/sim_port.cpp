#include "sim/sim_port.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "drivers/transport/stream.hpp"

namespace vigil::sim {
namespace {

// The master side is driven by hand rather than by an Asio read loop: with
// nobody on the slave side a read returns EIO, which is not a closed port but
// an empty line.
class PtyPort final : public SimPort {
 public:
  explicit PtyPort(std::string link) : link_{std::move(link)} {}
  ~PtyPort() override { unplug(); }

  void plug() override {
    if (master_fd_ >= 0) return;
    int master = -1, slave = -1;
    char name[256] = {};
    if (openpty(&master, &slave, name, nullptr, nullptr) != 0)
      throw std::runtime_error("cannot create a pseudo-terminal");
    termios tio{};
    tcgetattr(slave, &tio);
    cfmakeraw(&tio);
    tcsetattr(slave, TCSANOW, &tio);
    // Our copy of the slave closes at once: the master then reports POLLHUP
    // until the daemon opens the line, which is how we know nobody listens.
    close(slave);
    fcntl(master, F_SETFD, FD_CLOEXEC);
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    master_fd_ = master;
    path_ = name;
    if (!link_.empty()) {
      std::filesystem::create_directories(std::filesystem::path(link_).parent_path());
      const auto tmp = link_ + ".new";
      std::filesystem::remove(tmp);
      std::filesystem::create_symlink(path_, tmp);
      std::filesystem::rename(tmp, link_);
    }
  }

  // The link goes with the pty, as /dev/ttyUSB0 goes with a pulled adapter:
  // left behind, it would point at a pts number the kernel hands to the next
  // pseudo-terminal anyone opens, and vigild would read a stranger's device.
  void unplug() override {
    if (master_fd_ < 0) return;
    if (!link_.empty()) {
      std::error_code ec;
      std::filesystem::remove(link_, ec);
    }
    close(master_fd_);
    master_fd_ = -1;
  }

  bool listening() const override {
    if (master_fd_ < 0) return false;
    pollfd p{master_fd_, POLLOUT, 0};
    poll(&p, 1, 0);
    return (p.revents & POLLHUP) == 0;
  }

  void send(const std::string& bytes) override {
    if (!listening()) return;
    // A full line discipline buffer drops the rest, as a UART overrun would.
    (void)!write(master_fd_, bytes.data(), bytes.size());
  }

  void service() override {
    if (!listening()) return;
    std::uint8_t buf[4096];
    for (;;) {
      const auto n = read(master_fd_, buf, sizeof buf);
      if (n <= 0) break;
      if (on_data_) on_data_(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)));
    }
  }

  std::string describe() const override {
    return "pty " + (path_.empty() ? std::string{"(closed)"} : path_) +
           (link_.empty() ? "" : " via " + link_);
  }

 private:
  std::string link_;
  std::string path_;
  int master_fd_ = -1;
};

class TcpServerPort final : public SimPort {
 public:
  TcpServerPort(boost::asio::io_context& io, std::string where) : io_{io}, where_{std::move(where)} {}
  void plug() override {
    if (listener_) return;
    auto l = drivers::listen_tcp(io_, where_, [this](std::unique_ptr<drivers::ByteStream> s) {
      auto* raw = s.get();
      clients_.push_back(std::move(s));
      raw->start(
          [this](std::span<const std::uint8_t> b) {
            if (on_data_) on_data_(b);
          },
          [this, raw](const std::string&) { drop(raw); });
    });
    if (!l) throw std::runtime_error(l.error());
    listener_ = std::move(l.value());
  }
  void unplug() override {
    clients_.clear();
    listener_.reset();
  }
  bool listening() const override { return !clients_.empty(); }
  void send(const std::string& bytes) override {
    for (auto& c : clients_) c->write(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
  }
  std::string describe() const override { return "tcp server " + where_; }

 private:
  void drop(drivers::ByteStream* s) {
    std::erase_if(clients_, [s](const auto& c) { return c.get() == s; });
  }
  boost::asio::io_context& io_;
  std::string where_;
  std::unique_ptr<drivers::TcpListener> listener_;
  std::vector<std::unique_ptr<drivers::ByteStream>> clients_;
};

class TcpClientPort final : public SimPort {
 public:
  TcpClientPort(boost::asio::io_context& io, std::string where) : io_{io}, where_{std::move(where)} {}
  void plug() override {
    plugged_ = true;
    if (stream_ || connecting_) return;
    connecting_ = true;
    drivers::connect_tcp(io_, where_, [this](auto result) {
      connecting_ = false;
      if (!result || !plugged_) return;  // retried at the next send
      stream_ = std::move(result.value());
      stream_->start(
          [this](std::span<const std::uint8_t> b) {
            if (on_data_) on_data_(b);
          },
          [this](const std::string&) { closed_ = true; });
    });
  }
  void unplug() override {
    plugged_ = false;
    if (stream_) stream_->close();
    stream_.reset();
  }
  bool listening() const override { return stream_ != nullptr && !closed_; }
  bool connecting() const override { return connecting_; }
  void send(const std::string& bytes) override {
    if (closed_) {
      stream_.reset();
      closed_ = false;
    }
    if (!stream_) {
      if (plugged_) plug();
      return;
    }
    stream_->write(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
  }
  std::string describe() const override { return "tcp client to " + where_; }

 private:
  boost::asio::io_context& io_;
  std::string where_;
  std::unique_ptr<drivers::ByteStream> stream_;
  bool plugged_ = false, connecting_ = false, closed_ = false;
};

}  // namespace

std::unique_ptr<SimPort> make_port(boost::asio::io_context& io, const PortSpec& spec) {
  switch (spec.kind) {
    case PortSpec::Kind::pty:
      return std::make_unique<PtyPort>(spec.target);
    case PortSpec::Kind::tcp_listen:
      return std::make_unique<TcpServerPort>(io, spec.target);
    case PortSpec::Kind::tcp_connect:
      return std::make_unique<TcpClientPort>(io, spec.target);
  }
  return nullptr;
}

}  // namespace vigil::sim
