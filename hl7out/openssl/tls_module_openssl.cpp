// vigil's TLS module (vigil-tls.so): tls_stream.hpp's contexts and streams
// over Asio's SSL and OpenSSL, loaded by vigild only when its config asks
// for TLS (hl7out/tls_module.hpp). It logs nothing (vigild's logger is not
// in here): every outcome goes back as text.
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include "hl7out/tls_stream.hpp"

namespace vigil::hl7out {
namespace {
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;

TlsOutcome openssl_outcome(const boost::system::error_code& ec) {
  if (!ec) return {};
  return {.error = ec.message(),
          .closed = ec == asio::error::eof,
          .truncated = ec == ssl::error::stream_truncated};
}

class OpensslTlsStream final : public TlsStream, public std::enable_shared_from_this<OpensslTlsStream> {
 public:
  // `context` is kept as long as the stream.
  OpensslTlsStream(tcp::socket socket, std::shared_ptr<ssl::context> context, std::string server_name)
      : context_{std::move(context)},
        stream_{std::move(socket), *context_},
        server_name_{std::move(server_name)} {}

  tcp::socket& socket() override { return stream_.next_layer(); }

  void async_handshake(Done done) override {
    if (server_name_.empty()) {
      stream_.async_handshake(ssl::stream_base::server,
                              [self = shared_from_this(), done = std::move(done)](
                                  const boost::system::error_code& ec) { done(openssl_outcome(ec)); });
      return;
    }
    // SNI (SSL_set_tlsext_host_name is a macro with a C cast).
    SSL_ctrl(stream_.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(server_name_.c_str()));
    verify_problem_.clear();
    stream_.set_verify_callback([this, check = ssl::host_name_verification(server_name_)](
                                    bool preverified, ssl::verify_context& ctx) mutable {
      X509_STORE_CTX* store = ctx.native_handle();
      const bool ok = check(preverified, ctx);
      if (!ok && verify_problem_.empty())
        verify_problem_ = preverified ? "its certificate is not for " + server_name_
                                      : std::string{"its certificate is refused: "} +
                                            X509_verify_cert_error_string(X509_STORE_CTX_get_error(store));
      return ok;
    });
    stream_.async_handshake(ssl::stream_base::client, [self = shared_from_this(), done = std::move(done)](
                                                          const boost::system::error_code& ec) {
      auto outcome = openssl_outcome(ec);
      if (ec && !self->verify_problem_.empty()) outcome.error = self->verify_problem_;
      done(outcome);
    });
  }

  void async_read_some(asio::mutable_buffer into, Transferred done) override {
    stream_.async_read_some(
        into, [self = shared_from_this(), done = std::move(done)](
                  const boost::system::error_code& ec, std::size_t n) { done(openssl_outcome(ec), n); });
  }

  void async_write(asio::const_buffer bytes, Transferred done) override {
    asio::async_write(
        stream_, bytes,
        [self = shared_from_this(), done = std::move(done)](const boost::system::error_code& ec,
                                                            std::size_t n) { done(openssl_outcome(ec), n); });
  }

 private:
  std::shared_ptr<ssl::context> context_;
  ssl::stream<tcp::socket> stream_;
  std::string server_name_;     // empty: the server side
  std::string verify_problem_;  // why the server's certificate was refused
};

class OpensslTlsContext final : public TlsContext {
 public:
  explicit OpensslTlsContext(ssl::context::method method) : context_{std::make_shared<ssl::context>(method)} {
    SSL_CTX_set_min_proto_version(context_->native_handle(), TLS1_2_VERSION);
  }

  std::string use_system_cas() override {
    boost::system::error_code ec;
    context_->set_default_verify_paths(ec);
    return ec ? ec.message() : "";
  }
  std::string add_cas(std::string_view pem) override {
    boost::system::error_code ec;
    context_->add_certificate_authority(asio::buffer(pem), ec);
    return ec ? ec.message() : "";
  }
  std::string use_certificate_chain(std::string_view pem) override {
    boost::system::error_code ec;
    context_->use_certificate_chain(asio::buffer(pem), ec);
    return ec ? ec.message() : "";
  }
  std::string use_private_key(std::string_view pem) override {
    boost::system::error_code ec;
    context_->use_private_key(asio::buffer(pem), ssl::context::pem, ec);
    return ec ? ec.message() : "";
  }
  bool key_matches_certificate() override {
    return SSL_CTX_check_private_key(context_->native_handle()) == 1;
  }
  void verify(Peer peer) override {
    context_->set_verify_mode(peer == Peer::unverified ? ssl::verify_none
                              : peer == Peer::verified ? ssl::verify_peer
                                                       : ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  std::shared_ptr<TlsStream> client(asio::io_context& io, const std::string& server_name) override {
    return std::make_shared<OpensslTlsStream>(tcp::socket{io}, context_, server_name);
  }
  std::shared_ptr<TlsStream> server(tcp::socket accepted) override {
    return std::make_shared<OpensslTlsStream>(std::move(accepted), context_, "");
  }

 private:
  std::shared_ptr<ssl::context> context_;
};

}  // namespace
}  // namespace vigil::hl7out

extern "C" __attribute__((visibility("default"))) const vigil::hl7out::TlsModule vigil_tls_module{
    .client_context = []() -> std::shared_ptr<vigil::hl7out::TlsContext> {
      return std::make_shared<vigil::hl7out::OpensslTlsContext>(boost::asio::ssl::context::tls_client);
    },
    .server_context = []() -> std::shared_ptr<vigil::hl7out::TlsContext> {
      return std::make_shared<vigil::hl7out::OpensslTlsContext>(boost::asio::ssl::context::tls_server);
    }};
