#include "sim/sim_port.hpp"

#include <doctest/doctest.h>

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <string>

using namespace vigil::sim;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// Runs the loop until the port's connect has its answer (or 5 s pass).
void run_until_answered(asio::io_context& io, const SimPort& port) {
  // A loop that ran out of work stays stopped until restarted.
  io.restart();
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (port.connecting() && std::chrono::steady_clock::now() < until) io.run_one_for(50ms);
}

}  // namespace

TEST_CASE("a TCP client port says its connection is on its way until vigild answers") {
  // vigil-sim holds a drill's clock on this: frames sent meanwhile are lost.
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  auto port = make_port(
      io, {PortSpec::Kind::tcp_connect, "127.0.0.1:" + std::to_string(acceptor.local_endpoint().port())});
  CHECK_FALSE(port->connecting());
  port->plug();
  CHECK(port->connecting());
  CHECK_FALSE(port->listening());
  run_until_answered(io, *port);
  CHECK_FALSE(port->connecting());
  CHECK(port->listening());
}

TEST_CASE("a TCP client port refused is no longer connecting, and tries again at its next send") {
  asio::io_context io;
  std::uint16_t closed_port = 0;
  {
    asio::ip::tcp::acceptor a{io, {asio::ip::make_address("127.0.0.1"), 0}};
    closed_port = a.local_endpoint().port();
  }
  auto port = make_port(io, {PortSpec::Kind::tcp_connect, "127.0.0.1:" + std::to_string(closed_port)});
  port->plug();
  CHECK(port->connecting());
  run_until_answered(io, *port);
  CHECK_FALSE(port->connecting());
  CHECK_FALSE(port->listening());
  port->send("MSH|");
  CHECK(port->connecting());
  run_until_answered(io, *port);
  CHECK_FALSE(port->connecting());
}
