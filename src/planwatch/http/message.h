// HTTP requests and responses as plain values. Only server.cc sees Boost.Beast; the router and
// the handlers work on these types, which keeps them quick to compile and easy to test.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace planwatch::http {

// Header names compare case-insensitively (RFC 9110 §5.1).
struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method;  // "GET", "POST", … as sent (upper case by convention)
  std::string target;  // the request target as sent: path and query, percent-encoded
  std::vector<Header> headers;
  std::string body;
  std::string remote_address;  // the peer's IP address, without the port

  // The first header with this name (case-insensitive); empty when absent.
  std::string_view HeaderValue(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<Header> headers;
  std::string body;

  // Replaces any header with the same name (case-insensitive).
  void SetHeader(std::string_view name, std::string value);
  // Adds a header even when one with the same name exists (Set-Cookie).
  void AddHeader(std::string name, std::string value) {
    headers.push_back({std::move(name), std::move(value)});
  }
  std::string_view HeaderValue(std::string_view name) const;
};

// ASCII case-insensitive equality, for header names and tokens.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Takes a request body piece by piece as it arrives, for a route that streams its body (see
// StreamDecision). Used by one connection, one call at a time; never concurrently.
class BodySink {
 public:
  virtual ~BodySink() = default;

  // The next bytes of the body, in order. Should not block: it runs on a thread that serves
  // connections. false: the sink has seen enough to answer (say, a malformed body); the server
  // reads no more of the body, calls Finish() and closes the connection after the answer.
  // Must not throw.
  virtual bool Write(std::string_view bytes) = 0;

  // The body is complete (or Write() returned false): the answer. Called at most once; may block
  // (a commit). A sink destroyed without Finish() lost its client. Must not throw.
  virtual Response Finish() = 0;
};

// What to do with a request's body, decided once its headers are read.
struct StreamDecision {
  std::unique_ptr<BodySink> sink;  // set: the body streams into it; its Finish() answers
  std::optional<Response> answer;  // set (no sink): the answer, sent before reading the body
  // Neither: the body is read whole and the request goes to the server's Handler.
};

}  // namespace planwatch::http
