#include "planwatch/http/server.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace planwatch::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
namespace ssl = boost::asio::ssl;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// After a response that closes the connection, unread request bytes are drained for at most this
// long (and this many bytes), so that closing does not reset the connection before the client
// has read the response.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::size_t kLingerBytes = 1 << 20;
// Pause after a failed accept (out of descriptors) before trying again.
constexpr std::chrono::milliseconds kAcceptRetry{100};

constexpr std::string_view kInternalErrorBody =
    R"({"type":"about:blank","title":"Internal Server Error","status":500})";

Response InternalError() {
  Response response;
  response.status = 500;
  response.SetHeader("Content-Type", "application/problem+json");
  response.body = std::string(kInternalErrorBody);
  return response;
}

std::string PeerAddress(const tcp::socket& socket) {
  error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return {};
  asio::ip::address address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

std::string EndpointText(const asio::ip::address& address, std::uint16_t port) {
  std::string host = address.to_string();
  if (address.is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(port);
}

bool HasToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (EqualsIgnoreCase(item, token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// The client went away, timed out, was cancelled by shutdown, or its TLS layer failed: nothing
// can be answered on such a connection.
bool ConnectionLost(const error_code& ec) {
  return ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
         ec == bhttp::error::partial_message || ec == asio::error::operation_aborted ||
         ec == asio::error::connection_reset || ec == asio::error::eof ||
         ec.category() == asio::error::get_ssl_category() ||
         ec.category() == ssl::error::get_stream_category();
}

// The reason of OpenSSL's most recent error (the queue is emptied).
std::string OpenSslReason() {
  unsigned long last = 0;
  while (unsigned long code = ERR_get_error()) last = code;
  if (last == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(last);
  return reason != nullptr ? reason : "OpenSSL error " + std::to_string(last);
}

// The whole of a TLS file; invalid_argument naming it when it cannot be read.
Result<std::string> ReadTlsFile(const std::string& path, std::string_view what) {
  const std::string where = "TLS " + std::string(what) + " file '" + path + "'";
  constexpr std::size_t kMaxBytes = std::size_t{1} << 20;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return InvalidArgument("cannot open " + where + ": " + std::strerror(errno));
  std::string text;
  std::array<char, 4096> chunk;
  while (std::size_t n = std::fread(chunk.data(), 1, chunk.size(), file)) {
    text.append(chunk.data(), n);
    if (text.size() > kMaxBytes) break;
  }
  const int read_errno = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (read_errno != 0) {
    return InvalidArgument("cannot read " + where + ": " + std::strerror(read_errno));
  }
  if (text.size() > kMaxBytes) return InvalidArgument(where + " is larger than 1 MiB");
  return text;
}

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

// An encrypted key is refused instead of prompting on the terminal.
int NoPassphrase(char*, int, int, void*) { return 0; }

// A server context: TLS 1.2 or later, OpenSSL's default ciphers, no compression, no
// renegotiation, with the certificate chain of `cert_file` and the key of `key_file`.
Status ConfigureTls(ssl::context& context, const std::string& cert_file,
                    const std::string& key_file) {
  SSL_CTX* native = context.native_handle();
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::no_compression | ssl::context::single_dh_use);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return Fail(ErrorCode::kInternal, "cannot require TLS 1.2: " + OpenSslReason());
  }

  auto cert = ReadTlsFile(cert_file, "certificate");
  if (!cert) return std::unexpected(std::move(cert.error()));
  error_code ec;
  context.use_certificate_chain(asio::buffer(*cert), ec);
  if (ec) {
    ERR_clear_error();
    return InvalidArgument("TLS certificate file '" + cert_file +
                           "' holds no usable PEM certificate: " + ec.message());
  }

  auto key_text = ReadTlsFile(key_file, "key");
  if (!key_text) return std::unexpected(std::move(key_text.error()));
  std::unique_ptr<BIO, BioDeleter> bio(
      BIO_new_mem_buf(key_text->data(), static_cast<int>(key_text->size())));
  if (!bio) return Fail(ErrorCode::kInternal, "out of memory reading the TLS key");
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, &NoPassphrase, nullptr));
  if (!key) {
    return InvalidArgument("TLS key file '" + key_file +
                           "' holds no unencrypted PEM private key: " + OpenSslReason());
  }
  X509* leaf = SSL_CTX_get0_certificate(native);
  if (leaf == nullptr || X509_check_private_key(leaf, key.get()) != 1) {
    ERR_clear_error();
    return InvalidArgument("TLS key file '" + key_file + "' does not match the certificate in '" +
                           cert_file + "'");
  }
  if (SSL_CTX_use_PrivateKey(native, key.get()) != 1 || SSL_CTX_check_private_key(native) != 1) {
    return InvalidArgument("TLS key file '" + key_file + "' cannot be used with '" + cert_file +
                           "': " + OpenSslReason());
  }
  return {};
}

// The body of a request: read whole into `text`, or, once `sink` is set (after the header, for
// a route that streams), handed to the sink piece by piece and not kept.
struct RequestBody {
  struct value_type {
    std::string text;
    BodySink* sink = nullptr;
    bool stopped = false;  // the sink wants no more
    bool failed = false;   // the sink threw
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(bhttp::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, error_code& ec) {
      ec = {};
      // The declared length is within the body limit, checked before the body is read.
      if (length && body_.sink == nullptr && *length <= (std::uint64_t{64} << 20)) {
        body_.text.reserve(static_cast<std::size_t>(*length));
      }
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, error_code& ec) {
      ec = {};
      std::size_t n = 0;
      for (const auto piece : beast::buffers_range_ref(buffers)) {
        const std::string_view bytes(static_cast<const char*>(piece.data()), piece.size());
        n += bytes.size();
        if (body_.sink == nullptr) {
          body_.text.append(bytes);
          continue;
        }
        bool more = false;
        try {
          more = body_.sink->Write(bytes);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "planwatch http: body sink threw: %s\n", e.what());
          body_.failed = true;
        } catch (...) {
          std::fprintf(stderr, "planwatch http: body sink threw\n");
          body_.failed = true;
        }
        if (!more) {
          body_.stopped = true;
          ec = asio::error::operation_aborted;  // ends the read; OnStreamPiece looks at `stopped`
          return n;
        }
      }
      return n;
    }

    void finish(error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

class ServerImpl;

// What the server needs of a connection, whatever its stream.
class Connection {
 public:
  virtual ~Connection() = default;
  // Shutdown has begun: a connection waiting for its next request (or for its TLS handshake) is
  // closed now; one that is reading, handling or writing finishes that request and then closes.
  virtual void OnShutdown() = 0;
  // The grace period is over: close whatever is left.
  virtual void ForceClose() = 0;
};

// One connection over PlainStream or TlsStream: the same reading, limits, streaming and shutdown
// for both. Every step runs on the connection's strand, so its members need no lock.
template <class Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  // `stream_args` follow the socket into Stream's constructor (the TLS context).
  template <class... StreamArgs>
  Session(ServerImpl& server, tcp::socket socket, StreamArgs&... stream_args);
  ~Session() override;

  void Begin();
  void OnShutdown() override;
  void ForceClose() override;

 private:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  enum class Phase { kIdle, kReading, kHandling, kWriting, kClosing };

  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  void OnHandshake(const error_code& ec);
  void AwaitRequest();
  void OnFirstBytes(const error_code& ec, std::size_t n);
  void ReadHeader();
  void OnHeader(const error_code& ec);
  void OnContinueSent(const error_code& ec);
  void ReadBody();
  void OnBody(const error_code& ec);
  // Streaming routes: the body goes to sink_ as it arrives.
  void ReadStream();
  void OnStreamPiece(const error_code& ec);
  void FinishStream(bool keep_alive);
  void Refuse(int status);
  void Handle();
  void Send(Response response, bool keep_alive, bool head);
  void OnWritten(const error_code& ec, bool keep_alive);
  void Linger();
  void OnLingerRead(const error_code& ec, std::size_t n);
  void Close();
  Request PartialRequest();

  ServerImpl& server_;
  Stream stream_;
  std::string remote_address_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<RequestBody>> parser_;
  std::unique_ptr<BodySink> sink_;  // the current request's, when its route streams
  bhttp::response<bhttp::string_body> response_;
  bhttp::response<bhttp::empty_body> continue_;
  std::array<char, 4096> linger_buffer_{};
  std::size_t lingered_ = 0;
  Phase phase_ = Phase::kIdle;
};

class ServerImpl final : public Server {
 public:
  ServerImpl(const ServerOptions& options, Handler handler, RefusalHandler refuse,
             StreamOpener open_stream)
      : options_(options),
        handler_(std::move(handler)),
        refuse_(std::move(refuse)),
        open_stream_(std::move(open_stream)),
        io_(std::max(1, options.threads)),
        control_(asio::make_strand(io_)),
        acceptor_(control_),
        grace_timer_(control_),
        accept_retry_(control_) {}

  ~ServerImpl() override {
    std::lock_guard lock(mu_);
    destroying_ = true;
  }

  Status LoadTls() {
    const bool cert = !options_.tls_cert_file.empty();
    const bool key = !options_.tls_key_file.empty();
    if (!cert && !key) return {};
    if (!key) {
      return InvalidArgument("TLS certificate file '" + options_.tls_cert_file +
                             "' given without a key file: give both or neither");
    }
    if (!cert) {
      return InvalidArgument("TLS key file '" + options_.tls_key_file +
                             "' given without a certificate file: give both or neither");
    }
    try {
      tls_.emplace(ssl::context::tls_server);
    } catch (const boost::system::system_error& e) {
      return Fail(ErrorCode::kInternal, std::string("cannot create a TLS context: ") + e.what());
    }
    return ConfigureTls(*tls_, options_.tls_cert_file, options_.tls_key_file);
  }

  Status Listen() {
    error_code ec;
    asio::ip::address address = asio::ip::make_address(options_.bind, ec);
    if (ec) {
      return InvalidArgument("bind address \"" + options_.bind + "\" is not an IP address");
    }
    tcp::endpoint endpoint(address, options_.port);
    const std::string where = EndpointText(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) {
      return Fail(ErrorCode::kUnavailable,
                  "cannot open a socket for " + where + ": " + ec.message());
    }
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    acceptor_.bind(endpoint, ec);
    if (ec) {
      return Fail(ErrorCode::kUnavailable, "cannot bind " + where + ": " + ec.message());
    }
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Fail(ErrorCode::kUnavailable, "cannot listen on " + where + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint(ec).port();
    return {};
  }

  std::uint16_t port() const override { return port_; }

  void Run(bool handle_signals) override {
    if (handle_signals) {
      signals_.emplace(control_, SIGINT, SIGTERM);
      signals_->async_wait([this](const error_code& ec, int) {
        if (!ec) BeginShutdown();
      });
    }
    asio::post(control_, [this] { Accept(); });
    std::vector<std::thread> pool;
    for (int i = 1; i < std::max(1, options_.threads); ++i) {
      pool.emplace_back([this] { io_.run(); });
    }
    io_.run();
    for (std::thread& t : pool) t.join();
    signals_.reset();
  }

  void Stop() override {
    // Set now, so a response being built at this moment already says Connection: close.
    stop_requested_.store(true, std::memory_order_release);
    asio::post(control_, [this] { BeginShutdown(); });
  }

  const ServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }
  const RefusalHandler& refuse() const { return refuse_; }
  const StreamOpener& open_stream() const { return open_stream_; }
  // True from the moment Stop() is called or a signal arrives.
  bool stopping() const { return stop_requested_.load(std::memory_order_acquire); }

  void Register(const std::shared_ptr<Connection>& session) {
    std::lock_guard lock(mu_);
    sessions_.emplace_back(session.get(), session);
  }

  // Called from ~Session on any thread. Compares raw pointers: locking a weak_ptr here could
  // destroy another session, which would re-enter this function under the lock.
  void Unregister(const Connection* session) {
    bool last = false;
    {
      std::lock_guard lock(mu_);
      std::erase_if(sessions_, [&](const auto& entry) { return entry.first == session; });
      last = stopping_ && sessions_.empty() && !destroying_;
    }
    // The last connection is gone: nothing keeps Run() waiting for the grace period any more.
    if (last) asio::post(control_, [this] { grace_timer_.cancel(); });
  }

 private:
  void Accept() {
    if (stopping()) return;
    acceptor_.async_accept(asio::make_strand(io_), [this](const error_code& ec, tcp::socket s) {
      if (stopping()) return;
      if (ec) {
        if (ec == asio::error::operation_aborted) return;
        std::fprintf(stderr, "planwatch http: accept failed: %s\n", ec.message().c_str());
        accept_retry_.expires_after(kAcceptRetry);
        accept_retry_.async_wait([this](const error_code& wait_ec) {
          if (!wait_ec) Accept();
        });
        return;
      }
      if (tls_) {
        Open(std::make_shared<Session<TlsStream>>(*this, std::move(s), *tls_));
      } else {
        Open(std::make_shared<Session<PlainStream>>(*this, std::move(s)));
      }
      Accept();
    });
  }

  template <class Stream>
  void Open(const std::shared_ptr<Session<Stream>>& session) {
    Register(session);
    session->Begin();
  }

  // The live sessions; with `stop`, marks the server as stopping in the same critical section.
  std::vector<std::weak_ptr<Connection>> Snapshot(bool stop) {
    std::vector<std::weak_ptr<Connection>> out;
    std::lock_guard lock(mu_);
    if (stop) stopping_ = true;
    out.reserve(sessions_.size());
    for (const auto& entry : sessions_) out.push_back(entry.second);
    return out;
  }

  // Runs on control_.
  void BeginShutdown() {
    if (shutdown_begun_) return;
    shutdown_begun_ = true;
    stop_requested_.store(true, std::memory_order_release);
    std::vector<std::weak_ptr<Connection>> sessions = Snapshot(true);
    error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    if (signals_) {
      signals_->cancel(ignored);
      signals_->clear(ignored);  // a second SIGTERM gets the default action again
    }
    bool any = false;
    for (const std::weak_ptr<Connection>& w : sessions) {
      if (std::shared_ptr<Connection> s = w.lock()) {
        any = true;
        s->OnShutdown();
      }
    }
    if (!any) return;
    grace_timer_.expires_after(options_.shutdown_grace);
    grace_timer_.async_wait([this](const error_code& ec) {
      if (ec) return;  // cancelled: every connection finished in time
      for (const std::weak_ptr<Connection>& w : Snapshot(false)) {
        if (std::shared_ptr<Connection> s = w.lock()) s->ForceClose();
      }
    });
  }

  const ServerOptions options_;
  const Handler handler_;
  const RefusalHandler refuse_;
  const StreamOpener open_stream_;

  // Declared before io_ so that sessions destroyed with io_ can still unregister.
  std::mutex mu_;
  std::vector<std::pair<const Connection*, std::weak_ptr<Connection>>> sessions_;  // by mu_
  bool stopping_ = false;    // guarded by mu_: shutdown has taken its snapshot of sessions
  bool destroying_ = false;  // guarded by mu_
  std::atomic<bool> stop_requested_{false};
  bool shutdown_begun_ = false;  // only touched on control_

  asio::io_context io_;
  asio::strand<asio::io_context::executor_type> control_;  // acceptor, timers, signals
  tcp::acceptor acceptor_;
  asio::steady_timer grace_timer_;
  asio::steady_timer accept_retry_;
  std::optional<asio::signal_set> signals_;
  std::optional<ssl::context> tls_;  // set by LoadTls() when serving HTTPS; read-only after
  std::uint16_t port_ = 0;
};

template <class Stream>
template <class... StreamArgs>
Session<Stream>::Session(ServerImpl& server, tcp::socket socket, StreamArgs&... stream_args)
    : server_(server),
      stream_(std::move(socket), stream_args...),
      remote_address_(PeerAddress(Tcp().socket())) {}

template <class Stream>
Session<Stream>::~Session() {
  server_.Unregister(this);
}

template <class Stream>
void Session<Stream>::Begin() {
  asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    if constexpr (kTls) {
      if (self->server_.stopping()) return self->Close();
      // The handshake is held to the same clock as a request's header.
      self->Tcp().expires_after(self->server_.options().read_timeout);
      self->stream_.async_handshake(ssl::stream_base::server,
                                    [self](const error_code& ec) { self->OnHandshake(ec); });
    } else {
      self->AwaitRequest();
    }
  });
}

