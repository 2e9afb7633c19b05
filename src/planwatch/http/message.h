// HTTP requests and responses as plain values. Only server.cc sees Boost.Beast; the router and
// the handlers work on these types, which keeps them quick to compile and easy to test.
#pragma once

#include <cstdint>
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

}  // namespace planwatch::http
