#include "planwatch/http/server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace planwatch::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

struct RawResponse {
  int status = 0;  // 0: no response (connection closed or timed out)
  std::vector<http::Header> headers;
  std::string body;

  std::string_view Value(std::string_view name) const {
    for (const auto& h : headers) {
      if (EqualsIgnoreCase(h.name, name)) return h.value;
    }
    return {};
  }
  bool HasHeader(std::string_view name) const {
    for (const auto& h : headers) {
      if (EqualsIgnoreCase(h.name, name)) return true;
    }
    return false;
  }
};

// Reads one response from `buffer`, calling `fill` for more bytes (false: no more); `head` when
// it answers a HEAD request (no body follows). Status 0 when the bytes end first.
RawResponse ReadResponse(std::string& buffer, const std::function<bool()>& fill, bool head) {
  RawResponse response;
  std::size_t end;
  while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return response;
  }
  std::string header = buffer.substr(0, end);
  buffer.erase(0, end + 4);
  std::size_t line_end = header.find("\r\n");
  std::string status_line = header.substr(0, line_end);
  if (status_line.size() < 12) return response;
  std::size_t pos = line_end == std::string::npos ? header.size() : line_end + 2;
  while (pos < header.size()) {
    std::size_t next = header.find("\r\n", pos);
    if (next == std::string::npos) next = header.size();
    std::string line = header.substr(pos, next - pos);
    std::size_t colon = line.find(':');
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    response.headers.push_back({line.substr(0, colon), value});
    pos = next + 2;
  }
  std::size_t length = 0;
  if (response.HasHeader("Content-Length") && !head) {
    length = std::stoul(std::string(response.Value("Content-Length")));
  }
  while (buffer.size() < length) {
    if (!fill()) return response;
  }
  response.body = buffer.substr(0, length);
  buffer.erase(0, length);
  response.status = std::stoi(status_line.substr(9, 3));
  return response;
}

// A tiny blocking HTTP/1.1 client over a POSIX socket, so the server is tested against bytes
// on the wire rather than against the library it is built on.
class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{.tv_sec = 4, .tv_usec = 0};  // no test waits this long unless the server is wrong
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  // False once the peer has closed (no SIGPIPE: MSG_NOSIGNAL).
  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one response; `head` when it answers a HEAD request (no body follows).
  RawResponse Read(bool head = false) {
    return ReadResponse(
        buffer_, [this] { return Fill(); }, head);
  }

  // True when the server closes the connection (EOF or reset) before the receive timeout,
  // with no further bytes sent.
  bool ClosedByPeer() {
    if (!buffer_.empty()) return false;
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

  std::size_t buffered() const { return buffer_.size(); }

 private:
  bool Fill() {
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

// Echoes what the server decoded, so the tests see exactly the Request the handler got.
Response Echo(const Request& request) {
  Response response;
  response.SetHeader("Content-Type", "text/plain");
  response.body = "method=" + request.method + "\ntarget=" + request.target +
                  "\nbody=" + request.body + "\nremote=" + request.remote_address +
                  "\nx-test=" + std::string(request.HeaderValue("x-test"));
  return response;
}

Response Refused(int status) {
  Response response;
  response.status = status;
  return response;
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    options_.bind = "127.0.0.1";
    options_.port = 0;
    options_.threads = 2;
    options_.read_timeout = 2000ms;
    options_.idle_timeout = 2000ms;
    options_.shutdown_grace = 2000ms;
    handler_ = [](Request&& request) { return Echo(request); };
  }

  ~ServerTest() override { StopServer(); }

  void StartServer() {
    Handler counted = [this](Request&& request) {
      ++handler_calls_;
      return handler_(std::move(request));
    };
    RefusalHandler refuse = [this](int status, const Request& request) {
      {
        std::lock_guard lock(mu_);
        refusals_.push_back(status);
        refused_targets_.push_back(request.target);
      }
      Response response;
      response.status = status;
      response.SetHeader("Content-Type", "text/plain");
      response.body = "refused " + std::to_string(status);
      return response;
    };
    auto started = Server::Start(options_, std::move(counted), std::move(refuse));
    ASSERT_TRUE(started.has_value()) << started.error().ToString();
    server_ = std::move(*started);
    ASSERT_NE(server_->port(), 0);
    run_thread_ = std::thread([this] {
      server_->Run(false);
      run_returned_.set_value();
    });
  }

  void StopServer() {
    if (!run_thread_.joinable()) return;
    server_->Stop();
    run_thread_.join();
  }

  std::vector<int> refusals() {
    std::lock_guard lock(mu_);
    return refusals_;
  }

  ServerOptions options_;
  std::function<Response(Request&&)> handler_;
  std::unique_ptr<Server> server_;
  std::thread run_thread_;
  std::promise<void> run_returned_;
  std::atomic<int> handler_calls_{0};
  std::mutex mu_;
  std::vector<int> refusals_;                 // guarded by mu_
  std::vector<std::string> refused_targets_;  // guarded by mu_
};

TEST_F(ServerTest, HandlerSeesMethodTargetHeadersBodyAndPeerAddress) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(
      client.Send("POST /api/v1/echo?q=a%20b HTTP/1.1\r\nHost: test\r\nX-Test: abc\r\n"
                  "Content-Length: 11\r\n\r\nhello world"));
  RawResponse response = client.Read();
  EXPECT_EQ(response.status, 200);
  const std::string expected =
      "method=POST\ntarget=/api/v1/echo?q=a%20b\nbody=hello world\nremote=127.0.0.1\nx-test=abc";
  EXPECT_EQ(response.body, expected);
  EXPECT_EQ(response.Value("Content-Length"), std::to_string(expected.size()));
  EXPECT_EQ(response.Value("Content-Type"), "text/plain");
  EXPECT_FALSE(response.HasHeader("Connection"));
  EXPECT_EQ(handler_calls_, 1);
}