template <class Stream>
void Session<Stream>::OnHandshake(const error_code& ec) {
  if (ec) return Close();  // not TLS (plain HTTP), an old protocol, a timeout or shutdown
  AwaitRequest();
}

template <class Stream>
void Session<Stream>::OnShutdown() {
  asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
    if (self->phase_ == Phase::kIdle) self->Tcp().cancel();
  });
}

template <class Stream>
void Session<Stream>::ForceClose() {
  asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->Close(); });
}

template <class Stream>
void Session<Stream>::AwaitRequest() {
  phase_ = Phase::kIdle;
  if (server_.stopping()) return Close();
  parser_.emplace();
  sink_.reset();
  parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
      server_.options().header_limit, std::numeric_limits<std::uint32_t>::max())));
  // Which limit applies is known once the route is: the declared length is checked in OnHeader.
  parser_->body_limit(std::max(server_.options().body_limit,
                               server_.open_stream() ? server_.options().stream_body_limit : 0));
  if (buffer_.size() > 0) {  // a pipelined request is already here
    phase_ = Phase::kReading;
    Tcp().expires_after(server_.options().read_timeout);
    return ReadHeader();
  }
  // Wait for the first byte under the idle timeout; the read timeout starts with it.
  Tcp().expires_after(server_.options().idle_timeout);
  stream_.async_read_some(buffer_.prepare(4096),
                          [self = this->shared_from_this()](const error_code& ec, std::size_t n) {
                            self->OnFirstBytes(ec, n);
                          });
}

