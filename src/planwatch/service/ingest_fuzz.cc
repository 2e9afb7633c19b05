// Feeds arbitrary bytes to a bulk-ingest parser (PW_INGEST_FORMAT: kCsv or kJson) over the
// stored fuzz fixture: the first byte picks the size of the pieces the body arrives in, the rest
// is the body. Oracle: no crash; a refusal is invalid_argument (a fault only with it) or
// permission_denied, with at most 100 details; and the answer does not depend on how the body
// was cut: the same body in one piece gets the same result, fault and problems.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "fuzz_fixture.h"

#include "planwatch/service/ingest.h"
#include "planwatch/storage/store.h"

namespace {

using planwatch::fuzz::Check;

struct Target {
  std::unique_ptr<planwatch::Store> store = planwatch::fuzz::OpenFixture("ingest");
  planwatch::ValueCommitter committer{*store, 5};
  planwatch::Ingest ingest{*store, committer};
  planwatch::Principal admin;
  Target() {
    auto units = store->OrgUnits();
    Check(units.has_value());
    for (const planwatch::OrgUnit& u : *units) {
      if (u.code == "SL") admin = {planwatch::UserId{1}, "fuzz", planwatch::Role::kAdmin, u.id};
    }
  }
};

Target& Fixture() {
  static Target target;
  return target;
}

struct Outcome {
  planwatch::Result<planwatch::IngestSummary> result;
  planwatch::BodyFault fault;
};

Outcome Run(std::string_view body, std::size_t piece) {
  Target& t = Fixture();
  auto request = t.ingest.Begin(t.admin, planwatch::IngestFormat::PW_INGEST_FORMAT);
  Check(request.has_value());
  for (std::size_t at = 0; at < body.size(); at += piece) {
    if (!(*request)->Write(body.substr(at, piece))) break;
  }
  auto result = (*request)->Finish();
  return Outcome{std::move(result), (*request)->fault()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  Outcome cut = Run(body, piece);
  if (!cut.result) {
    const planwatch::Error& e = cut.result.error();
    Check(e.code == planwatch::ErrorCode::kInvalidArgument ||
          e.code == planwatch::ErrorCode::kPermissionDenied);
    Check(cut.fault == planwatch::BodyFault::kNone ||
          e.code == planwatch::ErrorCode::kInvalidArgument);
    Check(!e.message.empty());
    Check(e.details.size() <= 100);
  }
  Outcome whole = Run(body, body.size() + 1);
  Check(whole.fault == cut.fault);
  Check(whole.result.has_value() == cut.result.has_value());
  if (cut.result) {
    Check(whole.result->written == cut.result->written);
  } else {
    Check(whole.result.error().code == cut.result.error().code);
    Check(whole.result.error().details == cut.result.error().details);
  }
  return 0;
}
