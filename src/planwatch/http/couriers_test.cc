// Beast's types must be laid out as in pw_http (its CMakeLists sets these privately), or the
// inline functions the two share would disagree (ODR).
#ifndef BOOST_BEAST_USE_STD_STRING_VIEW
#define BOOST_BEAST_USE_STD_STRING_VIEW
#endif
#ifndef BOOST_ASIO_NO_DEPRECATED
#define BOOST_ASIO_NO_DEPRECATED
#endif

#include "planwatch/http/couriers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "planwatch/base/text.h"

namespace planwatch::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

// ---- Loopback servers ----

// Accepts connections on 127.0.0.1 one at a time on its own thread and hands each socket to
// `serve`. The destructor wakes the blocked accept with a connection of its own.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::function<void(tcp::socket&)> serve)
      : serve_(std::move(serve)),
        acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] {
      while (true) {
        tcp::socket socket(io_);
        error_code ec;
        acceptor_.accept(socket, ec);
        if (ec || stopping_) return;
        ++connections_;
        serve_(socket);
        socket.close(ec);
      }
    });
  }

  ~LoopbackServer() {
    stopping_ = true;
    asio::io_context io;
    tcp::socket wake(io);
    error_code ec;
    wake.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port_), ec);
    thread_.join();
  }

  std::uint16_t port() const { return port_; }
  int connections() const { return connections_; }

 private:
  std::function<void(tcp::socket&)> serve_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_ = false;
  std::atomic<int> connections_ = 0;
  std::thread thread_;
};

// Blocks until the peer closes the connection (a server that never answers).
void AwaitClose(tcp::socket& socket) {
  std::array<char, 256> scratch{};
  error_code ec;
  while (!ec) socket.read_some(asio::buffer(scratch), ec);
}

// A relay that answers by script and records the dialogue. Replies are full reply texts
// ("250-a\r\n250 b\r\n"); the key is the command verb, "." for the end of the data.
class SmtpRelay {
 public:
  SmtpRelay() : server_([this](tcp::socket& s) { Serve(s); }) {}

  void Reply(const std::string& verb, std::string reply) {
    std::lock_guard lock(mu_);
    replies_[verb] = std::move(reply);
  }
  void SetGreeting(std::string greeting) {
    std::lock_guard lock(mu_);
    greeting_ = std::move(greeting);
  }
  void Hang() { hang_ = true; }

  std::uint16_t port() const { return server_.port(); }
  int connections() const { return server_.connections(); }
  std::vector<std::string> commands() const {
    std::lock_guard lock(mu_);
    return commands_;
  }
  std::string data() const {  // the message as sent on the wire, dot-stuffed, without the "."
    std::lock_guard lock(mu_);
    return data_;
  }

 private:
  std::string ReplyTo(const std::string& verb) {
    std::lock_guard lock(mu_);
    return replies_.at(verb);
  }

  void Serve(tcp::socket& socket) {
    if (hang_) return AwaitClose(socket);
    error_code ec;
    std::string greeting;
    {
      std::lock_guard lock(mu_);
      greeting = greeting_;
    }
    asio::write(socket, asio::buffer(greeting), ec);
    if (greeting.rfind("220", 0) != 0) return;
    std::string buffer;
    auto read_line = [&]() -> std::optional<std::string> {
      std::size_t n = asio::read_until(socket, asio::dynamic_buffer(buffer), "\r\n", ec);
      if (ec) return std::nullopt;
      std::string line = buffer.substr(0, n - 2);
      buffer.erase(0, n);
      return line;
    };
    while (auto line = read_line()) {
      {
        std::lock_guard lock(mu_);
        commands_.push_back(*line);
      }
      std::string verb = line->substr(0, line->find_first_of(" :"));
      std::string reply = ReplyTo(verb);
      asio::write(socket, asio::buffer(reply), ec);
      if (verb == "QUIT" || ec) return;
      if (verb == "DATA" && reply.rfind("354", 0) == 0) {
        std::string data;
        while (auto data_line = read_line()) {
          if (*data_line == ".") break;
          data += *data_line + "\r\n";
        }
        {
          std::lock_guard lock(mu_);
          data_ = data;
        }
        asio::write(socket, asio::buffer(ReplyTo(".")), ec);
      }
    }
  }

