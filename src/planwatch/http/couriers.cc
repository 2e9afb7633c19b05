#include "planwatch/http/couriers.h"

#include <sodium.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <functional>
#include <initializer_list>
#include <optional>
#include <utility>
#include <vector>

#include "planwatch/base/text.h"

namespace planwatch::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr std::size_t kMaxReplyBytes = 64 << 10;  // one SMTP reply, all its lines
constexpr std::size_t kBase64LineLength = 76;     // RFC 2045
// 39 bytes encode to 52 base64 characters: "=?UTF-8?B?" + 52 + "?=" is 64, within the 75 of
// RFC 2047 and, after "Subject: ", within a line of 78.
constexpr std::size_t kEncodedWordBytes = 39;
constexpr std::size_t kPlainSubjectLimit = 900;  // beyond this a Subject line nears 998
constexpr std::size_t kHeaderFoldColumn = 78;

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

bool IsPrintableAscii(char c) { return c >= 0x20 && c <= 0x7E; }

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

std::string Quoted(std::string_view text) { return "'" + EchoForMessage(text) + "'"; }

// A mailbox of the SMTP envelope: printable ASCII local@domain without the characters that
// would let it break out of "<...>" or a header.
Status CheckAddress(std::string_view field, std::string_view address) {
  constexpr std::string_view kSpecials = " <>()[],;:\"\\";
  const std::size_t at = address.find('@');
  bool ok = !address.empty() && address.size() <= 254 && at != std::string_view::npos && at > 0 &&
            at + 1 < address.size() && address.find('@', at + 1) == std::string_view::npos;
  for (char c : address) {
    if (!IsPrintableAscii(c) || kSpecials.find(c) != std::string_view::npos) ok = false;
  }
  if (ok) return {};
  return InvalidArgument(std::string(field) +
                         " is not a plain ASCII local@domain address: " + Quoted(address));
}

Status CheckMessageId(std::string_view id) {
  const bool framed = id.size() >= 5 && id.size() <= 250 && id.front() == '<' && id.back() == '>' &&
                      id.find('@') != std::string_view::npos;
  bool ok = framed;
  for (char c : id.substr(framed ? 1 : 0, framed ? id.size() - 2 : id.size())) {
    if (!IsPrintableAscii(c) || c == ' ' || c == '<' || c == '>') ok = false;
  }
  if (ok) return {};
  return InvalidArgument("message_id is not of the form <left@right>: " + Quoted(id));
}

Status CheckUtf8(std::string_view field, std::string_view text) {
  if (auto bad = FirstInvalidUtf8(text)) {
    return InvalidArgument(std::string(field) + " is not valid UTF-8 (byte " +
                           std::to_string(*bad) + ")");
  }
  return {};
}

