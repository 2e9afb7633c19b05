// The HTTP/1.1 server: Boost.Beast on Asio, asynchronous, keep-alive, a small pool of threads,
// plain HTTP or HTTPS (OpenSSL) on its one port. Beast stays inside server.cc; everything else
// sees http::Request and http::Response.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/http/message.h"

namespace planwatch::http {

struct ServerOptions {
  std::string bind = "127.0.0.1";                    // an IPv4 or IPv6 address
  std::uint16_t port = 8057;                         // 0: any free port (see Server::port())
  int threads = 2;                                   // threads that run connections and handlers
  std::size_t header_limit = std::size_t{16} << 10;  // request line + headers; larger: 431
  std::size_t body_limit = std::size_t{32} << 20;    // larger (declared or streamed): 413
  // The body limit of requests whose route streams its body (StreamOpener); larger: 413.
  std::size_t stream_body_limit = std::size_t{2} << 30;
  // A streamed body must keep arriving: each piece within this (instead of read_timeout for
  // the whole request).
  std::chrono::milliseconds stream_piece_timeout{30'000};
  std::chrono::milliseconds read_timeout{30'000};    // a request must arrive whole within this
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive connection closed when idle
  std::chrono::milliseconds shutdown_grace{10'000};  // in-flight requests get this long to finish
  // HTTPS: PEM files of the certificate (leaf first, then any intermediates) and of its
  // unencrypted private key. Both or neither. With them the port speaks TLS 1.2 or later only
  // (OpenSSL's default ciphers, no compression, no renegotiation; the handshake must complete
  // within read_timeout) and every response carries kStrictTransportSecurity; without them, plain
  // HTTP and no such header.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// The Strict-Transport-Security value of every response served over TLS: one year, subdomains
// included.
inline constexpr std::string_view kStrictTransportSecurity = "max-age=31536000; includeSubDomains";

// Called once per request on a pool thread, concurrently from several threads: it must be
// thread-safe and must not throw (an escaping exception is answered with 500 and logged).
using Handler = std::function<Response(Request&& request)>;

// Builds the answer to a request the server refuses before any handler sees it (400 malformed,
// 413 body too large, 431 headers too large, 503 shutting down). `request` holds what could be
// read (possibly only the headers). Must be thread-safe and must not throw.
using RefusalHandler = std::function<Response(int status, const Request& request)>;

// Called once a request's headers are read, when a body follows: whether its route takes the
// body as a stream (StreamDecision). `head` has no body. Called on a pool thread, concurrently:
// must be thread-safe and must not throw. None (empty function): every body is read whole.
// A sink gets the body's pieces on the connection's thread as they arrive; no lock is held
// while the client is slow, and a client that stops sending for stream_piece_timeout is cut off
// (the sink is destroyed without Finish()).
using StreamOpener = std::function<StreamDecision(const Request& head)>;

class Server {
 public:
  // Loads the TLS files (if any), binds and listens; requests are not served until Run().
  // unavailable when the address cannot be bound (in use, not local), invalid_argument when it is
  // not an IP address. TLS: invalid_argument when only one of the two files is given, or when a
  // file is missing, unreadable, not PEM or the key does not belong to the certificate; the
  // message names the file (both files for a mismatch).
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, Handler handler,
                                               RefusalHandler refuse,
                                               StreamOpener open_stream = {});
  virtual ~Server() = default;

  // The port actually bound (the chosen one when options.port was 0).
  virtual std::uint16_t port() const = 0;

  // Serves until Stop() or, when handle_signals, until SIGTERM or SIGINT; then stops accepting,
  // lets in-flight requests finish (up to shutdown_grace), closes idle connections and returns.
  virtual void Run(bool handle_signals) = 0;

  // Asks Run() to shut down gracefully. Thread-safe; may be called from a handler.
  virtual void Stop() = 0;
};

}  // namespace planwatch::http
