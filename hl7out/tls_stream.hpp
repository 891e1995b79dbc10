#pragma once
// TLS as vigild sees it: a context made from a destination's or the ADT
// port's certificate files, and the connections made with it. OpenSSL and
// Asio's SSL are behind these in the TLS module (tls_module.hpp,
// openssl/tls_module_openssl.cpp), which vigild loads only when its config
// asks for TLS: a vigild without a TLS destination or ADT port maps neither
// libssl nor libcrypto (about 1.7 MB of RSS; docs/journal.md, "Memory at
// 128 beds").
//
// Outcomes come back as text and flags, never as error_codes: the module
// holds its own copies of Asio's error categories, and an error_code of one
// copy compares unequal to the same error of the other.
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace vigil::hl7out {

// How a handshake, a read or a write ended. Tested like an error_code
// (true: it failed) and with the same message().
struct TlsOutcome {
  std::string error;       // why it failed (Asio's message); empty when it worked
  bool closed = false;     // the peer ended the TLS session (close_notify, Asio's eof)
  bool truncated = false;  // the peer closed the TCP connection without ending TLS first
  explicit operator bool() const { return !error.empty(); }
  const std::string& message() const { return error; }
};

class TlsStream {
 public:
  using Done = std::function<void(const TlsOutcome&)>;
  using Transferred = std::function<void(const TlsOutcome&, std::size_t)>;
  virtual ~TlsStream() = default;
  // The TCP connection under it: connect it, set its options, close it.
  virtual boost::asio::ip::tcp::socket& socket() = 0;
  // As a client, the peer's certificate must chain to the context's CAs and
  // be for the server name given (sent as SNI); a failure then says which.
  virtual void async_handshake(Done done) = 0;
  virtual void async_read_some(boost::asio::mutable_buffer into, Transferred done) = 0;
  // All of `bytes`, or a failure.
  virtual void async_write(boost::asio::const_buffer bytes, Transferred done) = 0;
};

// TLS 1.2 or later. Each call that loads something returns why it could not
// (Asio's message), empty when it worked.
class TlsContext {
 public:
  enum class Peer : std::uint8_t { unverified, verified, required };
  virtual ~TlsContext() = default;
  virtual std::string use_system_cas() = 0;
  virtual std::string add_cas(std::string_view pem) = 0;
  virtual std::string use_certificate_chain(std::string_view pem) = 0;
  virtual std::string use_private_key(std::string_view pem) = 0;
  virtual bool key_matches_certificate() = 0;
  virtual void verify(Peer peer) = 0;
  // A client connection to `server_name`, its socket not yet connected.
  virtual std::shared_ptr<TlsStream> client(boost::asio::io_context& io, const std::string& server_name) = 0;
  // The server side of an accepted connection.
  virtual std::shared_ptr<TlsStream> server(boost::asio::ip::tcp::socket accepted) = 0;
};

// What the module exports (as the object `vigil_tls_module`).
struct TlsModule {
  // Bumped with every change to this header: a module of another build is
  // refused rather than called with another layout.
  static constexpr std::uint32_t kAbi = 1;
  std::uint32_t abi = kAbi;
  std::shared_ptr<TlsContext> (*client_context)() = nullptr;
  std::shared_ptr<TlsContext> (*server_context)() = nullptr;
};

}  // namespace vigil::hl7out
