#include "planwatch/service/signing.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "planwatch/service/accounts.h"

namespace planwatch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kSignedAt[] = "2025-11-18T09:30:00.000Z";

// "true", "false" or the error, for readable expectations on Check.
std::string Outcome(const Result<bool>& r) {
  if (!r) return r.error().ToString();
  return *r ? "true" : "false";
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteAll(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A fresh temporary folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("planwatch_signing_test_" + std::to_string(::getpid()) +
                                         "_" + info->test_suite_name() + "_" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The content of a report as the reports service gathers it (same shape, smaller).
json SampleContent() {
  return json{
      {"format", "planwatch-report"},
      {"report", 12},
      {"revision", 2},
      {"supersedes", 7},
      {"plan",
       {{"id", 1}, {"code", "333-KH/TU"}, {"title_vi", "Kế hoạch thực hiện Nghị quyết 57"}}},
      {"unit", {{"id", 40}, {"code", "CHIENG-AN"}, {"name_vi", "Phường Chiềng An"}}},
      {"period", "202510"},
      {"due_on", "2025-11-20"},
      {"narrative",
       {{"results", "Thành lập 27 tổ công nghệ số cộng đồng; \"Bình dân học vụ số\"."},
        {"difficulties", "Hạ tầng 4G chưa phủ hết các bản.\nThiếu kinh phí."},
        {"proposals", ""}}},
      {"values", json::array({{{"indicator", "DIGITAL_TEAMS"}, {"value", 27}},
                              {{"indicator", "DOC_DIGITIZATION"}, {"value", 93.2}}})},
      {"completeness", {{"present", 3}, {"required", 4}}},
      {"submitted_at", "2025-11-15T02:00:00.000Z"},
      {"submitted_by", "can.bo"},
  };
}

class SigningStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().has_value());
    db_ = dir_.path() / "planwatch.db";
    auto store = Store::Open(StoreOptions{db_.string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    leader_ = AddUser("lanh.dao", "Nguyễn Thị Lan");
    other_ = AddUser("pho.chu.tich", "Lò Văn Minh");
  }

  UserRecord AddUser(const std::string& login, const std::string& name) {
    UserRecord user;
    user.login = login;
    user.display_name = name;
    user.role = Role::kUnitLeader;
    user.password_hash = "x";
    auto tx = store_->Begin();
    EXPECT_TRUE(tx.has_value());
    auto id = (*tx)->PutUser(user);
    EXPECT_TRUE(id.has_value()) << id.error().ToString();
    EXPECT_TRUE((*tx)->Commit().has_value());
    user.id = *id;
    return user;
  }

  static InstanceKey KeyOf(unsigned char fill) {
    InstanceKey key{};
    key.bytes.fill(fill);
    return key;
  }

  // Signs in its own committed transaction.
  Result<ReportSignature> SignCommitted(Signer& signer, const UserRecord& user,
                                        std::string_view content, std::string_view at = kSignedAt) {
    auto tx = store_->Begin();
    if (!tx) return std::unexpected(tx.error());
    auto sig = signer.Sign(**tx, user, content, at);
    if (!sig) return sig;
    if (auto committed = (*tx)->Commit(); !committed) return std::unexpected(committed.error());
    return sig;
  }

  TempDir dir_;
  fs::path db_;
  std::unique_ptr<Store> store_;
  UserRecord leader_, other_;
};

// ---- CanonicalJson ----

TEST(CanonicalJsonTest, SortsKeysAtEveryLevelWithoutWhitespace) {
  const json value = json::parse(R"({"b": 1, "a": {"d": [3, {"z": 0, "y": 1}], "c": "x"}})");
  EXPECT_EQ(CanonicalJson(value), R"({"a":{"c":"x","d":[3,{"y":1,"z":0}]},"b":1})");
}

TEST(CanonicalJsonTest, SortsKeysByUtf8Bytes) {
  const json value = {{"é", 1}, {"z", 2}, {"Z", 3}, {"a", 4}};
  EXPECT_EQ(CanonicalJson(value), "{\"Z\":3,\"a\":4,\"z\":2,\"\xC3\xA9\":1}");
}

TEST(CanonicalJsonTest, EscapesOnlyWhatJsonRequires) {
  const json value = std::string("q\"b\\n\nt\tc\x01/<>\x7F");
  EXPECT_EQ(CanonicalJson(value), "\"q\\\"b\\\\n\\nt\\tc\\u0001/<>\x7F\"");
}

TEST(CanonicalJsonTest, KeepsVietnameseAsUtf8) {
  const json value = {{"name_vi", "Phường Chiềng An"}, {"kind", "Bình dân học vụ số"}};
  EXPECT_EQ(CanonicalJson(value),
            "{\"kind\":\"Bình dân học vụ số\",\"name_vi\":\"Phường Chiềng An\"}");
  EXPECT_EQ(CanonicalJson(value).find("\\u"), std::string::npos);
}

TEST(CanonicalJsonTest, WritesIntegersAsIntegersAndDoublesInShortestForm) {
  const json value = json::array({27, -5, 0, 93.2, 1.0, 0.1, 1e21, 2.5e-7, 22336, -0.5,
                                  std::int64_t{9007199254740993}, 1.0 / 3.0});
  EXPECT_EQ(CanonicalJson(value),
            "[27,-5,0,93.2,1.0,0.1,1e+21,2.5e-07,22336,-0.5,9007199254740993,"
            "0.3333333333333333]");
  EXPECT_EQ(json::parse(CanonicalJson(value)), value);  // round trip
}

TEST(CanonicalJsonTest, SameValueSameBytesWhateverTheInputLayout) {
  const json a = json::parse("{\"x\":[1,2],\"y\":{\"k\":\"v\"}}");
  const json b = json::parse("{ \"y\" : { \"k\" : \"\\u0076\" },\n  \"x\" : [ 1 , 2 ] }");
  EXPECT_EQ(CanonicalJson(a), CanonicalJson(b));
}

TEST(CanonicalJsonTest, RejectsInvalidUtf8WhenChecked) {
  const json value = {{"name", std::string("Chi\xE1\xBB")}};
  auto checked = CanonicalJsonChecked(value);
  ASSERT_FALSE(checked.has_value());
  EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(checked.error().message.find("UTF-8"), std::string::npos) << checked.error().message;
  EXPECT_EQ(CanonicalJson(value), "{\"name\":\"Chi\xEF\xBF\xBD\"}");  // U+FFFD
}

// ---- the instance key file ----

TEST(InstanceKeyTest, DefaultKeyPathIsBesideTheDatabase) {
  EXPECT_EQ(DefaultKeyPath("/var/lib/planwatch/son-la.db"), "/var/lib/planwatch/son-la.db.key");
  EXPECT_EQ(DefaultKeyPath("demo.db"), "demo.db.key");
}

TEST(InstanceKeyTest, CreatesA32ByteFileReadableOnlyByItsOwner) {
  TempDir dir;
  const fs::path path = dir.path() / "pw.db.key";
  auto created = LoadOrCreateInstanceKey(path.string());
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  EXPECT_EQ(info.st_size, 32);
  const std::string bytes = ReadAll(path);
  ASSERT_EQ(bytes.size(), 32u);
  EXPECT_EQ(std::string(created->bytes.begin(), created->bytes.end()), bytes);
  EXPECT_NE(bytes, std::string(32, '\0'));
  // Nothing else is left in the folder: the temporary file was linked into place and removed.
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    names.push_back(entry.path().filename());
  }
  EXPECT_EQ(names, std::vector<std::string>{"pw.db.key"});

  auto again = LoadOrCreateInstanceKey(path.string());
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(again->bytes, created->bytes);
}

TEST(InstanceKeyTest, TwoKeyFilesDiffer) {
  TempDir dir;
  auto a = LoadOrCreateInstanceKey((dir.path() / "a.key").string());
  auto b = LoadOrCreateInstanceKey((dir.path() / "b.key").string());
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_NE(a->bytes, b->bytes);
}

TEST(InstanceKeyTest, ConcurrentCreatorsAgreeOnOneKey) {
  TempDir dir;
  const std::string path = (dir.path() / "race.key").string();
  constexpr int kThreads = 8;
  std::vector<Result<InstanceKey>> results(kThreads, Internal("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { results[i] = LoadOrCreateInstanceKey(path); });
  }
  for (auto& t : threads) t.join();
  const std::string on_disk = ReadAll(path);
  for (const auto& r : results) {
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    EXPECT_EQ(std::string(r->bytes.begin(), r->bytes.end()), on_disk);
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(InstanceKeyTest, MissingFileWithoutCreateIsNotFoundNamingThePath) {
  TempDir dir;
  const std::string path = (dir.path() / "absent.key").string();
  auto key = LoadOrCreateInstanceKey(path, /*create=*/false);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, ErrorCode::kNotFound);
  EXPECT_NE(key.error().message.find(path), std::string::npos) << key.error().message;
  EXPECT_FALSE(fs::exists(path));
}

TEST(InstanceKeyTest, RejectsAFileOthersCanRead) {
  TempDir dir;
  const fs::path path = dir.path() / "open.key";
  WriteAll(path, std::string(32, 'k'));
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto key = LoadOrCreateInstanceKey(path.string());
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(key.error().message.find(path.string()), std::string::npos) << key.error().message;
  EXPECT_NE(key.error().message.find("0644"), std::string::npos) << key.error().message;
  EXPECT_EQ(ReadAll(path), std::string(32, 'k'));  // left alone
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  EXPECT_EQ(LoadOrCreateInstanceKey(path.string()).error().code, ErrorCode::kFailedPrecondition);
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  auto read_only = LoadOrCreateInstanceKey(path.string());
  ASSERT_TRUE(read_only.has_value()) << read_only.error().ToString();
  EXPECT_EQ(read_only->bytes[0], 'k');
}

TEST(InstanceKeyTest, RejectsAFileOfTheWrongSize) {
  TempDir dir;
  for (const std::size_t size : {std::size_t{0}, std::size_t{31}, std::size_t{33}}) {
    const fs::path path = dir.path() / ("size" + std::to_string(size) + ".key");
    WriteAll(path, std::string(size, 'k'));
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    auto key = LoadOrCreateInstanceKey(path.string());
    ASSERT_FALSE(key.has_value()) << size;
    EXPECT_EQ(key.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_NE(key.error().message.find(path.string()), std::string::npos);
    EXPECT_NE(key.error().message.find("has " + std::to_string(size) + " bytes"), std::string::npos)
        << key.error().message;
  }
}

TEST(InstanceKeyTest, RejectsADirectory) {
  TempDir dir;
  const fs::path path = dir.path() / "folder.key";
  fs::create_directory(path);
  ::chmod(path.c_str(), 0700);
  auto key = LoadOrCreateInstanceKey(path.string());
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(key.error().message.find("not a regular file"), std::string::npos)
      << key.error().message;
}

// ---- Signer ----

TEST_F(SigningStoreTest, SignsAndChecksWithOneKeyPerSigner) {
  Signer signer(KeyOf(7));
  const std::string content = CanonicalJson(SampleContent());
  auto sig = SignCommitted(signer, leader_, content);
  ASSERT_TRUE(sig.has_value()) << sig.error().ToString();
  EXPECT_EQ(sig->key, SigningKeyId{1});
  EXPECT_EQ(sig->algorithm, "ed25519");
  EXPECT_EQ(sig->public_key.size(), 44u);
  EXPECT_EQ(sig->signature.size(), 88u);
  EXPECT_EQ(sig->signer_login, "lanh.dao");
  EXPECT_EQ(sig->signer_name, "Nguyễn Thị Lan");
  EXPECT_EQ(sig->signed_at, kSignedAt);

  auto keys = store_->SigningKeys(leader_.id);
  ASSERT_TRUE(keys.has_value());
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].public_key, sig->public_key);
  EXPECT_EQ((*keys)[0].retired_at, "");
  // The secret is sealed: neither it nor the public key appears in clear in the sealed text.
  EXPECT_EQ((*keys)[0].sealed_secret.size(), 140u);  // base64 of 24 + 64 + 16 bytes

  EXPECT_EQ(Outcome(signer.Check(*store_, *sig, content)), "true");

  // The same signer signs again with the same key; another signer gets a key of their own.
  auto second = SignCommitted(signer, leader_, "{\"report\":13}", "2025-12-01T00:00:00Z");
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_EQ(second->key, sig->key);
  EXPECT_EQ(second->public_key, sig->public_key);
  auto theirs = SignCommitted(signer, other_, content);
  ASSERT_TRUE(theirs.has_value()) << theirs.error().ToString();
  EXPECT_EQ(theirs->key, SigningKeyId{2});
  EXPECT_NE(theirs->public_key, sig->public_key);
  EXPECT_NE(theirs->signature, sig->signature);
}

TEST_F(SigningStoreTest, CheckFailsForAnyOtherContentOrMetadata) {
  Signer signer(KeyOf(7));
  const std::string content = CanonicalJson(SampleContent());
  auto sig = SignCommitted(signer, leader_, content);
  ASSERT_TRUE(sig.has_value()) << sig.error().ToString();

  std::string changed = content;
  changed[changed.find("27")] = '9';
  EXPECT_EQ(Outcome(signer.Check(*store_, *sig, changed)), "false");
  EXPECT_EQ(Outcome(signer.Check(*store_, *sig, content + " ")), "false");

  ReportSignature renamed = *sig;
  renamed.signer_name = "Lò Văn Minh";
  EXPECT_EQ(Outcome(signer.Check(*store_, renamed, content)), "false");
  ReportSignature later = *sig;
  later.signed_at = "2025-11-19T09:30:00.000Z";
  EXPECT_EQ(Outcome(signer.Check(*store_, later, content)), "false");
  ReportSignature relogin = *sig;
  relogin.signer_login = "pho.chu.tich";
  EXPECT_EQ(Outcome(signer.Check(*store_, relogin, content)), "false");
  ReportSignature garbled = *sig;
  garbled.signature = "not base64";
  EXPECT_EQ(Outcome(signer.Check(*store_, garbled, content)), "false");
  ReportSignature algorithm = *sig;
  algorithm.algorithm = "rsa";
  EXPECT_EQ(Outcome(signer.Check(*store_, algorithm, content)), "false");

  // Another signer's key named with this signature's public key: not the stored one.
  auto theirs = SignCommitted(signer, other_, content);
  ASSERT_TRUE(theirs.has_value());
  ReportSignature swapped = *sig;
  swapped.key = theirs->key;
  EXPECT_EQ(Outcome(signer.Check(*store_, swapped, content)), "false");

  ReportSignature unknown = *sig;
  unknown.key = SigningKeyId{99};
  auto missing = signer.Check(*store_, unknown, content);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("99"), std::string::npos);
}

TEST_F(SigningStoreTest, WrongInstanceKeyIsInternalAndSignsNothing) {
  Signer signer(KeyOf(7));
  ASSERT_TRUE(SignCommitted(signer, leader_, "{}").has_value());

  Signer wrong(KeyOf(8));
  auto tx = store_->Begin();
  ASSERT_TRUE(tx.has_value());
  auto sig = wrong.Sign(**tx, leader_, "{}", kSignedAt);
  ASSERT_FALSE(sig.has_value());
  EXPECT_EQ(sig.error().code, ErrorCode::kInternal);
  EXPECT_NE(sig.error().message.find("cannot be decrypted"), std::string::npos)
      << sig.error().message;
  EXPECT_NE(sig.error().message.find("signing key 1"), std::string::npos);
  ASSERT_TRUE((*tx)->Commit().has_value());
  auto keys = store_->SigningKeys(leader_.id);
  ASSERT_TRUE(keys.has_value());
  EXPECT_EQ(keys->size(), 1u);  // no second key was made

  // Checking needs no instance key.
  auto good = SignCommitted(signer, leader_, "{\"a\":1}");
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(Outcome(wrong.Check(*store_, *good, "{\"a\":1}")), "true");
}

TEST_F(SigningStoreTest, ARetiredKeyStillChecksAndANewOneIsMade) {
  Signer signer(KeyOf(7));
  auto old_sig = SignCommitted(signer, leader_, "{\"r\":1}");
  ASSERT_TRUE(old_sig.has_value());
  {
    auto tx = store_->Begin();
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE((*tx)->RetireSigningKey(old_sig->key).has_value());
    ASSERT_TRUE((*tx)->Commit().has_value());
  }
  auto new_sig = SignCommitted(signer, leader_, "{\"r\":2}");
  ASSERT_TRUE(new_sig.has_value()) << new_sig.error().ToString();
  EXPECT_EQ(new_sig->key, SigningKeyId{2});
  EXPECT_NE(new_sig->public_key, old_sig->public_key);
  EXPECT_EQ(Outcome(signer.Check(*store_, *old_sig, "{\"r\":1}")), "true");
  EXPECT_EQ(Outcome(signer.Check(*store_, *new_sig, "{\"r\":2}")), "true");
}

TEST_F(SigningStoreTest, RejectsBadArgumentsNamingThem) {
  Signer signer(KeyOf(7));
  auto tx = store_->Begin();
  ASSERT_TRUE(tx.has_value());
  auto bad_instant = signer.Sign(**tx, leader_, "{}", "2025-11-18 09:30:00");
  ASSERT_FALSE(bad_instant.has_value());
  EXPECT_EQ(bad_instant.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_instant.error().message.find("'2025-11-18 09:30:00'"), std::string::npos);
  for (const char* at : {"2025-02-30T00:00:00Z", "2025-11-18T24:00:00Z", "2025-11-18T09:30:00",
                         "2025-11-18T09:30:00.Z", "2025-11-18T09:30:00.1234567890Z"}) {
    auto r = signer.Sign(**tx, leader_, "{}", at);
    ASSERT_FALSE(r.has_value()) << at;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << at;
  }
  auto not_utf8 = signer.Sign(**tx, leader_, "{\"a\":\"\xFF\"}", kSignedAt);
  ASSERT_FALSE(not_utf8.has_value());
  EXPECT_EQ(not_utf8.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(not_utf8.error().message.find("byte 6"), std::string::npos) << not_utf8.error().message;
  UserRecord nobody = leader_;
  nobody.id = {};
  auto no_id = signer.Sign(**tx, nobody, "{}", kSignedAt);
  ASSERT_FALSE(no_id.has_value());
  EXPECT_EQ(no_id.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(no_id.error().message.find("lanh.dao"), std::string::npos);
  auto keys = (*tx)->SigningKeys(leader_.id);
  ASSERT_TRUE(keys.has_value());
  EXPECT_TRUE(keys->empty());
}

// ---- the signed file ----

class SignedFileTest : public SigningStoreTest {
 protected:
  void SetUp() override {
    SigningStoreTest::SetUp();
    content_ = CanonicalJson(SampleContent());
    Signer signer(KeyOf(3));
    auto sig = SignCommitted(signer, leader_, content_);
    ASSERT_TRUE(sig.has_value()) << sig.error().ToString();
    sig_ = *sig;
    file_ = SignedReportFile(content_, sig_);
  }

  static void ExpectError(const Result<VerifiedReport>& r, ErrorCode code,
                          std::string_view message_part) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, code) << r.error().ToString();
    EXPECT_NE(r.error().message.find(message_part), std::string::npos) << r.error().message;
  }

  // The file with its JSON changed by `edit` and written again in planwatch's layout.
  std::string Edited(const std::function<void(nlohmann::ordered_json&)>& edit) const {
    auto doc = nlohmann::ordered_json::parse(file_);
    edit(doc);
    return doc.dump(2) + "\n";
  }

  std::string content_;
  ReportSignature sig_;
  std::string file_;
};

TEST_F(SignedFileTest, VerifiesAndReturnsTheContentAndSignature) {
  auto verified = VerifySignedReportFile(file_);
  ASSERT_TRUE(verified.has_value()) << verified.error().ToString();
  EXPECT_EQ(verified->content, SampleContent());
  EXPECT_EQ(verified->signature, sig_);
  EXPECT_EQ(verified->content["unit"]["code"], "CHIENG-AN");
}

TEST_F(SignedFileTest, HasTheDocumentedLayout) {
  const std::string head =
      "{\n  \"format\": \"planwatch-signed-report\",\n  \"version\": 1,\n"
      "  \"content\": \"{\\\"completeness\\\":";
  EXPECT_EQ(file_.substr(0, head.size()), head);
  EXPECT_EQ(file_.back(), '\n');
  EXPECT_NE(file_.find("\n  \"signature\": {\n    \"key\": 1,\n    \"algorithm\": \"ed25519\",\n"),
            std::string::npos)
      << file_;
  EXPECT_NE(file_.find("\"signer_name\": \"Nguyễn Thị Lan\""), std::string::npos);
  // The content string unescapes to exactly the signed bytes.
  EXPECT_EQ(json::parse(file_)["content"].get<std::string>(), content_);
}

TEST_F(SignedFileTest, EverySingleByteChangeFails) {
  ASSERT_TRUE(VerifySignedReportFile(file_).has_value());
  int checked = 0;
  for (std::size_t i = 0; i < file_.size(); ++i) {
    for (const unsigned char flip : {0x01, 0x20, 0x80}) {
      std::string changed = file_;
      changed[i] = static_cast<char>(static_cast<unsigned char>(changed[i]) ^ flip);
      EXPECT_FALSE(VerifySignedReportFile(changed).has_value())
          << "byte " << i << " ^ " << int{flip} << " still verifies";
      ++checked;
    }
    // JSON whitespace for JSON whitespace keeps the values: only the layout check sees it.
    for (const char space : {' ', '\t', '\n', '\r'}) {
      if (file_[i] == space) continue;
      std::string changed = file_;
      changed[i] = space;
      EXPECT_FALSE(VerifySignedReportFile(changed).has_value())
          << "byte " << i << " as whitespace " << int{space} << " still verifies";
    }
  }
  EXPECT_EQ(checked, static_cast<int>(file_.size() * 3));
}

TEST_F(SignedFileTest, EveryTruncationFails) {
  for (std::size_t n = 0; n < file_.size(); ++n) {
    EXPECT_FALSE(VerifySignedReportFile(file_.substr(0, n)).has_value()) << "prefix " << n;
  }
  ExpectError(VerifySignedReportFile(file_.substr(0, file_.size() / 2)),
              ErrorCode::kInvalidArgument, "not JSON at line");
}

TEST_F(SignedFileTest, GarbageIsMalformedWithWhere) {
  ExpectError(VerifySignedReportFile(""), ErrorCode::kInvalidArgument, "not JSON at line 1");
  ExpectError(VerifySignedReportFile("%PDF-1.7\n"), ErrorCode::kInvalidArgument,
              "not JSON at line 1, column 1");
  ExpectError(VerifySignedReportFile("{\n  \"format\": x}"), ErrorCode::kInvalidArgument,
              "line 2, column 13");
  ExpectError(VerifySignedReportFile("[1, 2]"), ErrorCode::kInvalidArgument, "not a JSON object");
  ExpectError(VerifySignedReportFile("{\"a\":\"\xC3\x28\"}"), ErrorCode::kInvalidArgument,
              "not valid UTF-8 at byte 6");
  ExpectError(VerifySignedReportFile(file_ + "{}"), ErrorCode::kInvalidArgument, "not JSON");
}

TEST_F(SignedFileTest, ExtraMissingAndMistypedFieldsAreNamed) {
  ExpectError(VerifySignedReportFile(Edited([](auto& d) { d["extra"] = 1; })),
              ErrorCode::kInvalidArgument, "unknown field 'extra'");
  ExpectError(VerifySignedReportFile(Edited([](auto& d) { d["signature"]["note"] = "x"; })),
              ErrorCode::kInvalidArgument, "unknown field 'signature.note'");
  ExpectError(VerifySignedReportFile(Edited([](auto& d) { d.erase("content"); })),
              ErrorCode::kInvalidArgument, "field 'content' is missing");
  ExpectError(VerifySignedReportFile(Edited([](auto& d) { d["signature"].erase("signed_at"); })),
              ErrorCode::kInvalidArgument, "field 'signature.signed_at' is missing");
  ExpectError(VerifySignedReportFile(Edited([](auto& d) { d["signature"]["key"] = "1"; })),
              ErrorCode::kInvalidArgument, "field 'signature.key' must be a positive integer");
  ExpectError(VerifySignedReportFile(Edited([](auto& d) { d["signature"]["key"] = 0; })),
              ErrorCode::kInvalidArgument, "field 'signature.key' must be a positive integer");
  ExpectError(VerifySignedReportFile(Edited([](auto& d) { d["content"] = 5; })),
              ErrorCode::kInvalidArgument, "field 'content' must be a string");
  ExpectError(VerifySignedReportFile(Edited([](auto& d) { d["signature"] = "x"; })),
              ErrorCode::kInvalidArgument, "field 'signature' must be an object");
  ExpectError(VerifySignedReportFile(Edited([](auto& d) { d["format"] = "other"; })),
              ErrorCode::kInvalidArgument, "format 'other' is not 'planwatch-signed-report'");
  ExpectError(VerifySignedReportFile(Edited([](auto& d) { d["signature"]["algorithm"] = "rsa"; })),
              ErrorCode::kInvalidArgument, "'rsa' is not supported");
  ExpectError(
      VerifySignedReportFile(Edited([](auto& d) { d["signature"]["signed_at"] = "yesterday"; })),
      ErrorCode::kInvalidArgument, "'yesterday' is not an ISO 8601 UTC instant");
}

TEST_F(SignedFileTest, UnsupportedVersionIsNamed) {
  ExpectError(VerifySignedReportFile(Edited([](auto& d) { d["version"] = 2; })),
              ErrorCode::kFailedPrecondition, "unsupported version 2");
  ExpectError(VerifySignedReportFile(Edited([](auto& d) { d["version"] = "1"; })),
              ErrorCode::kInvalidArgument, "field 'version' must be an integer");
}

TEST_F(SignedFileTest, DuplicateKeysAreRejected) {
  std::string twice = file_;
  const std::string format_line = "  \"format\": \"planwatch-signed-report\",\n";
  twice.insert(twice.find(format_line) + format_line.size(), "  \"content\": \"{}\",\n");
  ExpectError(VerifySignedReportFile(twice), ErrorCode::kInvalidArgument,
              "has the key 'content' twice");
}

TEST_F(SignedFileTest, ChangedValuesInPlanwatchsLayoutAreSignatureMismatches) {
  std::string other = content_;
  other[other.find("27")] = '9';
  ExpectError(VerifySignedReportFile(SignedReportFile(other, sig_)), ErrorCode::kFailedPrecondition,
              "signature does not match the content");
  ReportSignature renamed = sig_;
  renamed.signer_name = "Lò Văn Minh";
  ExpectError(VerifySignedReportFile(SignedReportFile(content_, renamed)),
              ErrorCode::kFailedPrecondition, "signature does not match the content");
  ReportSignature rekeyed = sig_;
  rekeyed.key = SigningKeyId{2};
  ExpectError(VerifySignedReportFile(SignedReportFile(content_, rekeyed)),
              ErrorCode::kFailedPrecondition, "signature does not match the content");
}

TEST_F(SignedFileTest, AnotherLayoutOfTheSameValuesIsRejectedWithTheOffset) {
  const std::string compact = json::parse(file_).dump();  // valid, signed values, other bytes
  ExpectError(VerifySignedReportFile(compact), ErrorCode::kInvalidArgument,
              "differs from the layout planwatch writes at byte 1 (line 1, column 2)");
  ExpectError(VerifySignedReportFile(file_.substr(0, file_.size() - 1)),
              ErrorCode::kInvalidArgument, "differs from the layout");
}

TEST_F(SignedFileTest, NonCanonicalBase64IsRejected) {
  // The last character before '=' carries two unused bits: 'A'→'B' decodes to the same bytes.
  std::string key = sig_.public_key;
  const char last = key[42];
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  key[42] = alphabet[alphabet.find(last) ^ 1];
  ReportSignature variant = sig_;
  variant.public_key = key;
  ExpectError(VerifySignedReportFile(SignedReportFile(content_, variant)),
              ErrorCode::kInvalidArgument, "signature.public_key is not the base64 of 32 bytes");
  variant = sig_;
  variant.signature = sig_.signature.substr(0, 84) + "====";
  ExpectError(VerifySignedReportFile(SignedReportFile(content_, variant)),
              ErrorCode::kInvalidArgument, "signature.signature is not the base64 of 64 bytes");
}

TEST_F(SignedFileTest, ContentMustBeAJsonObject) {
  Signer signer(KeyOf(3));
  auto sig = SignCommitted(signer, leader_, "[1,2]");
  ASSERT_TRUE(sig.has_value());
  ExpectError(VerifySignedReportFile(SignedReportFile("[1,2]", *sig)), ErrorCode::kInvalidArgument,
              "the content is not a JSON object");
  auto text = SignCommitted(signer, leader_, "oops");
  ASSERT_TRUE(text.has_value());
  ExpectError(VerifySignedReportFile(SignedReportFile("oops", *text)), ErrorCode::kInvalidArgument,
              "the content is not JSON at line 1, column 1");
}

// The committed fixture of tests/cli/report_verify.sh. With PW_WRITE_FIXTURES=DIR this writes a
// fresh one to DIR/signed-report.json; otherwise it checks that the committed one still verifies.
TEST_F(SigningStoreTest, SignedReportFixture) {
  const char* write_dir = std::getenv("PW_WRITE_FIXTURES");
  if (write_dir != nullptr && *write_dir != '\0') {
    Signer signer(KeyOf(5));
    const std::string content = CanonicalJson(SampleContent());
    auto sig = SignCommitted(signer, leader_, content);
    ASSERT_TRUE(sig.has_value()) << sig.error().ToString();
    const std::string file = SignedReportFile(content, *sig);
    ASSERT_TRUE(VerifySignedReportFile(file).has_value());
    WriteAll(fs::path(write_dir) / "signed-report.json", file);
    return;
  }
  const char* source = std::getenv("PW_SOURCE_DIR");
  const fs::path root =
      source != nullptr && *source != '\0'
          ? fs::path(source)
          : fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
  const fs::path fixture = root / "tests/cli/fixtures/signed-report.json";
  ASSERT_TRUE(fs::exists(fixture)) << fixture;
  auto verified = VerifySignedReportFile(ReadAll(fixture));
  ASSERT_TRUE(verified.has_value()) << verified.error().ToString();
  EXPECT_EQ(verified->content, SampleContent());
  EXPECT_EQ(verified->signature.signer_login, "lanh.dao");
  EXPECT_EQ(verified->signature.signer_name, "Nguyễn Thị Lan");
  EXPECT_EQ(verified->signature.signed_at, kSignedAt);
  EXPECT_EQ(verified->signature.key, SigningKeyId{1});
}

}  // namespace
}  // namespace planwatch