template <class Stream>
void Session<Stream>::OnFirstBytes(const error_code& ec, std::size_t n) {
  if (ec) return Close();  // idle timeout, client closed, or shutdown
  buffer_.commit(n);
  phase_ = Phase::kReading;
  Tcp().expires_after(server_.options().read_timeout);
  ReadHeader();
}

template <class Stream>
void Session<Stream>::ReadHeader() {
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = this->shared_from_this()](const error_code& ec, std::size_t) { self->OnHeader(ec); });
}

template <class Stream>
void Session<Stream>::OnHeader(const error_code& ec) {
  if (ec == bhttp::error::header_limit) return Refuse(431);
  if (ec == bhttp::error::body_limit) return Refuse(413);  // declared Content-Length too large
  if (ConnectionLost(ec)) {
    return Close();
  }
  if (ec) return Refuse(400);
  if (parser_->is_done()) return Handle();
  std::size_t limit = server_.options().body_limit;
  if (server_.open_stream()) {
    StreamDecision decision;
    try {
      decision = server_.open_stream()(PartialRequest());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "planwatch http: stream opener threw: %s\n", e.what());
      decision.answer = InternalError();
    } catch (...) {
      std::fprintf(stderr, "planwatch http: stream opener threw\n");
      decision.answer = InternalError();
    }
    if (decision.sink) {
      sink_ = std::move(decision.sink);
      limit = server_.options().stream_body_limit;
    } else if (decision.answer) {
      // Answered from the headers alone; the body is left unread, so the connection closes.
      phase_ = Phase::kHandling;
      Tcp().expires_never();
      return Send(std::move(*decision.answer), false, false);
    }
  }
  if (auto declared = parser_->content_length(); declared && *declared > limit) {
    sink_.reset();
    return Refuse(413);
  }
  parser_->body_limit(limit);
  if (sink_) parser_->get().body().sink = sink_.get();
  const auto& request = parser_->get();
  if (request.version() == 11 && HasToken(request[bhttp::field::expect], "100-continue")) {
    continue_ = bhttp::response<bhttp::empty_body>(bhttp::status::continue_, 11);
    bhttp::async_write(stream_, continue_,
                       [self = this->shared_from_this()](const error_code& wec, std::size_t) {
                         self->OnContinueSent(wec);
                       });
    return;
  }
  if (sink_) return ReadStream();
  ReadBody();
}

