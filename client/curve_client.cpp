#include "client/curve_client.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/curve_keys.hpp"

namespace vigil::client {

core::Result<bool> apply_curve(zmq::socket_t& socket, const CurveClientFiles& files) {
  if (!files.enabled()) return false;
  if (files.key_file.empty() || files.server_key_file.empty())
    return core::Error{
        "CURVE needs both --key (this client's .key file) and --server-key (vigild's .pub file)"};
  auto mine = core::read_curve_key_file(files.key_file);
  if (!mine) return core::Error{mine.error()};
  if (mine->secret_key.empty())
    return core::Error{files.key_file + ": no 'secret:' line (give the .key file, not .pub)"};
  auto server = core::read_curve_key_file(files.server_key_file);
  if (!server) return core::Error{server.error()};
  socket.set(zmq::sockopt::curve_serverkey, server->public_key);
  socket.set(zmq::sockopt::curve_publickey, mine->public_key);
  socket.set(zmq::sockopt::curve_secretkey, mine->secret_key);
  return true;
}

namespace {
core::Result<bool> write_file(const std::string& path, const std::string& text, mode_t mode) {
  // Created with its final mode: a secret key is never readable by others, not even briefly.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return core::Error{path + ": cannot create (" + std::strerror(errno) + "; it must not exist yet)"};
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::fchmod(fd, mode);
  ::close(fd);
  if (!ok) return core::Error{path + ": write failed"};
  return true;
}
}  // namespace

core::Result<std::string> write_key_pair(const std::string& directory, const std::string& name) {
  char pub[41] = {}, sec[41] = {};
  if (zmq_curve_keypair(pub, sec) != 0) return core::Error{"this libzmq was built without CURVE"};
  const auto base = (std::filesystem::path(directory) / name).string();
  const std::string header = "# vigil CURVE key '" + name + "'\n";
  if (auto r = write_file(base + ".key", header + "public: " + pub + "\nsecret: " + sec + "\n", 0600); !r)
    return core::Error{r.error()};
  if (auto r = write_file(base + ".pub", header + "public: " + pub + "\n", 0644); !r)
    return core::Error{r.error()};
  return std::string{pub};
}

}  // namespace vigil::client
