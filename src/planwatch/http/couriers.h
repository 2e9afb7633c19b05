// The Courier over the network: e-mail through an SMTP relay (RFC 5321) and webhooks as plain
// HTTP/1.1 POSTs, both synchronous with one deadline per delivery. Asio and Beast stay in
// couriers.cc.
//
// The relay is one on the local network: neither STARTTLS nor AUTH is spoken, and webhooks are
// http:// only (https needs TLS, which is not built).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/service/delivery.h"

namespace planwatch::http {

struct CourierOptions {
  std::string smtp_host;                // relay host name or IP address; empty: no relay configured
  int smtp_port = 25;                   // 1..65535
  std::string smtp_from;                // sender address of e-mails that name none
  std::string helo_name = "planwatch";  // the name given in EHLO / HELO
  std::chrono::milliseconds timeout{10000};  // per delivery: resolve, connect and whole dialogue
};

// The network Courier. Each call opens its own connection and closes it before returning, so
// the courier holds no connection state and may be used from several threads at once.
//
// SendEmail, besides the outcomes of the Courier contract:
//   failed_precondition "no SMTP relay configured" when options.smtp_host is empty, and when
//     the e-mail names no sender and options.smtp_from is empty;
//   invalid_argument, before connecting, for a message that cannot be sent as it is: no
//     recipient, an address that is not a plain ASCII local@domain (CR, LF, spaces, angle
//     brackets, commas), a subject with CR or LF, a subject or text that is not UTF-8, a
//     Message-ID that is not "<left@right>". The message names the offending field.
// PostWebhook, besides the outcomes of the Courier contract:
//   failed_precondition "https webhooks need TLS, not built" for an https:// URL, and for a
//     3xx answer (redirects are not followed);
//   invalid_argument, before connecting, for a malformed URL (see ParseWebhookUrl) or an event
//     or delivery id with control characters.
std::unique_ptr<Courier> MakeNetworkCourier(const CourierOptions& options);

// Where a webhook URL points: http://host[:port]/path[?query].
struct WebhookTarget {
  std::string host;  // a DNS name, a dotted IPv4 address, or an IPv6 address without []
  std::uint16_t port = 80;
  std::string target;  // the request target: path and query, "/" when the URL has no path
};

// Parses a webhook URL strictly: scheme http (any case), a host (letters, digits, '-', '.', or
// an IPv6 literal in brackets), an optional port 1..65535, then an optional path and query of
// printable ASCII. invalid_argument naming the URL for anything else (user info, a fragment,
// spaces, non-ASCII); failed_precondition "https webhooks need TLS, not built" for https.
Result<WebhookTarget> ParseWebhookUrl(std::string_view url);

// The X-Planwatch-Signature header value of `body`: "sha256=" and the lower-case hex
// HMAC-SHA256 of the body's bytes under the key `secret`.
std::string WebhookSignature(std::string_view secret, std::string_view body);

// The Internet message (RFC 5322) SendEmail transmits, with CRLF line ends and before
// dot-stuffing: From, To, Subject (RFC 2047 encoded-words, UTF-8 base64, when it is not plain
// printable ASCII or is too long for one line), Date (`date` in UTC, "+0000"), Message-ID,
// MIME-Version, Content-Type text/plain; charset=UTF-8, Content-Transfer-Encoding base64, then
// the text with its line ends made CRLF, base64 encoded in lines of 76 characters.
// `from` is the sender address. invalid_argument as SendEmail's.
Result<std::string> FormatEmailMessage(const OutboundEmail& email, std::string_view from,
                                       std::chrono::system_clock::time_point date);

// The bytes sent after the DATA command's 354 reply: `message` with every line end made CRLF
// (a lone CR or LF becomes CRLF), a '.' doubled at the start of every line, and the "."
// line that ends the data.
std::string SmtpDataBlock(std::string_view message);

}  // namespace planwatch::http
