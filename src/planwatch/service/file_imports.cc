#include "planwatch/service/file_imports.h"

#include <fmt/format.h>

#include <sstream>
#include <string>

#include "planwatch/base/text.h"
#include "planwatch/service/formats.h"
#include "planwatch/service/import.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {

Result<nlohmann::json> ImportFile(Store& store, const Principal& p, std::string_view kind_name,
                                  std::string_view csv, bool dry_run) {
  auto kind = ParseDataKind(kind_name);
  if (!kind) return NotFound(fmt::format("no import kind \"{}\"", EchoForMessage(kind_name)));
  auto tree = LoadOrgTree(store);
  if (!tree) return std::unexpected(tree.error());
  if (!AccessPolicy(*tree).CanImport(p)) {
    return Fail(ErrorCode::kPermissionDenied,
                "imports are for administrators of a whole tree (an admin of a root unit)");
  }
  std::istringstream in{std::string(csv)};
  ImportOptions options;
  options.actor = p.login;
  options.dry_run = dry_run;
  auto summary = ImportCsv(store, *kind, in, options);
  if (!summary) return std::unexpected(summary.error());
  return nlohmann::json{{"kind", DataKindName(summary->kind)},
                        {"dry_run", dry_run},
                        {"rows", summary->rows},
                        {"inserted", summary->inserted},
                        {"updated", summary->updated},
                        {"unchanged", summary->unchanged}};
}

}  // namespace planwatch