  mutable std::mutex mu_;
  std::string greeting_ = "220 relay.test ESMTP ready\r\n";
  std::map<std::string, std::string> replies_ = {
      {"EHLO", "250-relay.test greets planwatch\r\n250-8BITMIME\r\n250 SIZE 10240000\r\n"},
      {"HELO", "250 relay.test\r\n"},
      {"MAIL", "250 2.1.0 Ok\r\n"},
      {"RCPT", "250 2.1.5 Ok\r\n"},
      {"DATA", "354 End data with <CR><LF>.<CR><LF>\r\n"},
      {".", "250 2.0.0 Ok: queued as 7F3A\r\n"},
      {"QUIT", "221 2.0.0 Bye\r\n"}};
  std::vector<std::string> commands_;
  std::string data_;
  std::atomic<bool> hang_ = false;
  LoopbackServer server_;  // last: its thread starts once the script is in place
};

// A webhook receiver answering every request with `status` and recording the requests.
class WebhookReceiver {
 public:
  WebhookReceiver() : server_([this](tcp::socket& s) { Serve(s); }) {}

  void SetStatus(unsigned status) { status_ = status; }
  void Hang() { hang_ = true; }
  std::uint16_t port() const { return server_.port(); }
  int connections() const { return server_.connections(); }
  std::vector<bhttp::request<bhttp::string_body>> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Serve(tcp::socket& socket) {
    boost::beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> request;
    error_code ec;
    bhttp::read(socket, buffer, request, ec);
    if (ec) return;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
    }
    if (hang_) return AwaitClose(socket);
    bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(status_.load()), 11};
    if (status_ != 204) response.body() = "{}";  // 204 may have no body
    response.prepare_payload();
    bhttp::write(socket, response, ec);
  }

  mutable std::mutex mu_;
  std::vector<bhttp::request<bhttp::string_body>> requests_;
  std::atomic<unsigned> status_ = 200;
  std::atomic<bool> hang_ = false;
  LoopbackServer server_;
};

// A port on which nothing listens: bound, then released.
std::uint16_t ClosedPort() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return acceptor.local_endpoint().port();
}

// ---- Decoding what was sent ----

std::string FromBase64(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t length = 0;
  EXPECT_EQ(
      sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), "\r\n", &length, nullptr, sodium_base64_VARIANT_ORIGINAL),
      0)
      << text;
  out.resize(length);
  return out;
}

struct ParsedMessage {
  std::vector<std::pair<std::string, std::string>> headers;  // unfolded, in order
  std::vector<std::string> raw_header_lines;
  std::string body;  // as sent (base64 lines)

  std::string Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return "<missing " + std::string(name) + ">";
  }
};