// The length of the UTF-8 sequence that starts with `lead` (valid input assumed).
std::size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// RFC 2047 encoded-words of at most kEncodedWordBytes bytes each, never splitting a character.
std::string EncodeSubject(std::string_view subject) {
  bool plain = subject.size() <= kPlainSubjectLimit && subject.find("=?") == std::string_view::npos;
  for (char c : subject) plain = plain && IsPrintableAscii(c);
  if (plain) return std::string(subject);
  std::string out;
  std::size_t begin = 0;
  while (begin < subject.size()) {
    std::size_t end = begin;
    while (end < subject.size()) {
      const std::size_t next = end + SequenceLength(static_cast<unsigned char>(subject[end]));
      if (next - begin > kEncodedWordBytes) break;
      end = next;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(subject.substr(begin, end - begin)) + "?=";
    begin = end;
  }
  return out;
}

// Every line end (CRLF, a lone CR, a lone LF) as CRLF.
std::string NormaliseLineEnds(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string Rfc5322Date(std::chrono::system_clock::time_point instant) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = floor<days>(instant);
  const year_month_day ymd{day};
  const weekday wd{day};
  const hh_mm_ss time{floor<seconds>(instant - day)};
  std::array<char, 64> text{};
  std::snprintf(text.data(), text.size(), "%s, %02u %s %04d %02d:%02d:%02d +0000",
                kDays[wd.c_encoding()], static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return text.data();
}

// "To: a, b, …" folded before an address that would pass column 78.
std::string ToHeader(const std::vector<std::string>& to) {
  std::string out = "To: ";
  std::size_t column = out.size();
  for (std::size_t i = 0; i < to.size(); ++i) {
    std::string item = to[i] + (i + 1 < to.size() ? "," : "");
    if (i > 0) {
      if (column + 1 + item.size() > kHeaderFoldColumn) {
        out += "\r\n";
        column = 0;
      }
      out += ' ';
      ++column;
    }
    out += item;
    column += item.size();
  }
  return out + "\r\n";
}

// ---- Synchronous I/O with one deadline ----

// One connection whose every operation must finish before `deadline`. Operations are started
// asynchronously and the io_context is run until they finish or the deadline passes; then the
// socket is closed, which aborts them.
class DeadlineConnection {
 public:
  DeadlineConnection(std::string peer, SteadyTime deadline)
      : peer_(std::move(peer)), deadline_(deadline) {}

  const std::string& peer() const { return peer_; }
  tcp::socket& socket() { return socket_; }

  // An error code, or timed_out() when the deadline passed first.
  Result<error_code> Connect(const std::string& host, std::uint16_t port) {
    error_code result;
    tcp::resolver::results_type endpoints;
    tcp::resolver resolver(io_);
    resolver.async_resolve(host, std::to_string(port),
                           [&](const error_code& ec, tcp::resolver::results_type found) {
                             result = ec;
                             endpoints = std::move(found);
                           });
    if (!Run([&] { resolver.cancel(); })) return TimedOut("resolving the host");
    if (result) return result;
    asio::async_connect(socket_, endpoints,
                        [&](const error_code& ec, const tcp::endpoint&) { result = ec; });
    if (!Run([&] { Close(); })) return TimedOut("connecting");
    return result;
  }

  // Runs one started operation; false when the deadline passed (it was cancelled by `cancel`).
  bool Run(const std::function<void()>& cancel) {
    io_.restart();
    io_.run_until(deadline_);
    if (io_.stopped()) return true;
    cancel();
    io_.restart();
    io_.run();
    return false;
  }

  Result<error_code> Write(std::string_view bytes) {
    error_code result;
    asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                      [&](const error_code& ec, std::size_t) { result = ec; });
    if (!Run([&] { Close(); })) return TimedOut("sending");
    return result;
  }

  std::unexpected<Error> TimedOut(std::string_view during) {
    return Fail(ErrorCode::kUnavailable, peer_ + " timed out " + std::string(during));
  }

  std::unexpected<Error> IoFailed(std::string_view during, const error_code& ec) {
    return Fail(ErrorCode::kUnavailable,
                peer_ + ": " + std::string(during) + " failed: " + ec.message());
  }

  void Close() {
    error_code ignored;
    socket_.close(ignored);
  }

 private:
  std::string peer_;
  SteadyTime deadline_;
  asio::io_context io_{1};
  tcp::socket socket_{io_};
};

// ---- SMTP ----

struct SmtpReply {
  int code = 0;
  std::string text;  // the text of every line, joined by a space
};

class SmtpSession {
 public:
  SmtpSession(std::string peer, SteadyTime deadline) : connection_(std::move(peer), deadline) {}

  Status Connect(const std::string& host, std::uint16_t port) {
    auto ec = connection_.Connect(host, port);
    if (!ec) return std::unexpected(ec.error());
    if (*ec) return connection_.IoFailed("connecting", *ec);
    return {};
  }

  // Sends `command` (without CRLF; empty: send nothing) and reads the complete reply.
  Result<SmtpReply> Exchange(std::string_view command, std::string_view step) {
    if (!command.empty()) {
      auto sent = connection_.Write(std::string(command) + "\r\n");
      if (!sent) return std::unexpected(sent.error());
      if (*sent) return connection_.IoFailed(step, *sent);
    }
    return ReadReply(step);
  }

  // Exchange() that also requires one of `expected` codes: a 4xx reply is unavailable, a 5xx
  // failed_precondition, anything else unavailable (a relay that does not follow the protocol).
  Result<SmtpReply> Expect(std::string_view command, std::string_view step,
                           std::initializer_list<int> expected) {
    auto reply = Exchange(command, step);
    if (!reply) return reply;
    for (int code : expected) {
      if (reply->code == code) return reply;
    }
    return Refused(step, *reply);
  }

  Status SendData(std::string_view block) {
    auto sent = connection_.Write(block);
    if (!sent) return std::unexpected(sent.error());
    if (*sent) return connection_.IoFailed("sending the message", *sent);
    return {};
  }

  std::unexpected<Error> Refused(std::string_view step, const SmtpReply& reply) {
    const ErrorCode code = reply.code >= 500 && reply.code < 600 ? ErrorCode::kFailedPrecondition
                                                                 : ErrorCode::kUnavailable;
    return Fail(code, connection_.peer() + " answered " + std::string(step) + " with " +
                          std::to_string(reply.code) + " " + EchoForMessage(reply.text, 200));
  }

  // Best effort after a failure: the relay is told, nothing is awaited.
  void Abandon() {
    if (connection_.socket().is_open()) (void)connection_.Write("QUIT\r\n");
    connection_.Close();
  }

 private:
  Result<SmtpReply> ReadReply(std::string_view step) {
    SmtpReply reply;
    while (true) {
      error_code result;
      std::size_t length = 0;
      asio::async_read_until(connection_.socket(), asio::dynamic_buffer(buffer_, kMaxReplyBytes),
                             "\n", [&](const error_code& ec, std::size_t n) {
                               result = ec;
                               length = n;
                             });
      if (!connection_.Run([&] { connection_.Close(); })) {
        return connection_.TimedOut("awaiting the reply to " + std::string(step));
      }
      if (result) return connection_.IoFailed("reading the reply to " + std::string(step), result);
      std::string line = buffer_.substr(0, length - 1);
      buffer_.erase(0, length);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const bool digits = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                          std::isdigit(static_cast<unsigned char>(line[1])) &&
                          std::isdigit(static_cast<unsigned char>(line[2]));
      const bool well_formed = digits && (line.size() == 3 || line[3] == ' ' || line[3] == '-');
      const int code = well_formed ? std::stoi(line.substr(0, 3)) : 0;
      if (!well_formed || (reply.code != 0 && code != reply.code)) {
        return Fail(ErrorCode::kUnavailable, connection_.peer() + " sent a malformed reply to " +
                                                 std::string(step) + ": " + Quoted(line));
      }
      reply.code = code;
      if (line.size() > 4) {
        if (!reply.text.empty()) reply.text += ' ';
        reply.text += line.substr(4);
      }
      if (line.size() == 3 || line[3] == ' ') return reply;
    }
  }

  DeadlineConnection connection_;
  std::string buffer_;
};

// ---- Webhooks ----

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

Status CheckHeaderValue(std::string_view field, std::string_view value) {
  bool ok = !value.empty();
  for (char c : value) ok = ok && IsPrintableAscii(c);
  if (ok) return {};
  return InvalidArgument(std::string(field) +
                         " must be non-empty printable ASCII (no line breaks): " + Quoted(value));
}

class NetworkCourier final : public Courier {
 public:
  explicit NetworkCourier(CourierOptions options) : options_(std::move(options)) {}

  Status SendEmail(const OutboundEmail& email) override {
    try {
      return Send(email);
    } catch (const std::exception& e) {
      return Internal(std::string("sending an e-mail: ") + e.what());
    }
  }

  Status PostWebhook(const OutboundWebhook& hook) override {
    try {
      return Post(hook);
    } catch (const std::exception& e) {
      return Internal(std::string("posting a webhook: ") + e.what());
    }
  }

 private:
  Status Send(const OutboundEmail& email) {
    if (options_.smtp_host.empty()) {
      return Fail(ErrorCode::kFailedPrecondition, "no SMTP relay configured");
    }
    if (options_.smtp_port < 1 || options_.smtp_port > 65535) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "SMTP relay port out of range: " + std::to_string(options_.smtp_port));
    }
    if (!CheckHeaderValue("helo_name", options_.helo_name) ||
        options_.helo_name.find(' ') != std::string::npos) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "the HELO name is not one printable word: " + Quoted(options_.helo_name));
    }
    const std::string& from = email.from.empty() ? options_.smtp_from : email.from;
    if (from.empty()) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "no sender address: the e-mail names none and no default is configured");
    }
    auto message = FormatEmailMessage(email, from, std::chrono::system_clock::now());
    if (!message) return std::unexpected(message.error());

    const auto port = static_cast<std::uint16_t>(options_.smtp_port);
    SmtpSession smtp("SMTP relay " + options_.smtp_host + ":" + std::to_string(port),
                     std::chrono::steady_clock::now() + options_.timeout);
    if (auto connected = smtp.Connect(options_.smtp_host, port); !connected) return connected;
    Status sent = Dialogue(smtp, email, from, *message);
    if (!sent) smtp.Abandon();
    return sent;
  }

  Status Dialogue(SmtpSession& smtp, const OutboundEmail& email, const std::string& from,
                  const std::string& message) {
    if (auto r = smtp.Expect("", "the greeting", {220}); !r) return std::unexpected(r.error());
    auto ehlo = smtp.Exchange("EHLO " + options_.helo_name, "EHLO");
    if (!ehlo) return std::unexpected(ehlo.error());
    if (ehlo->code != 250) {
      // RFC 5321 4.1.1.1: a server that does not know EHLO answers 5xx; HELO still works.
      if (ehlo->code < 500) return smtp.Refused("EHLO", *ehlo);
      if (auto r = smtp.Expect("HELO " + options_.helo_name, "HELO", {250}); !r) {
        return std::unexpected(r.error());
      }
    }
    if (auto r = smtp.Expect("MAIL FROM:<" + from + ">", "MAIL FROM", {250}); !r) {
      return std::unexpected(r.error());
    }
    for (const std::string& to : email.to) {
      if (auto r = smtp.Expect("RCPT TO:<" + to + ">", "RCPT TO:<" + to + ">", {250, 251}); !r) {
        return std::unexpected(r.error());
      }
    }
    if (auto r = smtp.Expect("DATA", "DATA", {354}); !r) return std::unexpected(r.error());
    if (auto r = smtp.SendData(SmtpDataBlock(message)); !r) return r;
    if (auto r = smtp.Expect("", "the message", {250}); !r) return std::unexpected(r.error());
    // The relay has taken the message: how QUIT goes no longer matters.
    (void)smtp.Exchange("QUIT", "QUIT");
    return {};
  }

  Status Post(const OutboundWebhook& hook) {
    auto where = ParseWebhookUrl(hook.url);
    if (!where) return std::unexpected(where.error());
    if (auto ok = CheckHeaderValue("event", hook.event); !ok) return ok;
    if (auto ok = CheckHeaderValue("delivery_id", hook.delivery_id); !ok) return ok;

    DeadlineConnection connection("webhook " + EchoForMessage(hook.url, 200),
                                  std::chrono::steady_clock::now() + options_.timeout);
    auto connected = connection.Connect(where->host, where->port);
    if (!connected) return std::unexpected(connected.error());
    if (*connected) return connection.IoFailed("connecting", *connected);

    const bool v6 = where->host.find(':') != std::string::npos;
    std::string host = v6 ? "[" + where->host + "]" : where->host;
    if (where->port != 80) host += ":" + std::to_string(where->port);
    bhttp::request<bhttp::string_body> request{bhttp::verb::post, where->target, 11};
    request.set(bhttp::field::host, host);
    request.set(bhttp::field::user_agent, "planwatch");
    request.set(bhttp::field::content_type, "application/json");
    request.set(bhttp::field::connection, "close");
    request.set("X-Planwatch-Event", hook.event);
    request.set("X-Planwatch-Delivery", hook.delivery_id);
    request.set("X-Planwatch-Signature", WebhookSignature(hook.secret, hook.body));
    request.body() = hook.body;
    request.prepare_payload();

    error_code result;
    bhttp::async_write(connection.socket(), request,
                       [&](const error_code& ec, std::size_t) { result = ec; });
    if (!connection.Run([&] { connection.Close(); })) return connection.TimedOut("sending");
    if (result) return connection.IoFailed("sending", result);

    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::empty_body> parser;
    bhttp::async_read_header(connection.socket(), buffer, parser,
                             [&](const error_code& ec, std::size_t) { result = ec; });
    if (!connection.Run([&] { connection.Close(); })) {
      return connection.TimedOut("awaiting the answer");
    }
    if (result) return connection.IoFailed("reading the answer", result);
    connection.Close();

    const unsigned status = parser.get().result_int();
    if (status >= 200 && status < 300) return {};
    const std::string answered = connection.peer() + " answered " + std::to_string(status) + " " +
                                 EchoForMessage(parser.get().reason(), 80);
    if (status == 408 || status == 429 || status >= 500) {
      return Fail(ErrorCode::kUnavailable, answered);
    }
    if (status >= 300 && status < 400) {
      return Fail(ErrorCode::kFailedPrecondition, answered + " (redirects are not followed)");
    }
    return Fail(ErrorCode::kFailedPrecondition, answered);
  }

  CourierOptions options_;
};

}  // namespace

