// Fuzz target for the signed report file (VerifySignedReportFile) and the signing round trip.
// The first byte picks the mode, the rest is the input:
//  0: the input is a file. Oracle: no crash; a refusal is invalid_argument or
//     failed_precondition with a message; a file that verifies is exactly what SignedReportFile
//     writes for its fields, and verifies again the same way.
//  1: the input is a list of (offset, byte) edits of a valid signed file. Oracle: the edited file
//     verifies if and only if it is byte for byte the original.
//  2: the input is report content, signed in a fixture database. Oracle: valid UTF-8 signs;
//     the signature checks; the file verifies exactly when the content is a JSON object.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_fixture.h"

#include "planwatch/base/text.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/signing.h"
#include "planwatch/storage/store.h"

namespace {

using planwatch::ErrorCode;
using planwatch::fuzz::Check;

constexpr char kSignedAt[] = "2025-11-18T09:30:00.000Z";

struct Fixture {
  std::unique_ptr<planwatch::Store> store;
  planwatch::UserRecord leader;
  planwatch::Signer signer{planwatch::InstanceKey{}};
  std::string file;  // a valid signed file
};

Fixture& TheFixture() {
  static Fixture* fixture = [] {
    Check(planwatch::InitCrypto().has_value());
    auto* f = new Fixture;
    f->store = planwatch::fuzz::OpenFixture("signed_file");
    f->leader.login = "lanh.dao";
    f->leader.display_name = "Nguyễn Thị Lan";
    f->leader.role = planwatch::Role::kUnitLeader;
    f->leader.password_hash = "x";
    auto tx = f->store->Begin();
    Check(tx.has_value());
    auto id = (*tx)->PutUser(f->leader);
    Check(id.has_value());
    f->leader.id = *id;
    const std::string content = R"({"period":"202510","revision":1,)"
                                R"("unit":{"code":"CHIENG-AN","name_vi":"Phường Chiềng An"}})";
    auto sig = f->signer.Sign(**tx, f->leader, content, kSignedAt);
    Check(sig.has_value());
    Check((*tx)->Commit().has_value());
    f->file = planwatch::SignedReportFile(content, *sig);
    return f;
  }();
  return *fixture;
}

void CheckRefusal(const planwatch::Error& error) {
  Check(error.code == ErrorCode::kInvalidArgument || error.code == ErrorCode::kFailedPrecondition);
  Check(!error.message.empty());
}

void VerifyFile(std::string_view file) {
  auto verified = planwatch::VerifySignedReportFile(file);
  auto again = planwatch::VerifySignedReportFile(file);
  Check(verified.has_value() == again.has_value());
  if (!verified) {
    CheckRefusal(verified.error());
    Check(again.error().message == verified.error().message);
    return;
  }
  Check(verified->content.is_object());
  Check(verified->signature == again->signature);
  Check(verified->signature.algorithm == "ed25519");
}

void EditFile(std::string_view edits) {
  const Fixture& f = TheFixture();
  std::string file = f.file;
  for (std::size_t i = 0; i + 2 < edits.size(); i += 3) {
    const std::size_t offset =
        (static_cast<unsigned char>(edits[i]) << 8 | static_cast<unsigned char>(edits[i + 1])) %
        file.size();
    file[offset] = edits[i + 2];
  }
  auto verified = planwatch::VerifySignedReportFile(file);
  Check(verified.has_value() == (file == f.file));
  if (!verified) CheckRefusal(verified.error());
}

void SignContent(std::string_view content) {
  Fixture& f = TheFixture();
  auto tx = f.store->Begin();
  Check(tx.has_value());
  auto sig = f.signer.Sign(**tx, f.leader, content, kSignedAt);
  if (planwatch::FirstInvalidUtf8(content).has_value()) {
    Check(!sig.has_value() && sig.error().code == ErrorCode::kInvalidArgument);
    return;
  }
  Check(sig.has_value());
  auto checked = f.signer.Check(**tx, *sig, content);
  Check(checked.has_value() && *checked);
  const std::string file = planwatch::SignedReportFile(content, *sig);
  auto verified = planwatch::VerifySignedReportFile(file);
  const auto parsed = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (verified) {
    Check(parsed.is_object());
    Check(verified->signature == *sig);
  } else {
    CheckRefusal(verified.error());
    // Only the content can be wrong: the rest was written by SignedReportFile.
    Check(verified.error().message.find("content") != std::string::npos);
  }
}  // the transaction rolls back: the fixture keeps its one key

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      VerifyFile(input);
      break;
    case 1:
      EditFile(input);
      break;
    default:
      SignContent(input);
      break;
  }
  return 0;
}