TEST_F(ServerTest, ChunkedRequestBodyIsDecoded) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(
      client.Send("PUT /c HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  RawResponse response = client.Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, HasSubstr("method=PUT\ntarget=/c\nbody=abcde\n"));
}

TEST_F(ServerTest, ServesSeveralRequestsOnOneKeepAliveConnection) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/one")));
  RawResponse first = client.Read();
  ASSERT_TRUE(client.Send(Get("/two")));
  RawResponse second = client.Read();
  EXPECT_EQ(first.status, 200);
  EXPECT_THAT(first.body, HasSubstr("target=/one\n"));
  EXPECT_EQ(second.status, 200);
  EXPECT_THAT(second.body, HasSubstr("target=/two\n"));
  EXPECT_EQ(handler_calls_, 2);
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/a") + Get("/b") + Get("/c", "Connection: close\r\n")));
  EXPECT_THAT(client.Read().body, HasSubstr("target=/a\n"));
  EXPECT_THAT(client.Read().body, HasSubstr("target=/b\n"));
  RawResponse last = client.Read();
  EXPECT_THAT(last.body, HasSubstr("target=/c\n"));
  EXPECT_EQ(last.Value("Connection"), "close");
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/bye", "Connection: close\r\n")));
  RawResponse response = client.Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.Value("Connection"), "close");
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST_F(ServerTest, Http10WithoutKeepAliveCloses) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send("GET /old HTTP/1.0\r\n\r\n"));
  RawResponse response = client.Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, HasSubstr("target=/old\n"));
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST_F(ServerTest, Http10WithKeepAliveStaysOpen) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send("GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  RawResponse first = client.Read();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.Value("Connection"), "keep-alive");
  ASSERT_TRUE(client.Send("GET /y HTTP/1.0\r\n\r\n"));
  EXPECT_THAT(client.Read().body, HasSubstr("target=/y\n"));
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST_F(ServerTest, HeadSendsContentLengthButNoBody) {
  handler_ = [](Request&& request) {
    Response response;
    response.body = request.method == "HEAD" ? "0123456789" : "get";
    return response;
  };
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send("HEAD /h HTTP/1.1\r\nHost: test\r\n\r\n"));
  RawResponse head = client.Read(/*head=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Value("Content-Length"), "10");
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(client.buffered(), 0u);
  // Had any body byte been sent, it would now be read as the start of the next response.
  ASSERT_TRUE(client.Send(Get("/g")));
  RawResponse get = client.Read();
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "get");
}

TEST_F(ServerTest, HandlerFramingHeadersAreReplaced) {
  handler_ = [](Request&&) {
    Response response;
    response.status = 201;
    response.SetHeader("Content-Length", "999");
    response.SetHeader("X-Bad", "a\r\nInjected: yes");
    response.AddHeader("Set-Cookie", "a=1");
    response.AddHeader("Set-Cookie", "b=2");
    response.body = "made";
    return response;
  };
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/f")));
  RawResponse response = client.Read();
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.Value("Content-Length"), "4");
  EXPECT_EQ(response.body, "made");
  EXPECT_FALSE(response.HasHeader("Injected"));
  EXPECT_FALSE(response.HasHeader("X-Bad"));
  std::vector<std::string> cookies;
  for (const auto& h : response.headers) {
    if (h.name == "Set-Cookie") cookies.push_back(h.value);
  }
  EXPECT_THAT(cookies, ElementsAre("a=1", "b=2"));
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponseBeforeBody) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(
      "POST /up HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  RawResponse interim = client.Read();
  EXPECT_EQ(interim.status, 100);
  EXPECT_EQ(handler_calls_, 0);
  ASSERT_TRUE(client.Send("data"));
  RawResponse response = client.Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, HasSubstr("body=data\n"));
}

TEST_F(ServerTest, DeclaredBodyOverLimitIsRefusedWith413BeforeTheBody) {
  options_.body_limit = 1024;
  StartServer();
  Client client(server_->port());
  // Only the headers are sent: the answer must not wait for the body.
  ASSERT_TRUE(client.Send(
      "POST /big HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 1025\r\n\r\n"));
  RawResponse response = client.Read();
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(response.body, "refused 413");
  EXPECT_EQ(response.Value("Connection"), "close");
  EXPECT_TRUE(client.ClosedByPeer());
  EXPECT_THAT(refusals(), ElementsAre(413));
  std::lock_guard lock(mu_);
  EXPECT_THAT(refused_targets_, ElementsAre("/big"));
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(ServerTest, ChunkedBodyOverLimitIsRefusedWith413) {
  options_.body_limit = 8;
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(
      client.Send("POST /big HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\nabcde\r\n5\r\nfghij\r\n0\r\n\r\n"));
  EXPECT_EQ(client.Read().status, 413);
  EXPECT_THAT(refusals(), ElementsAre(413));
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(ServerTest, BodyAtLimitIsAccepted) {
  options_.body_limit = 8;
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send("POST /ok HTTP/1.1\r\nHost: test\r\nContent-Length: 8\r\n\r\n12345678"));
  RawResponse response = client.Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, HasSubstr("body=12345678\n"));
}

TEST_F(ServerTest, OversizedHeadersAreRefusedWith431) {
  options_.header_limit = 1024;
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/h", "X-Big: " + std::string(4000, 'x') + "\r\n")));
  RawResponse response = client.Read();
  EXPECT_EQ(response.status, 431);
  EXPECT_EQ(response.body, "refused 431");
  EXPECT_TRUE(client.ClosedByPeer());
  EXPECT_THAT(refusals(), ElementsAre(431));
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(ServerTest, GarbageRequestLineIsRefusedWith400AndClosed) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send("this is not http\r\n\r\n"));
  RawResponse response = client.Read();
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, "refused 400");
  EXPECT_TRUE(client.ClosedByPeer());
  EXPECT_THAT(refusals(), ElementsAre(400));
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(ServerTest, StalledHalfRequestIsCutAfterReadTimeout) {
  options_.read_timeout = 300ms;
  StartServer();
  Client client(server_->port());
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.Send("GET /slow HTTP/1.1\r\nHost: te"));
  EXPECT_TRUE(client.ClosedByPeer());
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 3000ms);
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(ServerTest, TricklingClientIsCutAfterReadTimeoutFromFirstByte) {
  options_.read_timeout = 300ms;
  StartServer();
  Client client(server_->port());
  const std::string request = Get("/trickle");
  auto start = std::chrono::steady_clock::now();
  // One byte every 50 ms would take far longer than the timeout; the server must not reset its
  // clock on each byte.
  for (char c : request) {
    if (!client.Send(std::string_view(&c, 1))) break;
    if (std::chrono::steady_clock::now() - start > 2000ms) break;
    std::this_thread::sleep_for(50ms);
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, 1500ms);
  EXPECT_TRUE(client.ClosedByPeer());
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  options_.idle_timeout = 300ms;
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/once")));
  EXPECT_EQ(client.Read().status, 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.ClosedByPeer());
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 3000ms);
}

TEST_F(ServerTest, HandlerExceptionBecomes500Problem) {
  handler_ = [](Request&&) -> Response { throw std::runtime_error("database on fire"); };
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/boom")));
  RawResponse response = client.Read();
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.Value("Content-Type"), "application/problem+json");
  EXPECT_EQ(response.body,
            R"({"type":"about:blank","title":"Internal Server Error","status":500})");
  // The connection survives: the failure was the handler's, not the protocol's.
  ASSERT_TRUE(client.Send(Get("/again")));
  EXPECT_EQ(client.Read().status, 500);
}

TEST_F(ServerTest, StopLetsInFlightRequestFinishThenRunReturns) {
  std::promise<void> entered;
  handler_ = [&entered](Request&& request) {
    if (request.target == "/slow") {
      entered.set_value();
      std::this_thread::sleep_for(300ms);
    }
    return Echo(request);
  };
  StartServer();
  {
    Client idle(server_->port());  // served once, then idle on keep-alive
    ASSERT_TRUE(idle.Send(Get("/warm")));
    EXPECT_EQ(idle.Read().status, 200);
    Client busy(server_->port());
    ASSERT_TRUE(busy.Send(Get("/slow")));
    ASSERT_EQ(entered.get_future().wait_for(3s), std::future_status::ready);
    server_->Stop();

    RawResponse response = busy.Read();
    EXPECT_EQ(response.status, 200);
    EXPECT_THAT(response.body, HasSubstr("target=/slow\n"));
    EXPECT_EQ(response.Value("Connection"), "close");
    EXPECT_TRUE(busy.ClosedByPeer());
    EXPECT_TRUE(idle.ClosedByPeer());
  }
  EXPECT_EQ(run_returned_.get_future().wait_for(3s), std::future_status::ready);
  run_thread_.join();
  // No longer accepting.
  Client late(server_->port());
  EXPECT_FALSE(late.connected());
}

TEST_F(ServerTest, StopFromInsideHandlerAnswersThatRequest) {
  handler_ = [this](Request&& request) {
    server_->Stop();
    return Echo(request);
  };
  StartServer();
  {
    Client client(server_->port());
    ASSERT_TRUE(client.Send(Get("/stop")));
    RawResponse response = client.Read();
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.Value("Connection"), "close");
    EXPECT_TRUE(client.ClosedByPeer());
  }
  EXPECT_EQ(run_returned_.get_future().wait_for(3s), std::future_status::ready);
}

TEST_F(ServerTest, SigtermShutsDownWhenRunHandlesSignals) {
  auto started = Server::Start(
      options_, [](Request&& r) { return Echo(r); },
      [](int status, const Request&) { return Refused(status); });
  ASSERT_TRUE(started.has_value());
  Server& server = **started;
  auto done = std::async(std::launch::async, [&] { server.Run(true); });
  {
    // Once a request is answered, Run has installed its signal handlers.
    Client client(server.port());
    ASSERT_TRUE(client.Send(Get("/up", "Connection: close\r\n")));
    ASSERT_EQ(client.Read().status, 200);
  }
  ASSERT_EQ(std::raise(SIGTERM), 0);
  EXPECT_EQ(done.wait_for(3s), std::future_status::ready);
}

TEST_F(ServerTest, StopBeforeRunMakesRunReturn) {
  auto started = Server::Start(
      options_, [](Request&& r) { return Echo(r); },
      [](int status, const Request&) { return Refused(status); });
  ASSERT_TRUE(started.has_value());
  (*started)->Stop();
  auto done = std::async(std::launch::async, [&] { (*started)->Run(false); });
  EXPECT_EQ(done.wait_for(3s), std::future_status::ready);
}

TEST_F(ServerTest, ConcurrentClientsAreAllAnswered) {
  options_.threads = 3;
  StartServer();
  constexpr int kClients = 6;
  constexpr int kRequests = 20;
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      Client client(server_->port());
      for (int i = 0; i < kRequests; ++i) {
        const std::string target = "/c" + std::to_string(c) + "/" + std::to_string(i);
        if (!client.Send(Get(target))) return;
        RawResponse response = client.Read();
        if (response.status == 200 &&
            response.body.find("target=" + target + "\n") != std::string::npos) {
          ++answered;
        }
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(answered, kClients * kRequests);
  EXPECT_EQ(handler_calls_, kClients * kRequests);
}

TEST(ServerStartTest, InvalidBindAddressIsInvalidArgumentNamingIt) {
  ServerOptions options;
  options.bind = "not-an-ip";
  options.port = 0;
  auto started = Server::Start(
      options, [](Request&&) { return Response{}; },
      [](int status, const Request&) { return Refused(status); });
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(started.error().message, HasSubstr("not-an-ip"));
}

TEST(ServerStartTest, PortInUseIsUnavailableNamingAddressAndPort) {
  ServerOptions options;
  options.port = 0;
  auto handler = [](Request&&) { return Response{}; };
  auto refuse = [](int status, const Request&) { return Refused(status); };
  auto first = Server::Start(options, handler, refuse);
  ASSERT_TRUE(first.has_value());
  options.port = (*first)->port();
  auto second = Server::Start(options, handler, refuse);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(second.error().message, HasSubstr("127.0.0.1:" + std::to_string(options.port)));
}

// A self-signed certificate for "localhost", its key and an unrelated key, as PEM files in a
// temporary directory that goes with the object.
class TlsFiles {
 public:
  TlsFiles() {
    char pattern[] = "/tmp/pw-tls-test-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    EVP_PKEY* key = NewKey();
    EVP_PKEY* other = NewKey();
    X509* cert = SelfSigned(key);
    WritePem(cert_file(), [&](std::FILE* f) { return PEM_write_X509(f, cert); });
    WritePem(key_file(), [&](std::FILE* f) {
      return PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    });
    WritePem(other_key_file(), [&](std::FILE* f) {
      return PEM_write_PrivateKey(f, other, nullptr, nullptr, 0, nullptr, nullptr);
    });
    X509_free(cert);
    EVP_PKEY_free(other);
    EVP_PKEY_free(key);
  }
  ~TlsFiles() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TlsFiles(const TlsFiles&) = delete;
  TlsFiles& operator=(const TlsFiles&) = delete;

  std::string cert_file() const { return dir_ + "/cert.pem"; }
  std::string key_file() const { return dir_ + "/key.pem"; }
  std::string other_key_file() const { return dir_ + "/other-key.pem"; }
  std::string dir() const { return dir_; }

 private:
  static EVP_PKEY* NewKey() {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    EVP_PKEY* key = nullptr;
    if (ctx == nullptr || EVP_PKEY_keygen_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_group_name(ctx, "P-256") != 1 || EVP_PKEY_generate(ctx, &key) != 1) {
      throw std::runtime_error("EC key generation failed");
    }
    EVP_PKEY_CTX_free(ctx);
    return key;
  }

  static X509* SelfSigned(EVP_PKEY* key) {
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    if (X509_sign(cert, key, EVP_sha256()) == 0) throw std::runtime_error("X509_sign failed");
    return cert;
  }

  static void WritePem(const std::string& path, const std::function<int(std::FILE*)>& write) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot create " + path);
    const int ok = write(f);
    std::fclose(f);
    if (ok != 1) throw std::runtime_error("cannot write " + path);
  }

  std::string dir_;
};

// A blocking TLS client (no certificate verification) over a POSIX socket.
class TlsClient {
 public:
  // `max_version`: 0 for OpenSSL's range, else the highest protocol offered (with the security
  // level lowered so that OpenSSL is willing to offer an old one).
  explicit TlsClient(std::uint16_t port, int max_version = 0) : tcp_(port) {
    std::signal(SIGPIPE, SIG_IGN);  // a write to a closed connection fails instead of exiting
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_NONE, nullptr);
    if (max_version != 0) {
      SSL_CTX_set_security_level(ctx_.get(), 0);
      SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_VERSION);
      SSL_CTX_set_max_proto_version(ctx_.get(), max_version);
    }
    ssl_.reset(SSL_new(ctx_.get()));
    SSL_set_fd(ssl_.get(), tcp_.fd());
    ERR_clear_error();
    if (tcp_.connected() && SSL_connect(ssl_.get()) == 1) {
      handshake_done_ = true;
    } else {
      handshake_error_ = ERR_peek_last_error();
    }
    ERR_clear_error();
  }

  bool handshake_done() const { return handshake_done_; }
  // OpenSSL's packed error code of a failed handshake (ERR_GET_REASON gives the reason).
  unsigned long handshake_error() const { return handshake_error_; }
  std::string protocol() const { return SSL_get_version(ssl_.get()); }

  bool Send(std::string_view data) {
    return SSL_write(ssl_.get(), data.data(), static_cast<int>(data.size())) ==
           static_cast<int>(data.size());
  }

  RawResponse Read() {
    return ReadResponse(
        buffer_,
        [this] {
          char chunk[4096];
          const int n = SSL_read(ssl_.get(), chunk, sizeof chunk);
          if (n <= 0) return false;
          buffer_.append(chunk, static_cast<std::size_t>(n));
          return true;
        },
        false);
  }

  // True when the server ends the connection (close_notify, EOF or reset) before the receive
  // timeout, with no further bytes sent.
  bool ClosedByPeer() {
    if (!buffer_.empty()) return false;
    char c;
    const int n = SSL_read(ssl_.get(), &c, 1);
    if (n > 0) return false;
    const int error = SSL_get_error(ssl_.get(), n);
    const int reason = ERR_GET_REASON(ERR_peek_last_error());
    ERR_clear_error();
    // Without close_notify OpenSSL 3 reports the end as an unexpected EOF.
    return error == SSL_ERROR_ZERO_RETURN ||
           (error == SSL_ERROR_SSL && reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) ||
           (error == SSL_ERROR_SYSCALL && (errno == 0 || errno == ECONNRESET));
  }

 private:
  struct CtxFree {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
  };
  struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
  };
  Client tcp_;
  std::unique_ptr<SSL_CTX, CtxFree> ctx_;
  std::unique_ptr<SSL, SslFree> ssl_;
  bool handshake_done_ = false;
  unsigned long handshake_error_ = 0;
  std::string buffer_;
};

class TlsServerTest : public ServerTest {
 protected:
  TlsServerTest() {
    options_.tls_cert_file = files_.cert_file();
    options_.tls_key_file = files_.key_file();
  }

  TlsFiles files_;
};

TEST_F(TlsServerTest, ServesHttpsWithHstsOnEveryResponse) {
  StartServer();
  TlsClient client(server_->port());
  ASSERT_TRUE(client.handshake_done()) << ERR_reason_error_string(client.handshake_error());
  ASSERT_TRUE(
      client.Send("POST /tls?x=1 HTTP/1.1\r\nHost: test\r\nX-Test: t\r\n"
                  "Content-Length: 5\r\n\r\nhello"));
  RawResponse first = client.Read();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "method=POST\ntarget=/tls?x=1\nbody=hello\nremote=127.0.0.1\nx-test=t");
  EXPECT_EQ(first.Value("Strict-Transport-Security"), "max-age=31536000; includeSubDomains");
  // The same connection again (keep-alive), and a refusal: the header is on that too.
  ASSERT_TRUE(
      client.Send("GET /two HTTP/1.1\r\nHost: test\r\n" + std::string(20000, 'x') + ": y\r\n\r\n"));
  RawResponse refused = client.Read();
  EXPECT_EQ(refused.status, 431);
  EXPECT_EQ(refused.Value("Strict-Transport-Security"), "max-age=31536000; includeSubDomains");
  EXPECT_THAT(refusals(), ElementsAre(431));
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST_F(TlsServerTest, NegotiatesTls12OrLater) {
  StartServer();
  TlsClient client(server_->port(), TLS1_2_VERSION);
  ASSERT_TRUE(client.handshake_done()) << ERR_reason_error_string(client.handshake_error());
  EXPECT_EQ(client.protocol(), "TLSv1.2");
  TlsClient modern(server_->port());
  ASSERT_TRUE(modern.handshake_done());
  EXPECT_EQ(modern.protocol(), "TLSv1.3");
}

TEST_F(TlsServerTest, RefusesTls11WithAProtocolVersionAlert) {
  StartServer();
  TlsClient client(server_->port(), TLS1_1_VERSION);
  EXPECT_FALSE(client.handshake_done());
  EXPECT_EQ(ERR_GET_REASON(client.handshake_error()), SSL_R_TLSV1_ALERT_PROTOCOL_VERSION)
      << ERR_reason_error_string(client.handshake_error());
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(TlsServerTest, PlainHttpOnTheTlsPortGetsNoHttpAnswer) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/plain")));
  RawResponse response = client.Read();
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(TlsServerTest, SilentClientIsCutAfterReadTimeoutDuringHandshake) {
  options_.read_timeout = 500ms;
  options_.idle_timeout = 10'000ms;
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.connected());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.ClosedByPeer());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(TlsServerTest, StopClosesAnIdleTlsConnectionAndRunReturns) {
  options_.shutdown_grace = 10'000ms;
  StartServer();
  TlsClient client(server_->port());
  ASSERT_TRUE(client.handshake_done());
  ASSERT_TRUE(client.Send(Get("/once")));
  EXPECT_EQ(client.Read().status, 200);
  const auto started = std::chrono::steady_clock::now();
  server_->Stop();
  run_thread_.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST_F(ServerTest, PlainHttpHasNoHsts) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/plain")));
  RawResponse response = client.Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_FALSE(response.HasHeader("Strict-Transport-Security"));
}

Result<std::unique_ptr<Server>> StartWithTls(const std::string& cert, const std::string& key) {
  ServerOptions options;
  options.port = 0;
  options.tls_cert_file = cert;
  options.tls_key_file = key;
  return Server::Start(
      options, [](Request&&) { return Response{}; },
      [](int status, const Request&) { return Refused(status); });
}

TEST(ServerStartTest, TlsCertificateWithoutKeyIsInvalidArgumentNamingIt) {
  TlsFiles files;
  auto started = StartWithTls(files.cert_file(), "");
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(started.error().message, HasSubstr("'" + files.cert_file() + "'"));
  EXPECT_THAT(started.error().message, HasSubstr("without a key file"));
  auto key_only = StartWithTls("", files.key_file());
  ASSERT_FALSE(key_only.has_value());
  EXPECT_EQ(key_only.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(key_only.error().message, HasSubstr("'" + files.key_file() + "'"));
  EXPECT_THAT(key_only.error().message, HasSubstr("without a certificate file"));
}

TEST(ServerStartTest, MissingTlsFileIsInvalidArgumentNamingIt) {
  TlsFiles files;
  const std::string missing = files.dir() + "/missing.pem";
  auto no_cert = StartWithTls(missing, files.key_file());
  ASSERT_FALSE(no_cert.has_value());
  EXPECT_EQ(no_cert.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(no_cert.error().message,
            "cannot open TLS certificate file '" + missing + "': No such file or directory");
  auto no_key = StartWithTls(files.cert_file(), missing);
  ASSERT_FALSE(no_key.has_value());
  EXPECT_EQ(no_key.error().message,
            "cannot open TLS key file '" + missing + "': No such file or directory");
  auto directory = StartWithTls(files.dir(), files.key_file());
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().message,
            "cannot read TLS certificate file '" + files.dir() + "': Is a directory");
}

TEST(ServerStartTest, NonPemTlsFilesAreInvalidArgumentNamingThem) {
  TlsFiles files;
  // The key is not a certificate, and the certificate is not a key.
  auto cert_is_key = StartWithTls(files.key_file(), files.key_file());
  ASSERT_FALSE(cert_is_key.has_value());
  EXPECT_EQ(cert_is_key.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(cert_is_key.error().message, HasSubstr("TLS certificate file '" + files.key_file() +
                                                     "' holds no usable PEM certificate"));
  auto key_is_cert = StartWithTls(files.cert_file(), files.cert_file());
  ASSERT_FALSE(key_is_cert.has_value());
  EXPECT_EQ(key_is_cert.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(key_is_cert.error().message, HasSubstr("TLS key file '" + files.cert_file() +
                                                     "' holds no unencrypted PEM private key"));
}

TEST(ServerStartTest, KeyOfAnotherCertificateIsInvalidArgumentNamingBothFiles) {
  TlsFiles files;
  auto started = StartWithTls(files.cert_file(), files.other_key_file());
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(started.error().message, "TLS key file '" + files.other_key_file() +
                                         "' does not match the certificate in '" +
                                         files.cert_file() + "'");
}

}  // namespace
}  // namespace planwatch::http