std::unique_ptr<Courier> MakeNetworkCourier(const CourierOptions& options) {
  return std::make_unique<NetworkCourier>(options);
}

Result<WebhookTarget> ParseWebhookUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("webhook URL " + Quoted(url) + " " + std::string(why));
  };
  if (StartsWithNoCase(url, "https://")) {
    return Fail(ErrorCode::kFailedPrecondition, "https webhooks need TLS, not built");
  }
  if (!StartsWithNoCase(url, "http://")) return bad("is not an http:// URL");
  for (char c : url) {
    if (!IsPrintableAscii(c) || c == ' ') return bad("has a space, control or non-ASCII byte");
  }
  if (url.find('#') != std::string_view::npos) return bad("has a fragment");
  std::string_view rest = url.substr(7);
  const std::size_t path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  std::string_view target = path_at == std::string_view::npos ? "" : rest.substr(path_at);
  if (authority.find('@') != std::string_view::npos) return bad("has user info");

  WebhookTarget out;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("has an unclosed IPv6 literal");
    out.host = std::string(authority.substr(1, close - 1));
    error_code ec;
    asio::ip::make_address_v6(out.host, ec);
    if (ec || out.host.find('%') != std::string::npos) return bad("has a bad IPv6 literal");
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("has text after the IPv6 literal");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("has an empty port");
    }
  } else {
    const std::size_t colon = authority.find(':');
    std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return bad("has an empty port");
    }
    if (host.empty()) return bad("has no host");
    for (char c : host) {
      if (!IsHostChar(c)) return bad("has a host that is not a name or an address");
    }
    if (host.front() == '.' || host.front() == '-' || host.find("..") != std::string_view::npos) {
      return bad("has a host that is not a name or an address");
    }
    out.host = std::string(host);
  }
  if (!port_text.empty()) {
    int port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port > 65535) return bad("has a port that is not 1..65535");
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return bad("has a port that is not 1..65535");
    out.port = static_cast<std::uint16_t>(port);
  }
  out.target = target.empty()
                   ? "/"
                   : (target.front() == '?' ? "/" + std::string(target) : std::string(target));
  return out;
}