template <class Stream>
void Session<Stream>::OnContinueSent(const error_code& ec) {
  if (ec) return Close();
  if (sink_) return ReadStream();
  ReadBody();
}

template <class Stream>
void Session<Stream>::ReadStream() {
  // Each piece restarts the clock: a large body may take long, a stalled one may not.
  Tcp().expires_after(server_.options().stream_piece_timeout);
  bhttp::async_read_some(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                           self->OnStreamPiece(ec);
                         });
}

template <class Stream>
void Session<Stream>::OnStreamPiece(const error_code& ec) {
  const auto& body = parser_->get().body();
  if (body.failed) {
    sink_.reset();
    phase_ = Phase::kHandling;
    Tcp().expires_never();
    return Send(InternalError(), false, false);
  }
  if (body.stopped) return FinishStream(false);  // the rest of the body stays unread
  if (ec == bhttp::error::body_limit) {
    sink_.reset();
    return Refuse(413);
  }
  if (ConnectionLost(ec)) {
    sink_.reset();
    return Close();
  }
  if (ec) {
    sink_.reset();
    return Refuse(400);
  }
  if (parser_->is_done()) return FinishStream(parser_->get().keep_alive());
  ReadStream();
}

template <class Stream>
void Session<Stream>::FinishStream(bool keep_alive) {
  phase_ = Phase::kHandling;
  Tcp().expires_never();
  Response response;
  try {
    response = sink_->Finish();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "planwatch http: body sink threw: %s\n", e.what());
    response = InternalError();
  } catch (...) {
    std::fprintf(stderr, "planwatch http: body sink threw\n");
    response = InternalError();
  }
  sink_.reset();
  Send(std::move(response), keep_alive, false);
}

