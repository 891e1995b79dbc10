#pragma once
// One read loop for every Asio stream type (stream_descriptor for serial
// lines, tcp::socket), so the transports differ only in how they open.
#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <list>
#include <memory>
#include <type_traits>
#include <vector>

#include "drivers/transport/read_buffer.hpp"
#include "drivers/transport/read_pacer.hpp"
#include "drivers/transport/stream.hpp"

namespace vigil::drivers {

template <class AsioStream>
class AsioByteStream final : public ByteStream,
                             public std::enable_shared_from_this<AsioByteStream<AsioStream>> {
 public:
  AsioByteStream(AsioStream stream, std::string description)
      : stream_{std::move(stream)},
        description_{std::move(description)},
        pacer_{ReadPacer::of(static_cast<boost::asio::io_context&>(stream_.get_executor().context()))} {}

  void start(DataHandler on_data, ClosedHandler on_closed) override {
    on_data_ = std::move(on_data);
    on_closed_ = std::move(on_closed);
    read();
  }

  void write(std::span<const std::uint8_t> bytes) override {
    if (!open_ || bytes.empty()) return;
    // A paced link that is written to (a poll) goes back to being read as
    // its data comes, for the answer; a streak paces it again.
    if (paced_fd_ >= 0) {
      if (!back_to_reactor()) return;
      read();
    }
    if (spare_.empty()) spare_.emplace_back();
    queue_.splice(queue_.end(), spare_, spare_.begin());
    queue_.back().assign(bytes.begin(), bytes.end());
    if (queue_.size() == 1) write_next();
  }

  void close() override {
    if (!open_) return;
    open_ = false;
    boost::system::error_code ignored;
    stream_.close(ignored);
    if (paced_fd_ >= 0) ::close(paced_fd_);
    paced_fd_ = -1;
  }

  std::string describe() const override { return description_; }
  ~AsioByteStream() override { close(); }

 private:
  // The handlers hold a weak reference: a stream closed and destroyed by its
  // owner must not call back into it.
  // At most one read is under way: a write to a paced link may already have
  // started the next.
  void read() {
    if (reading_) return;
    reading_ = true;
    auto weak = this->weak_from_this();
    stream_.async_read_some(boost::asio::buffer(buffer_.data(), buffer_.size()),
                            [weak](boost::system::error_code ec, std::size_t n) {
                              if (auto self = weak.lock()) {
                                self->reading_ = false;
                                self->on_read(ec, n);
                              }
                            });
  }

  void on_read(boost::system::error_code ec, std::size_t n) {
    if (!open_) return;
    if (ec)
      return fail(ec == boost::asio::error::eof ? "end of stream (peer closed or device gone)"
                                                : "read error: " + ec.message());
    on_data_(std::span<const std::uint8_t>(buffer_.data(), n));
    if (!open_) return;
    // Not while a read is under way (a write from on_data_ to a paced link
    // starts one): that read is filling this buffer.
    if (!reading_) buffer_.after_read(n);
    if (!cadence_.pace_after(n, std::chrono::steady_clock::now(), pacer_.period()))
      return paced_fd_ < 0 || back_to_reactor() ? read() : void();
    // Leaving the reactor would cancel a read or write under way.
    if (paced_fd_ < 0 && (reading_ || !queue_.empty() || !leave_reactor())) return read();
    read_on_beat();
  }

  // A paced link is taken out of the reactor: left in, every frame that
  // arrives would still wake the core, though nothing reads it until the
  // beat. Only a descriptor (a serial line, a pty) is; a TCP link stays
  // with the reactor and is read as it comes.
  bool leave_reactor() {
    if constexpr (std::is_same_v<AsioStream, boost::asio::posix::stream_descriptor>) {
      const int fd = stream_.release();
      if (fd < 0) return false;
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
      paced_fd_ = fd;
      return true;
    } else {
      return false;
    }
  }

  bool back_to_reactor() {
    if constexpr (std::is_same_v<AsioStream, boost::asio::posix::stream_descriptor>) {
      boost::system::error_code ec;
      stream_.assign(paced_fd_, ec);
      if (ec) ::close(paced_fd_);
      paced_fd_ = -1;
      empty_beats_ = 0;
      if (ec) fail("cannot watch the line again: " + ec.message());
      return !ec;
    } else {
      return true;
    }
  }

  void read_on_beat() {
    pacer_.defer([weak = this->weak_from_this()] {
      if (auto self = weak.lock(); self && self->open_ && self->paced_fd_ >= 0) self->paced_read();
    });
  }

  // On the beat, what has come since is read at once. A link with nothing
  // new waits one more beat, as its next frame is due within it; twice
  // nothing, and it goes back to waiting for its data in the reactor, like
  // a quiet link. The end of the stream and errors are left to the
  // reactor's read, which reports them as always.
  void paced_read() {
    const auto n = ::read(paced_fd_, buffer_.data(), buffer_.size());
    if (n > 0) {
      empty_beats_ = 0;
      return on_read({}, static_cast<std::size_t>(n));
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && ++empty_beats_ < 2) return read_on_beat();
    if (back_to_reactor()) read();
  }

  void write_next() {
    auto weak = this->weak_from_this();
    boost::asio::async_write(stream_, boost::asio::buffer(queue_.front()),
                             [weak](boost::system::error_code ec, std::size_t) {
                               auto self = weak.lock();
                               if (!self || !self->open_) return;
                               if (ec) return self->fail("write error: " + ec.message());
                               // Kept for the next write; one spare is enough, as a
                               // link mostly has one write under way at a time.
                               if (self->spare_.empty())
                                 self->spare_.splice(self->spare_.end(), self->queue_, self->queue_.begin());
                               else
                                 self->queue_.pop_front();
                               if (!self->queue_.empty()) self->write_next();
                             });
  }

  void fail(const std::string& reason) {
    close();
    if (on_closed_) {
      auto handler = std::move(on_closed_);
      on_closed_ = nullptr;
      handler(reason);
    }
  }

  AsioStream stream_;
  std::string description_;
  ReadPacer& pacer_;
  ReadCadence cadence_;
  bool reading_ = false;
  int paced_fd_ = -1;  // taken from the reactor while the link is paced
  int empty_beats_ = 0;
  ReadBuffer buffer_;
  // A list, not a deque: most links never write, and an empty deque takes
  // 576 bytes (256 links at 128 beds); a list's nodes stay put while the
  // front one is being written.
  std::list<std::vector<std::uint8_t>> queue_;
  std::list<std::vector<std::uint8_t>> spare_;  // a node and buffer written before, for the next write
  DataHandler on_data_;
  ClosedHandler on_closed_;
  bool open_ = true;
};

// ByteStream handles are unique_ptr for their owners; the stream itself must
// be shared so pending handlers can see whether it is still alive.
template <class AsioStream>
class SharedStreamHandle final : public ByteStream {
 public:
  explicit SharedStreamHandle(std::shared_ptr<AsioByteStream<AsioStream>> s) : s_{std::move(s)} {}
  ~SharedStreamHandle() override { s_->close(); }
  void start(DataHandler d, ClosedHandler c) override { s_->start(std::move(d), std::move(c)); }
  void write(std::span<const std::uint8_t> b) override { s_->write(b); }
  void close() override { s_->close(); }
  std::string describe() const override { return s_->describe(); }

 private:
  std::shared_ptr<AsioByteStream<AsioStream>> s_;
};

template <class AsioStream>
std::unique_ptr<ByteStream> make_byte_stream(AsioStream stream, std::string description) {
  return std::make_unique<SharedStreamHandle<AsioStream>>(
      std::make_shared<AsioByteStream<AsioStream>>(std::move(stream), std::move(description)));
}

}  // namespace vigil::drivers
