// The command channel's decoder and dispatcher on arbitrary request bytes:
// every input gets one well-formed reply and the daemon state stays usable.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "daemon/config_loader.hpp"
#include "daemon/vigil_daemon.hpp"

namespace {

struct Fixture {
  boost::asio::io_context io;
  vigil::core::ManualClock clock;
  std::unique_ptr<vigil::daemon::VigilDaemon> daemon;
  Fixture() {
    spdlog::set_level(
        spdlog::level::off);  // a refused command logs a line; thousands a second would drown the run
    auto c = vigil::daemon::parse_config(R"(publish_endpoint: "inproc://fuzz-pub"
command_endpoint: "inproc://fuzz-cmd"
bed { id: "bed-1" device { id: "ox" protocol: "masimo" path: "/nonexistent/vigil-fuzz" } }
bed { id: "bed-2" device { id: "mon" protocol: "hl7-mllp" path: "/nonexistent/vigil-fuzz-2" } })",
                                         "fuzz.conf");
    if (!c) std::abort();
    daemon = std::make_unique<vigil::daemon::VigilDaemon>(io, clock, c->config);
    daemon->start();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture f;
  const std::string request(reinterpret_cast<const char*>(data), size);
  vigil::v1::CommandReply reply;
  if (!reply.ParseFromString(f.daemon->execute_bytes(request))) std::abort();
  if (!reply.ok() && reply.error().empty()) std::abort();  // every refusal says why
  f.clock.advance(std::chrono::seconds{1});
  return 0;
}
