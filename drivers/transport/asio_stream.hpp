#pragma once
// One read loop for every Asio stream type (serial_port, stream_descriptor,
// tcp::socket), so the transports differ only in how they open.
#include <array>
#include <boost/asio/write.hpp>
#include <deque>
#include <memory>

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

  void write(std::vector<std::uint8_t> bytes) override {
    if (!open_ || bytes.empty()) return;
    queue_.push_back(std::move(bytes));
    if (queue_.size() == 1) write_next();
  }

  void close() override {
    if (!open_) return;
    open_ = false;
    boost::system::error_code ignored;
    stream_.close(ignored);
  }

  std::string describe() const override { return description_; }
  ~AsioByteStream() override { close(); }

 private:
  // The handlers hold a weak reference: a stream closed and destroyed by its
  // owner must not call back into it.
  void read() {
    auto weak = this->weak_from_this();
    stream_.async_read_some(boost::asio::buffer(buffer_),
                            [weak](boost::system::error_code ec, std::size_t n) {
                              if (auto self = weak.lock()) self->on_read(ec, n);
                            });
  }

  void on_read(boost::system::error_code ec, std::size_t n) {
    if (!open_) return;
    if (ec)
      return fail(ec == boost::asio::error::eof ? "end of stream (peer closed or device gone)"
                                                : "read error: " + ec.message());
    on_data_(std::span<const std::uint8_t>(buffer_.data(), n));
    if (!open_) return;
    if (!cadence_.pace_after(n, buffer_.size(), std::chrono::steady_clock::now(), pacer_.period()))
      return read();
    pacer_.defer([weak = this->weak_from_this()] {
      if (auto self = weak.lock(); self && self->open_) self->read();
    });
  }

  void write_next() {
    auto weak = this->weak_from_this();
    boost::asio::async_write(stream_, boost::asio::buffer(queue_.front()),
                             [weak](boost::system::error_code ec, std::size_t) {
                               auto self = weak.lock();
                               if (!self || !self->open_) return;
                               if (ec) return self->fail("write error: " + ec.message());
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
  std::array<std::uint8_t, 4096> buffer_{};
  std::deque<std::vector<std::uint8_t>> queue_;
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
  void write(std::vector<std::uint8_t> b) override { s_->write(std::move(b)); }
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
