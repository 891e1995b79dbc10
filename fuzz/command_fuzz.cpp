// The command channel's decoder and dispatcher on arbitrary request bytes:
// every input gets one well-formed reply, the daemon state stays usable, and
// whatever limits the commands got accepted still alarm (alarm_invariants.hpp).
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "daemon/config_loader.hpp"
#include "daemon/vigil_daemon.hpp"
#include "fuzz/alarm_invariants.hpp"

namespace {

struct Fixture {
  boost::asio::io_context io;
  vigil::core::ManualClock clock;
  std::unique_ptr<vigil::daemon::VigilDaemon> daemon;
  std::filesystem::path journal =
      std::filesystem::temp_directory_path() / ("vigil-command-fuzz-" + std::to_string(getpid()) + ".db");
  void remove_journal() const {
    for (const char* suffix : {"", "-wal", "-shm", "-journal", "-intent"}) {
      std::error_code ignored;
      std::filesystem::remove(journal.string() + suffix, ignored);
    }
  }
  Fixture() {
    spdlog::set_level(
        spdlog::level::off);  // a refused command logs a line; thousands a second would drown the run
    // A journal of its own, empty at every start: the default is the
    // machine's /var/lib/vigil/journal.db, which a run as root would create
    // and the next run would restore beds from, so no two runs began alike.
    remove_journal();
    auto c = vigil::daemon::parse_config("journal_path: \"" + journal.string() + "\"\n" +
                                             R"(publish_endpoint: "inproc://fuzz-pub"
command_endpoint: "inproc://fuzz-cmd"
bed { id: "bed-1" device { id: "ox" protocol: "masimo" path: "/nonexistent/vigil-fuzz" } }
bed { id: "bed-2" device { id: "mon" protocol: "hl7-mllp" path: "/nonexistent/vigil-fuzz-2" } })",
                                         "fuzz.conf");
    if (!c) std::abort();
    daemon = std::make_unique<vigil::daemon::VigilDaemon>(io, clock, c->config);
    daemon->start();
  }
  ~Fixture() {
    daemon.reset();
    remove_journal();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture f;
  const std::string request(reinterpret_cast<const char*>(data), size);
  vigil::v1::CommandReply reply;
  if (!reply.ParseFromString(f.daemon->execute_bytes(request))) std::abort();
  if (!reply.ok() && reply.error().empty()) std::abort();  // every refusal says why
  if (reply.ok())
    for (const char* bed : {"bed-1", "bed-2"})
      vigil::fuzz::require_safe(f.daemon->bed(bed)->alarms().profile());
  f.clock.advance(std::chrono::seconds{1});
  return 0;
}
