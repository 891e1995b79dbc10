#include "drill/port_pool.hpp"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "../temp_dir.hpp"

using namespace vigil;
using namespace vigil::drill;

namespace {

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream{p} << text;
}

pid_t dead_pid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return child;
}

}  // namespace

TEST_CASE("two drills side by side never get the same port, and a port is free again when its drill ends") {
  test::TempDir folder;
  std::set<int> given;
  {
    PortPool a{{}, folder.path()};
    PortPool b{{}, folder.path()};
    for (int i = 0; i < 60; ++i) {
      CHECK(given.insert(a.take()).second);
      CHECK(given.insert(b.take()).second);
    }
    const int first = *given.begin();
    CHECK(std::filesystem::exists(folder.path() / std::to_string(first)));
    PortPool c{{}, folder.path()};
    CHECK_FALSE(c.reserve(first));
  }
  CHECK(std::filesystem::is_empty(folder.path()));
  PortPool d{{}, folder.path()};
  CHECK(d.reserve(*given.begin()));
}

TEST_CASE("a reservation left by a killed drill is taken over; a live or half-written one is not") {
  test::TempDir folder;
  PortPool pool{{}, folder.path()};
  const int port = pool.take();
  PortPool other{{}, folder.path()};
  const auto file = folder.path() / std::to_string(port);
  CHECK_FALSE(other.reserve(port));  // the live pool's

  std::filesystem::remove(file);
  write_file(file, std::to_string(dead_pid()));
  CHECK(other.reserve(port));
  std::ifstream in{file};
  long pid = 0;
  in >> pid;
  CHECK(pid == getpid());

  const int next = port + 1;
  write_file(folder.path() / std::to_string(next), "");  // its writer has not written its pid yet
  CHECK_FALSE(other.reserve(next));
}

TEST_CASE("a port something listens on is not given, and no reservation is left for it") {
  test::TempDir folder;
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(listen(s, 1) == 0);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  const int busy = ntohs(a.sin_port);
  PortPool pool{{}, folder.path()};
  CHECK_FALSE(pool.reserve(busy));
  CHECK_FALSE(std::filesystem::exists(folder.path() / std::to_string(busy)));
  close(s);
}