template <class Stream>
void Session<Stream>::ReadBody() {
  bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = this->shared_from_this()](const error_code& ec, std::size_t) { self->OnBody(ec); });
}

template <class Stream>
void Session<Stream>::OnBody(const error_code& ec) {
  if (ec == bhttp::error::body_limit) return Refuse(413);  // chunked body grew too large
  if (ConnectionLost(ec)) {
    return Close();
  }
  if (ec) return Refuse(400);
  Handle();
}

template <class Stream>
Request Session<Stream>::PartialRequest() {
  Request request;
  const auto& header = parser_->get();
  request.method = std::string(header.method_string());
  request.target = std::string(header.target());
  for (const auto& field : header) {
    request.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  request.remote_address = remote_address_;
  return request;
}

template <class Stream>
void Session<Stream>::Refuse(int status) {
  phase_ = Phase::kHandling;
  Tcp().expires_never();
  Request request = PartialRequest();
  Response response;
  try {
    response = server_.refuse()(status, request);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "planwatch http: refusal handler threw: %s\n", e.what());
    response = InternalError();
  } catch (...) {
    std::fprintf(stderr, "planwatch http: refusal handler threw\n");
    response = InternalError();
  }
  Send(std::move(response), false, request.method == "HEAD");
}

template <class Stream>
void Session<Stream>::Handle() {
  phase_ = Phase::kHandling;
  Tcp().expires_never();
  auto& message = parser_->get();
  const bool keep_alive = message.keep_alive();
  Request request = PartialRequest();
  request.body = std::move(message.body().text);
  const bool head = request.method == "HEAD";
  Response response;
  try {
    response = server_.handler()(std::move(request));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "planwatch http: handler threw: %s\n", e.what());
    response = InternalError();
  } catch (...) {
    std::fprintf(stderr, "planwatch http: handler threw a non-standard exception\n");
    response = InternalError();
  }
  Send(std::move(response), keep_alive, head);
}