std::string WebhookSignature(std::string_view secret, std::string_view body) {
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  std::string hex(mac.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  hex.pop_back();
  return "sha256=" + hex;
}

Result<std::string> FormatEmailMessage(const OutboundEmail& email, std::string_view from,
                                       std::chrono::system_clock::time_point date) {
  if (email.to.empty()) return InvalidArgument("the e-mail has no recipient (to)");
  if (auto ok = CheckAddress("from", from); !ok) return std::unexpected(ok.error());
  for (const std::string& to : email.to) {
    if (auto ok = CheckAddress("to", to); !ok) return std::unexpected(ok.error());
  }
  if (HasLineBreak(email.subject)) {
    return InvalidArgument("subject contains a line break: " + Quoted(email.subject));
  }
  if (auto ok = CheckUtf8("subject", email.subject); !ok) return std::unexpected(ok.error());
  if (auto ok = CheckUtf8("text", email.text); !ok) return std::unexpected(ok.error());
  if (auto ok = CheckMessageId(email.message_id); !ok) return std::unexpected(ok.error());

  std::string out;
  out += "From: " + std::string(from) + "\r\n";
  out += ToHeader(email.to);
  out += "Subject: " + EncodeSubject(email.subject) + "\r\n";
  out += "Date: " + Rfc5322Date(date) + "\r\n";
  out += "Message-ID: " + email.message_id + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "\r\n";
  const std::string body = Base64(NormaliseLineEnds(email.text));
  for (std::size_t at = 0; at < body.size(); at += kBase64LineLength) {
    out += body.substr(at, kBase64LineLength) + "\r\n";
  }
  return out;
}

std::string SmtpDataBlock(std::string_view message) {
  const std::string lines = NormaliseLineEnds(message);
  std::string out;
  out.reserve(lines.size() + 8);
  bool line_start = true;
  for (char c : lines) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  if (!line_start) out += "\r\n";
  return out + ".\r\n";
}

}  // namespace planwatch::http
