#include "daemon/zmq_watcher.hpp"

#include <doctest/doctest.h>
#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>
#include <vector>
#include <zmq_addon.hpp>

using namespace std::chrono_literals;
using vigil::daemon::ZmqWatcher;

namespace {

bool descriptor_readable(zmq::socket_t& socket) {
  pollfd p{socket.get(zmq::sockopt::fd), POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

// Turns the loop until `read` holds `n` requests, for at most `limit`.
void run_until(boost::asio::io_context& io, const std::vector<std::string>& read, std::size_t n,
               std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (read.size() < n && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(10ms);
  }
}

}  // namespace

// vigild's command channel answers a trend later, off the core thread, and a
// station asks the trend's alarms at the same moment: the second request came
// in while the first one's reply was being sent. ZeroMQ's descriptor is
// edge-triggered and the send took its edge, so the request waited unread
// until the next one came (the station gave up on it after 2 s).
TEST_CASE("a request that arrives while a reply is sent from outside the reading is still read") {
  boost::asio::io_context io;
  zmq::context_t ctx;
  zmq::socket_t server{ctx, zmq::socket_type::router};
  server.bind("inproc://zmq-watcher-test");
  std::vector<std::string> read;
  std::vector<zmq::message_t> first;
  ZmqWatcher watcher{
      io, server, [&] {
        std::vector<zmq::message_t> frames;
        if (!zmq::recv_multipart(server, std::back_inserter(frames), zmq::recv_flags::dontwait)) return;
        read.push_back(frames.back().to_string());
        if (first.empty()) first = std::move(frames);
      }};
  zmq::socket_t client{ctx, zmq::socket_type::dealer};
  client.connect("inproc://zmq-watcher-test");

  client.send(zmq::buffer(std::string{"trend"}));
  run_until(io, read, 1, 1s);
  REQUIRE(read == std::vector<std::string>{"trend"});
  client.send(zmq::buffer(std::string{"alarm_history"}));
  REQUIRE(descriptor_readable(server));  // over inproc it is in the socket at once
  // The trend's answer, sent from a turn of the loop of its own (as the history reader's reply is).
  server.send(first.front(), zmq::send_flags::sndmore);
  server.send(zmq::buffer(std::string{"trend page"}));
  CHECK_FALSE(descriptor_readable(server));  // the edge went with the send
  watcher.sent();
  run_until(io, read, 2, 1s);
  CHECK(read == std::vector<std::string>{"trend", "alarm_history"});
}