template <class Stream>
void Session<Stream>::Send(Response response, bool keep_alive, bool head) {
  phase_ = Phase::kWriting;
  const unsigned version = parser_->get().version() == 10 ? 10 : 11;
  if (response.status < 100 || response.status > 599) {
    std::fprintf(stderr, "planwatch http: handler answered invalid status %d\n", response.status);
    response = InternalError();
  }
  response_ = {};
  response_.version(version);
  response_.result(static_cast<unsigned>(response.status));
  for (Header& h : response.headers) {
    // Framing is the server's business: it sets Content-Length and Connection itself.
    if (EqualsIgnoreCase(h.name, "Content-Length") ||
        EqualsIgnoreCase(h.name, "Transfer-Encoding")) {
      continue;
    }
    // A CR or LF would split the response; such a header is dropped.
    if (h.name.empty() || h.name.find_first_of("\r\n: ") != std::string::npos ||
        h.value.find_first_of("\r\n") != std::string::npos) {
      continue;
    }
    if (EqualsIgnoreCase(h.name, "Connection")) {
      if (HasToken(h.value, "close")) keep_alive = false;
      continue;
    }
    response_.insert(h.name, h.value);
  }
  if constexpr (kTls) response_.set("Strict-Transport-Security", kStrictTransportSecurity);
  const bool bodiless =
      response.status / 100 == 1 || response.status == 204 || response.status == 304;
  if (!bodiless) {
    response_.content_length(response.body.size());
    if (!head) response_.body() = std::move(response.body);
  }
  keep_alive = keep_alive && !server_.stopping();
  response_.keep_alive(keep_alive);
  Tcp().expires_after(server_.options().read_timeout);
  bhttp::async_write(stream_, response_,
                     [self = this->shared_from_this(), keep_alive](
                         const error_code& ec, std::size_t) { self->OnWritten(ec, keep_alive); });
}