ParsedMessage Parse(const std::string& message) {
  ParsedMessage out;
  const std::size_t end = message.find("\r\n\r\n");
  EXPECT_NE(end, std::string::npos);
  std::string head = message.substr(0, end + 2);
  out.body = message.substr(end + 4);
  std::size_t at = 0;
  while (at < head.size()) {
    std::size_t eol = head.find("\r\n", at);
    std::string line = head.substr(at, eol - at);
    out.raw_header_lines.push_back(line);
    at = eol + 2;
    if (line.front() == ' ' || line.front() == '\t') {
      out.headers.back().second += line;
    } else {
      std::size_t colon = line.find(": ");
      out.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
  }
  return out;
}

// The subject decoded from its encoded-words (each "=?UTF-8?B?…?=", separated by folding).
std::string DecodeSubject(const std::string& header) {
  if (header.rfind("=?", 0) != 0) return header;
  std::string out;
  std::size_t at = 0;
  while ((at = header.find("=?UTF-8?B?", at)) != std::string::npos) {
    at += 10;
    std::size_t end = header.find("?=", at);
    out += FromBase64(header.substr(at, end - at));
    at = end + 2;
  }
  return out;
}

// ---- Fixtures ----

OutboundEmail VietnameseEmail() {
  OutboundEmail email;
  email.to = {"truong.phong@chiengan.sonla.gov.vn", "can.bo@chiengan.sonla.gov.vn"};
  email.subject = "Đôn đốc: báo cáo tháng 10/2025 quá hạn";
  email.text = "Kính gửi UBND phường Chiềng An,\nBáo cáo tháng 10 đã quá hạn.\n\nEnglish below.\n";
  email.message_id = "<outbox-17@planwatch>";
  return email;
}

CourierOptions RelayAt(std::uint16_t port) {
  CourierOptions options;
  options.smtp_host = "127.0.0.1";
  options.smtp_port = port;
  options.smtp_from = "planwatch@sonla.gov.vn";
  options.timeout = 5s;
  return options;
}

// ---- SMTP dialogue ----

TEST(SmtpCourierTest, SpeaksTheWholeDialogueAndEncodesTheMessage) {
  SmtpRelay relay;
  auto courier = MakeNetworkCourier(RelayAt(relay.port()));
  auto sent = courier->SendEmail(VietnameseEmail());
  ASSERT_TRUE(sent) << sent.error().ToString();
  EXPECT_THAT(relay.commands(),
              ElementsAre("EHLO planwatch", "MAIL FROM:<planwatch@sonla.gov.vn>",
                          "RCPT TO:<truong.phong@chiengan.sonla.gov.vn>",
                          "RCPT TO:<can.bo@chiengan.sonla.gov.vn>", "DATA", "QUIT"));
  ParsedMessage message = Parse(relay.data());
  std::vector<std::string> names;
  for (const auto& h : message.headers) names.push_back(h.first);
  EXPECT_THAT(names, ElementsAre("From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                                 "Content-Type", "Content-Transfer-Encoding"));
  EXPECT_EQ(message.Header("From"), "planwatch@sonla.gov.vn");
  EXPECT_EQ(message.Header("To"),
            "truong.phong@chiengan.sonla.gov.vn, can.bo@chiengan.sonla.gov.vn");
  EXPECT_EQ(DecodeSubject(message.Header("Subject")), "Đôn đốc: báo cáo tháng 10/2025 quá hạn");
  EXPECT_THAT(message.Header("Subject"), HasSubstr("=?UTF-8?B?"));
  EXPECT_THAT(message.Header("Date"),
              ::testing::MatchesRegex("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9][0-9] "
                                      "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                                      "20[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] \\+0000"));
  EXPECT_EQ(message.Header("Message-ID"), "<outbox-17@planwatch>");
  EXPECT_EQ(message.Header("MIME-Version"), "1.0");
  EXPECT_EQ(message.Header("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(message.Header("Content-Transfer-Encoding"), "base64");
  EXPECT_EQ(FromBase64(message.body),
            "Kính gửi UBND phường Chiềng An,\r\nBáo cáo tháng 10 đã quá hạn.\r\n\r\n"
            "English below.\r\n");
}

TEST(SmtpCourierTest, TheEmailsOwnSenderWinsOverTheDefault) {
  SmtpRelay relay;
  auto courier = MakeNetworkCourier(RelayAt(relay.port()));
  OutboundEmail email = VietnameseEmail();
  email.from = "so.khcn@sonla.gov.vn";
  ASSERT_TRUE(courier->SendEmail(email));
  EXPECT_EQ(relay.commands().at(1), "MAIL FROM:<so.khcn@sonla.gov.vn>");
  EXPECT_EQ(Parse(relay.data()).Header("From"), "so.khcn@sonla.gov.vn");
}

TEST(SmtpCourierTest, FallsBackToHeloWhenEhloIsNotKnown) {
  SmtpRelay relay;
  relay.Reply("EHLO", "502 5.5.2 Error: command not recognized\r\n");
  CourierOptions options = RelayAt(relay.port());
  options.helo_name = "pw.sonla.gov.vn";
  auto sent = MakeNetworkCourier(options)->SendEmail(VietnameseEmail());
  ASSERT_TRUE(sent) << sent.error().ToString();
  EXPECT_THAT(relay.commands(),
              ElementsAre("EHLO pw.sonla.gov.vn", "HELO pw.sonla.gov.vn",
                          "MAIL FROM:<planwatch@sonla.gov.vn>",
                          "RCPT TO:<truong.phong@chiengan.sonla.gov.vn>",
                          "RCPT TO:<can.bo@chiengan.sonla.gov.vn>", "DATA", "QUIT"));
}

TEST(SmtpCourierTest, ReadsMultiLineRepliesAnywhere) {
  SmtpRelay relay;
  relay.SetGreeting("220-relay.test\r\n220-no UCE\r\n220 ready\r\n");
  relay.Reply("MAIL", "250-2.1.0 sender\r\n250 2.1.0 Ok\r\n");
  relay.Reply(".", "250-queued\r\n250 2.0.0 as 1\r\n");
  auto sent = MakeNetworkCourier(RelayAt(relay.port()))->SendEmail(VietnameseEmail());
  ASSERT_TRUE(sent) << sent.error().ToString();
  EXPECT_EQ(relay.commands().back(), "QUIT");
}

TEST(SmtpCourierTest, GreetingWith421IsUnavailable) {
  SmtpRelay relay;
  relay.SetGreeting("421 4.3.2 relay.test busy, try later\r\n");
  auto sent = MakeNetworkCourier(RelayAt(relay.port()))->SendEmail(VietnameseEmail());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(sent.error().message, HasSubstr("answered the greeting with 421 4.3.2 relay.test"));
  EXPECT_THAT(sent.error().message, HasSubstr("127.0.0.1:" + std::to_string(relay.port())));
  EXPECT_TRUE(relay.commands().empty());
}

TEST(SmtpCourierTest, RecipientRefusedWith550IsFailedPreconditionAndSendsNoData) {
  SmtpRelay relay;
  relay.Reply("RCPT", "550 5.1.1 <truong.phong@chiengan.sonla.gov.vn>: user unknown\r\n");
  auto sent = MakeNetworkCourier(RelayAt(relay.port()))->SendEmail(VietnameseEmail());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(sent.error().message,
              HasSubstr("RCPT TO:<truong.phong@chiengan.sonla.gov.vn> with 550 5.1.1"));
  EXPECT_THAT(relay.commands(), Not(::testing::Contains("DATA")));
}

TEST(SmtpCourierTest, MessageRefusedWith451AfterTheDataIsUnavailable) {
  SmtpRelay relay;
  relay.Reply(".", "451 4.3.0 queue full\r\n");
  auto sent = MakeNetworkCourier(RelayAt(relay.port()))->SendEmail(VietnameseEmail());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(sent.error().message, HasSubstr("answered the message with 451 4.3.0 queue full"));
}

TEST(SmtpCourierTest, SenderRefusedWith553IsFailedPrecondition) {
  SmtpRelay relay;
  relay.Reply("MAIL", "553 5.7.1 sender not allowed\r\n");
  auto sent = MakeNetworkCourier(RelayAt(relay.port()))->SendEmail(VietnameseEmail());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(sent.error().message, HasSubstr("MAIL FROM with 553"));
}

TEST(SmtpCourierTest, AMultiLineReplyWithMixedCodesIsMalformed) {
  SmtpRelay relay;
  relay.Reply("EHLO", "250-relay.test\r\n220 what\r\n");
  auto sent = MakeNetworkCourier(RelayAt(relay.port()))->SendEmail(VietnameseEmail());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(sent.error().message, HasSubstr("malformed reply to EHLO: '220 what'"));
}

TEST(SmtpCourierTest, RefusedConnectionIsUnavailable) {
  auto sent = MakeNetworkCourier(RelayAt(ClosedPort()))->SendEmail(VietnameseEmail());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(sent.error().message, HasSubstr("connecting failed"));
}

TEST(SmtpCourierTest, SilentRelayTimesOutAsUnavailable) {
  SmtpRelay relay;
  relay.Hang();
  CourierOptions options = RelayAt(relay.port());
  options.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  auto sent = MakeNetworkCourier(options)->SendEmail(VietnameseEmail());
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(sent.error().message, HasSubstr("timed out awaiting the reply to the greeting"));
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
}

TEST(SmtpCourierTest, NoRelayConfiguredIsFailedPrecondition) {
  CourierOptions options;
  options.smtp_from = "planwatch@sonla.gov.vn";
  auto sent = MakeNetworkCourier(options)->SendEmail(VietnameseEmail());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(sent.error().message, "no SMTP relay configured");
}

TEST(SmtpCourierTest, NoSenderAnywhereIsFailedPrecondition) {
  SmtpRelay relay;
  CourierOptions options = RelayAt(relay.port());
  options.smtp_from.clear();
  auto sent = MakeNetworkCourier(options)->SendEmail(VietnameseEmail());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(sent.error().message, HasSubstr("no sender address"));
  EXPECT_EQ(relay.connections(), 0);
}

TEST(SmtpCourierTest, HeaderInjectionIsRefusedBeforeConnecting) {
  SmtpRelay relay;
  auto courier = MakeNetworkCourier(RelayAt(relay.port()));
  struct Case {
    std::function<void(OutboundEmail&)> spoil;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {[](OutboundEmail& e) { e.subject = "Nhắc việc\r\nBcc: all@sonla.gov.vn"; },
       "subject contains a line break: 'Nhắc việc\\x0D\\x0ABcc: all@sonla.gov.vn'"},
      {[](OutboundEmail& e) { e.subject = "Nhắc việc\nBcc: all@sonla.gov.vn"; },
       "subject contains a line break"},
      {[](OutboundEmail& e) { e.to.push_back("x@sonla.gov.vn\r\nRCPT TO:<all@sonla.gov.vn>"); },
       "to is not a plain ASCII local@domain address: 'x@sonla.gov.vn\\x0D\\x0ARCPT"},
      {[](OutboundEmail& e) { e.to.push_back("x@sonla.gov.vn>, <all@sonla.gov.vn"); },
       "to is not a plain ASCII local@domain address"},
      {[](OutboundEmail& e) { e.from = "pw@sonla.gov.vn\nBcc: all@sonla.gov.vn"; },
       "from is not a plain ASCII local@domain address"},
      {[](OutboundEmail& e) { e.message_id = "<a@b>\r\nBcc: all@sonla.gov.vn"; },
       "message_id is not of the form <left@right>"},
      {[](OutboundEmail& e) { e.message_id = "outbox-17@planwatch"; },
       "message_id is not of the form <left@right>: 'outbox-17@planwatch'"},
      {[](OutboundEmail& e) { e.to.clear(); }, "the e-mail has no recipient (to)"},
      {[](OutboundEmail& e) { e.to = {"không-ascii@sonla.gov.vn"}; },
       "to is not a plain ASCII local@domain address"},
      {[](OutboundEmail& e) { e.subject = "bad \xC3\x28 byte"; },
       "subject is not valid UTF-8 (byte 4)"},
      {[](OutboundEmail& e) { e.text = "ok\n\xFF"; }, "text is not valid UTF-8 (byte 3)"},
  };
  for (const Case& c : cases) {
    OutboundEmail email = VietnameseEmail();
    c.spoil(email);
    auto sent = courier->SendEmail(email);
    ASSERT_FALSE(sent) << c.message_part;
    EXPECT_EQ(sent.error().code, ErrorCode::kInvalidArgument) << c.message_part;
    EXPECT_THAT(sent.error().message, HasSubstr(c.message_part));
  }
  EXPECT_EQ(relay.connections(), 0);
}

// ---- The message format ----

TEST(EmailFormatTest, AnAsciiMessageIsExactlyThis) {
  OutboundEmail email;
  email.to = {"a@x.vn"};
  email.subject = "Report 202510 is late";
  email.text = "Line one\nLine two";
  email.message_id = "<outbox-1@planwatch>";
  // 2025-10-06 09:30:00 UTC, a Monday.
  const auto date = std::chrono::sys_days{std::chrono::year{2025} / 10 / 6} + 9h + 30min;
  auto message = FormatEmailMessage(email, "pw@x.vn", date);
  ASSERT_TRUE(message) << message.error().ToString();
  EXPECT_EQ(*message,
            "From: pw@x.vn\r\n"
            "To: a@x.vn\r\n"
            "Subject: Report 202510 is late\r\n"
            "Date: Mon, 06 Oct 2025 09:30:00 +0000\r\n"
            "Message-ID: <outbox-1@planwatch>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            "\r\n"
            "TGluZSBvbmUNCkxpbmUgdHdv\r\n");
}

TEST(EmailFormatTest, LongVietnameseSubjectBecomesFoldedEncodedWords) {
  OutboundEmail email = VietnameseEmail();
  std::string subject;
  for (int i = 0; i < 6; ++i)
    subject += "Yêu cầu giải trình: nhiệm vụ quá hạn số " + std::to_string(i) + ". ";
  email.subject = subject;
  auto message = FormatEmailMessage(email, "pw@x.vn", std::chrono::system_clock::now());
  ASSERT_TRUE(message);
  ParsedMessage parsed = Parse(*message);
  EXPECT_EQ(DecodeSubject(parsed.Header("Subject")), subject);
  int words = 0;
  for (const std::string& line : parsed.raw_header_lines) {
    EXPECT_LE(line.size(), 78u) << line;
    if (line.find("=?UTF-8?B?") == std::string::npos) continue;
    ++words;
    const std::size_t begin = line.find("=?");
    const std::string word = line.substr(begin);
    EXPECT_LE(word.size(), 75u) << word;
    // Each word decodes on its own to whole UTF-8 characters.
    const std::string piece = FromBase64(word.substr(10, word.size() - 12));
    EXPECT_EQ(FirstInvalidUtf8(piece), std::nullopt) << word;
  }
  EXPECT_GT(words, 5);
}

TEST(EmailFormatTest, SubjectsThatLookEncodedOrHoldControlsAreEncoded) {
  OutboundEmail email = VietnameseEmail();
  email.subject = "=?UTF-8?B?Zm9v?= spoof";
  auto message = FormatEmailMessage(email, "pw@x.vn", std::chrono::system_clock::now());
  ASSERT_TRUE(message);
  EXPECT_EQ(Parse(*message).Header("Subject"), "=?UTF-8?B?PT9VVEYtOD9CP1ptOXY/PSBzcG9vZg==?=");
  email.subject = "tab\there";
  message = FormatEmailMessage(email, "pw@x.vn", std::chrono::system_clock::now());
  ASSERT_TRUE(message);
  EXPECT_EQ(DecodeSubject(Parse(*message).Header("Subject")), "tab\there");
  EXPECT_THAT(Parse(*message).Header("Subject"), HasSubstr("=?UTF-8?B?"));
}

TEST(EmailFormatTest, BodyLinesAreAtMost76AndLineEndsBecomeCrlf) {
  OutboundEmail email = VietnameseEmail();
  std::string text;
  for (int i = 0; i < 40; ++i)
    text += "Dòng " + std::to_string(i) + (i % 3 == 0 ? "\r" : i % 3 == 1 ? "\n" : "\r\n");
  email.text = text;
  auto message = FormatEmailMessage(email, "pw@x.vn", std::chrono::system_clock::now());
  ASSERT_TRUE(message);
  const std::string body = Parse(*message).body;
  std::size_t at = 0;
  int lines = 0;
  while (at < body.size()) {
    const std::size_t eol = body.find("\r\n", at);
    ASSERT_NE(eol, std::string::npos);
    EXPECT_LE(eol - at, 76u);
    at = eol + 2;
    ++lines;
  }
  EXPECT_GT(lines, 3);
  std::string expected;
  for (int i = 0; i < 40; ++i) expected += "Dòng " + std::to_string(i) + "\r\n";
  EXPECT_EQ(FromBase64(body), expected);
}

TEST(EmailFormatTest, ManyRecipientsFoldTheToHeader) {
  OutboundEmail email = VietnameseEmail();
  email.to.clear();
  for (int i = 0; i < 8; ++i)
    email.to.push_back("can.bo." + std::to_string(i) + "@xa.sonla.gov.vn");
  auto message = FormatEmailMessage(email, "pw@x.vn", std::chrono::system_clock::now());
  ASSERT_TRUE(message);
  ParsedMessage parsed = Parse(*message);
  for (const std::string& line : parsed.raw_header_lines) EXPECT_LE(line.size(), 78u) << line;
  EXPECT_EQ(parsed.Header("To").find("can.bo.0@xa.sonla.gov.vn, can.bo.1@xa.sonla.gov.vn,"), 0u);
  EXPECT_THAT(parsed.Header("To"), HasSubstr("can.bo.7@xa.sonla.gov.vn"));
}

TEST(SmtpDataBlockTest, DotStuffsAndNormalisesLineEnds) {
  EXPECT_EQ(SmtpDataBlock(".hidden\n..two\r\nmid.dot\rlast"),
            "..hidden\r\n...two\r\nmid.dot\r\nlast\r\n.\r\n");
  EXPECT_EQ(SmtpDataBlock("a\r\n.\r\n"), "a\r\n..\r\n.\r\n");
  EXPECT_EQ(SmtpDataBlock(""), ".\r\n");
}

TEST(SmtpDataBlockTest, RelayReceivesTheStuffedLinesOfTheMessage) {
  // Base64 bodies never start a line with '.', so the wire is checked against the block itself.
  SmtpRelay relay;
  ASSERT_TRUE(MakeNetworkCourier(RelayAt(relay.port()))->SendEmail(VietnameseEmail()));
  const std::string wire = relay.data() + ".\r\n";
  EXPECT_EQ(SmtpDataBlock(wire.substr(0, wire.size() - 3)), wire);
}

// ---- Webhooks ----

TEST(WebhookSignatureTest, IsHmacSha256InLowerHex) {
  // RFC 4231, test case 2.
  EXPECT_EQ(WebhookSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

OutboundWebhook Hook(std::uint16_t port) {
  OutboundWebhook hook;
  hook.url = "http://127.0.0.1:" + std::to_string(port) + "/hooks/planwatch?src=pw";
  hook.secret = "s3cr3t-khóa";
  hook.event = "urging.notice";
  hook.delivery_id = "outbox-42";
  hook.body = R"({"event":"urging.notice","unit":"Chiềng An"})";
  return hook;
}

CourierOptions Quick() {
  CourierOptions options;
  options.timeout = 5s;
  return options;
}

TEST(WebhookCourierTest, PostsTheSignedBodyWithItsHeaders) {
  WebhookReceiver receiver;
  receiver.SetStatus(204);
  const OutboundWebhook hook = Hook(receiver.port());
  auto posted = MakeNetworkCourier(Quick())->PostWebhook(hook);
  ASSERT_TRUE(posted) << posted.error().ToString();
  auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.method(), bhttp::verb::post);
  EXPECT_EQ(r.target(), "/hooks/planwatch?src=pw");
  EXPECT_EQ(r.version(), 11u);
  EXPECT_EQ(r[bhttp::field::host], "127.0.0.1:" + std::to_string(receiver.port()));
  EXPECT_EQ(r[bhttp::field::content_type], "application/json");
  EXPECT_EQ(r[bhttp::field::user_agent], "planwatch");
  EXPECT_EQ(r["X-Planwatch-Event"], "urging.notice");
  EXPECT_EQ(r["X-Planwatch-Delivery"], "outbox-42");
  EXPECT_EQ(r["X-Planwatch-Signature"], WebhookSignature(hook.secret, hook.body));
  EXPECT_EQ(r.body(), hook.body);
  EXPECT_EQ(r[bhttp::field::content_length], std::to_string(hook.body.size()));
}

TEST(WebhookCourierTest, StatusesMapToOutcomes) {
  const std::vector<std::pair<unsigned, std::optional<ErrorCode>>> cases = {
      {200, std::nullopt},
      {202, std::nullopt},
      {204, std::nullopt},
      {500, ErrorCode::kUnavailable},
      {502, ErrorCode::kUnavailable},
      {503, ErrorCode::kUnavailable},
      {429, ErrorCode::kUnavailable},
      {408, ErrorCode::kUnavailable},
      {400, ErrorCode::kFailedPrecondition},
      {401, ErrorCode::kFailedPrecondition},
      {404, ErrorCode::kFailedPrecondition},
      {410, ErrorCode::kFailedPrecondition},
      {301, ErrorCode::kFailedPrecondition},
  };
  WebhookReceiver receiver;
  auto courier = MakeNetworkCourier(Quick());
  for (const auto& [status, expected] : cases) {
    receiver.SetStatus(status);
    auto posted = courier->PostWebhook(Hook(receiver.port()));
    if (!expected) {
      EXPECT_TRUE(posted) << status << " " << posted.error().ToString();
      continue;
    }
    ASSERT_FALSE(posted) << status;
    EXPECT_EQ(posted.error().code, *expected) << status;
    EXPECT_THAT(posted.error().message, HasSubstr("answered " + std::to_string(status)));
  }
}

TEST(WebhookCourierTest, RefusedConnectionIsUnavailable) {
  OutboundWebhook hook = Hook(ClosedPort());
  auto posted = MakeNetworkCourier(Quick())->PostWebhook(hook);
  ASSERT_FALSE(posted);
  EXPECT_EQ(posted.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(posted.error().message, HasSubstr("webhook " + hook.url + ": connecting failed"));
}

TEST(WebhookCourierTest, SilentReceiverTimesOutAsUnavailable) {
  WebhookReceiver receiver;
  receiver.Hang();
  CourierOptions options;
  options.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  auto posted = MakeNetworkCourier(options)->PostWebhook(Hook(receiver.port()));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(posted);
  EXPECT_EQ(posted.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(posted.error().message, HasSubstr("timed out awaiting the answer"));
  EXPECT_LT(took, 3s);
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST(WebhookCourierTest, HttpsAndInjectionAreRefusedBeforeConnecting) {
  WebhookReceiver receiver;
  auto courier = MakeNetworkCourier(Quick());
  OutboundWebhook hook = Hook(receiver.port());
  hook.url = "https://127.0.0.1:" + std::to_string(receiver.port()) + "/h";
  auto posted = courier->PostWebhook(hook);
  ASSERT_FALSE(posted);
  EXPECT_EQ(posted.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(posted.error().message, "https webhooks need TLS, not built");

  hook = Hook(receiver.port());
  hook.event = "urging.notice\r\nX-Admin: yes";
  posted = courier->PostWebhook(hook);
  ASSERT_FALSE(posted);
  EXPECT_EQ(posted.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(posted.error().message, HasSubstr("event must be non-empty printable ASCII"));

  hook = Hook(receiver.port());
  hook.delivery_id = "";
  posted = courier->PostWebhook(hook);
  ASSERT_FALSE(posted);
  EXPECT_EQ(posted.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(posted.error().message, HasSubstr("delivery_id must be non-empty"));
  EXPECT_EQ(receiver.connections(), 0);
}

TEST(WebhookUrlTest, ParsesHttpUrls) {
  struct Case {
    std::string url, host;
    std::uint16_t port;
    std::string target;
  };
  const std::vector<Case> cases = {
      {"http://127.0.0.1:8080/hooks/pw", "127.0.0.1", 8080, "/hooks/pw"},
      {"HTTP://Hooks.Example.org", "Hooks.Example.org", 80, "/"},
      {"http://example.org/", "example.org", 80, "/"},
      {"http://example.org?x=1&y=2", "example.org", 80, "/?x=1&y=2"},
      {"http://[::1]:9000/a/b?c", "::1", 9000, "/a/b?c"},
      {"http://[2001:db8::7]/", "2001:db8::7", 80, "/"},
      {"http://my-host.lan:65535/p%20q", "my-host.lan", 65535, "/p%20q"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseWebhookUrl(c.url);
    ASSERT_TRUE(parsed) << c.url << ": " << parsed.error().ToString();
    EXPECT_EQ(parsed->host, c.host) << c.url;
    EXPECT_EQ(parsed->port, c.port) << c.url;
    EXPECT_EQ(parsed->target, c.target) << c.url;
  }
}

TEST(WebhookUrlTest, RefusesAnythingElse) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"ftp://example.org/", "is not an http:// URL"},
      {"example.org/hook", "is not an http:// URL"},
      {"http://", "has no host"},
      {"http:///path", "has no host"},
      {"http://user:pw@example.org/", "has user info"},
      {"http://example.org:0/", "has a port that is not 1..65535"},
      {"http://example.org:65536/", "has a port that is not 1..65535"},
      {"http://example.org:99999999999/", "has a port that is not 1..65535"},
      {"http://example.org:8a/", "has a port that is not 1..65535"},
      {"http://example.org:/", "has an empty port"},
      {"http://example.org/a b", "has a space, control or non-ASCII byte"},
      {"http://example.org/\r\nX: y", "has a space, control or non-ASCII byte"},
      {"http://ví-dụ.vn/", "has a space, control or non-ASCII byte"},
      {"http://example.org/#top", "has a fragment"},
      {"http://[::1/x", "has an unclosed IPv6 literal"},
      {"http://[zz::1]/", "has a bad IPv6 literal"},
      {"http://[::1]x/", "has text after the IPv6 literal"},
      {"http://exa_mple.org/", "has a host that is not a name or an address"},
      {"http://.example.org/", "has a host that is not a name or an address"},
      {"http://a..b/", "has a host that is not a name or an address"},
  };
  for (const auto& [url, why] : cases) {
    auto parsed = ParseWebhookUrl(url);
    ASSERT_FALSE(parsed) << url;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_THAT(parsed.error().message, HasSubstr(why)) << url;
    EXPECT_THAT(parsed.error().message, HasSubstr("webhook URL '")) << url;
  }
  auto https = ParseWebhookUrl("HTTPS://example.org/");
  ASSERT_FALSE(https);
  EXPECT_EQ(https.error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace planwatch::http
