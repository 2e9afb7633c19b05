#include "planwatch/service/json_fields.h"

#include <gtest/gtest.h>

namespace planwatch {
namespace {

TEST(ParseJsonBodyTest, ParsesAnObject) {
  auto body = ParseJsonBody(R"({"code": "T1", "priority": 2})");
  ASSERT_TRUE(body.has_value()) << body.error().ToString();
  EXPECT_EQ((*body)["code"], "T1");
  EXPECT_EQ((*body)["priority"], 2);
}

TEST(ParseJsonBodyTest, MalformedJsonNamesTheByte) {
  auto body = ParseJsonBody(R"({"a": )");
  ASSERT_FALSE(body.has_value());
  EXPECT_EQ(body.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(body.error().message, "malformed JSON at byte 7");
}

// Found by the json_bodies fuzz target (fuzz/corpus/json_bodies/crash-number-overflow): the
// second parse, which learns the offset, threw an exception no one caught.
TEST(ParseJsonBodyTest, NumberBeyondADoubleIsMalformedNotACrash) {
  for (const char* text : {R"({"zzz": 3E33337328})", "[1e999]", "-1e400"}) {
    auto body = ParseJsonBody(text);
    ASSERT_FALSE(body.has_value()) << text;
    EXPECT_EQ(body.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_EQ(body.error().message, "malformed JSON: a number is out of range") << text;
  }
}

TEST(ParseJsonBodyTest, InvalidUtf8NamesTheByte) {
  auto body = ParseJsonBody("{\"a\": \"\xff\"}");
  ASSERT_FALSE(body.has_value());
  EXPECT_EQ(body.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(body.error().message, "the body is not valid UTF-8 (byte 8)");
}

}  // namespace
}  // namespace planwatch