template <class Stream>
void Session<Stream>::OnWritten(const error_code& ec, bool keep_alive) {
  response_ = {};
  if (ec) return Close();
  if (!keep_alive) return Linger();
  AwaitRequest();
}

template <class Stream>
void Session<Stream>::Linger() {
  phase_ = Phase::kClosing;
  Tcp().expires_after(kLingerTime);
  if constexpr (kTls) {
    // close_notify, then what the client still sends is read and dropped until it closes too.
    stream_.async_shutdown([self = this->shared_from_this()](const error_code&) { self->Close(); });
  } else {
    error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lingered_ = 0;
    stream_.async_read_some(asio::buffer(linger_buffer_),
                            [self = this->shared_from_this()](const error_code& ec, std::size_t n) {
                              self->OnLingerRead(ec, n);
                            });
  }
}

template <class Stream>
void Session<Stream>::OnLingerRead(const error_code& ec, std::size_t n) {
  lingered_ += n;
  if (ec || lingered_ >= kLingerBytes) return Close();
  stream_.async_read_some(asio::buffer(linger_buffer_),
                          [self = this->shared_from_this()](const error_code& rec, std::size_t rn) {
                            self->OnLingerRead(rec, rn);
                          });
}

template <class Stream>
void Session<Stream>::Close() {
  phase_ = Phase::kClosing;
  error_code ignored;
  Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
  Tcp().close();
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Handler handler,
                                              RefusalHandler refuse, StreamOpener open_stream) {
  auto server = std::make_unique<ServerImpl>(options, std::move(handler), std::move(refuse),
                                             std::move(open_stream));
  if (Status tls = server->LoadTls(); !tls) return std::unexpected(std::move(tls.error()));
  if (Status listening = server->Listen(); !listening) {
    return std::unexpected(std::move(listening.error()));
  }
  return server;
}

}  // namespace planwatch::http
