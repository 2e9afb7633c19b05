#include "planwatch/service/file_imports.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "planwatch/base/text.h"
#include "planwatch/service/export.h"
#include "planwatch/service/formats.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

Status CheckMayImport(Store& store, const Principal& p) {
  auto tree = LoadOrgTree(store);
  if (!tree) return std::unexpected(tree.error());
  if (!AccessPolicy(*tree).CanImport(p)) {
    return Fail(ErrorCode::kPermissionDenied,
                "imports and exports of records are for administrators of a whole tree (an admin "
                "of a root unit)");
  }
  return {};
}

Result<DataKind> KindNamed(std::string_view kind_name) {
  auto kind = ParseDataKind(kind_name);
  if (!kind) return NotFound(fmt::format("no import kind \"{}\"", EchoForMessage(kind_name)));
  return *kind;
}

ImportOptions OptionsFor(const Principal& p, bool dry_run) {
  ImportOptions options;
  options.actor = p.login;
  options.dry_run = dry_run;
  options.scope = p.scope;  // a file through the API reaches only the caller's subtree
  return options;
}

std::unexpected<Error> BadParameter(std::string_view name, std::string message) {
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("invalid parameter {}", EchoForMessage(name)),
              {ErrorDetail{0, std::string(name), std::move(message)}});
}

}  // namespace

nlohmann::json ImportSummaryJson(const ImportSummary& summary, bool dry_run) {
  nlohmann::json kinds = nlohmann::json::array();
  for (DataKind k : summary.kinds) kinds.push_back(DataKindName(k));
  nlohmann::json changes = nlohmann::json::array();
  for (std::size_t i = 0; i < summary.changes.size() && i < kMaxListedChanges; ++i) {
    const ImportChange& c = summary.changes[i];
    nlohmann::json fields = nlohmann::json::array();
    for (const FieldChange& f : c.fields) {
      fields.push_back({{"column", f.column}, {"before", f.before}, {"after", f.after}});
    }
    nlohmann::json item{{"kind", DataKindName(c.kind)}};
    if (!c.sheet.empty()) item["sheet"] = c.sheet;
    item["line"] = c.line;
    item["key"] = c.key;
    item["action"] = ImportActionName(c.action);
    item["fields"] = std::move(fields);
    changes.push_back(std::move(item));
  }
  return nlohmann::json{{"kind", DataKindName(summary.kind)},
                        {"kinds", std::move(kinds)},
                        {"dry_run", dry_run},
                        {"rows", summary.rows},
                        {"inserted", summary.inserted},
                        {"updated", summary.updated},
                        {"unchanged", summary.unchanged},
                        {"changes", std::move(changes)},
                        {"changes_total", summary.changes.size()}};
}

Result<nlohmann::json> ImportFile(Store& store, const Principal& p, std::string_view kind_name,
                                  std::string_view csv, bool dry_run) {
  auto kind = KindNamed(kind_name);
  if (!kind) return std::unexpected(kind.error());
  if (auto st = CheckMayImport(store, p); !st) return std::unexpected(st.error());
  std::istringstream in{std::string(csv)};
  auto summary = ImportCsv(store, *kind, in, OptionsFor(p, dry_run));
  if (!summary) return std::unexpected(summary.error());
  return ImportSummaryJson(*summary, dry_run);
}

Result<nlohmann::json> ImportWorkbookFile(Store& store, const Principal& p,
                                          std::optional<std::string_view> kind_name,
                                          std::string_view xlsx, bool dry_run) {
  std::optional<DataKind> kind;
  if (kind_name) {
    auto named = KindNamed(*kind_name);
    if (!named) return std::unexpected(named.error());
    kind = *named;
  }
  if (auto st = CheckMayImport(store, p); !st) return std::unexpected(st.error());
  auto summary = ImportWorkbook(store, xlsx, kind, OptionsFor(p, dry_run));
  if (!summary) return std::unexpected(summary.error());
  return ImportSummaryJson(*summary, dry_run);
}

bool LooksLikeXlsx(std::string_view body) { return body.starts_with("PK\x03\x04"); }

Result<ExportFile> ExportRecordsFile(Store& store, const Principal& p, std::string_view format,
                                     const QueryParams& params, Date today) {
  const std::string_view allowed = format == "xlsx" ? "kinds" : "kind";
  for (const auto& [name, value] : params) {
    if (name != allowed) {
      return BadParameter(name, fmt::format("unknown parameter; the only one is {}", allowed));
    }
  }
  if (auto st = CheckMayImport(store, p); !st) return std::unexpected(st.error());
  if (format == "csv") {
    auto it = params.find("kind");
    if (it == params.end()) return BadParameter("kind", "name the kind to export, e.g. kind=tasks");
    auto kind = ParseDataKind(it->second);
    if (!kind) return BadParameter("kind", kind.error().message);
    std::ostringstream out;
    if (auto st = ExportCsv(store, *kind, out, p.scope); !st) return std::unexpected(st.error());
    return ExportFile{fmt::format("planwatch-{}-{}.csv", DataKindName(*kind), today.ToString()),
                      "text/csv; charset=utf-8", std::move(out).str()};
  }
  std::vector<DataKind> kinds;
  if (auto it = params.find("kinds"); it != params.end()) {
    std::string_view rest = it->second;
    while (true) {
      const std::size_t cut = rest.find(',');
      const std::string_view name = TrimAscii(rest.substr(0, cut));
      auto kind = ParseDataKind(name);
      if (!kind) return BadParameter("kinds", kind.error().message);
      if (std::ranges::find(kinds, *kind) != kinds.end()) {
        return BadParameter("kinds", fmt::format("kind '{}' is named twice", name));
      }
      kinds.push_back(*kind);
      if (cut == std::string_view::npos) break;
      rest.remove_prefix(cut + 1);
    }
  } else {
    kinds.assign(AllDataKinds().begin(), AllDataKinds().end());
  }
  auto bytes = ExportWorkbook(store, kinds, today, p.scope);
  if (!bytes) return std::unexpected(bytes.error());
  const std::string stem = kinds.size() == 1 ? std::string(DataKindName(kinds[0])) : "records";
  return ExportFile{fmt::format("planwatch-{}-{}.xlsx", stem, today.ToString()),
                    std::string(kXlsxContentType), std::move(*bytes)};
}

Result<ExportFile> ImportTemplateFile(std::string_view kind_name, std::string_view format) {
  auto kind = KindNamed(kind_name);
  if (!kind) return std::unexpected(kind.error());
  const std::string name = fmt::format("planwatch-template-{}.{}", DataKindName(*kind), format);
  if (format == "csv") return ExportFile{name, "text/csv; charset=utf-8", TemplateCsv(*kind)};
  if (format != "xlsx") {
    return NotFound(fmt::format("no template format \"{}\" (csv or xlsx)", EchoForMessage(format)));
  }
  auto bytes = TemplateWorkbook(*kind);
  if (!bytes) return std::unexpected(bytes.error());
  return ExportFile{name, std::string(kXlsxContentType), std::move(*bytes)};
}

}  // namespace planwatch
