#include "planwatch/service/open_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <string>
#include <utility>

#include "planwatch/base/text.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/json_fields.h"

namespace planwatch {
namespace {

using nlohmann::json;

constexpr int kMaxRows = 1000;
constexpr int kMaxStart = 1'000'000'000;

struct Format {
  std::string_view name;        // "CSV"
  std::string_view extension;   // "csv"
  std::string_view media_type;  // "text/csv"
};
constexpr Format kFormats[] = {{"CSV", "csv", "text/csv"}, {"JSON", "json", "application/json"}};

std::string LatestUrl(const OpenSite& site, std::string_view name, const Format& f) {
  return fmt::format("{}/open/datasets/{}.{}", site.base_url, name, f.extension);
}

std::string VersionUrl(const OpenSite& site, const DatasetInfo& d, const Format& f) {
  return fmt::format("{}/open/datasets/{}/v{}.{}", site.base_url, d.name, d.version, f.extension);
}

// A bilingual literal; the English one only when there is one.
json Literal(std::string_view vi, std::string_view en) {
  json out = json::array({json{{"@value", vi}, {"@language", "vi"}}});
  if (!en.empty()) out.push_back(json{{"@value", en}, {"@language", "en"}});
  return out;
}

json DateTime(std::string_view rfc3339) {
  return json{{"@value", rfc3339}, {"@type", "xsd:dateTime"}};
}

json Ref(std::string iri) { return json{{"@id", std::move(iri)}}; }

json DcatDataset(const DatasetInfo& d, const OpenSite& site) {
  const std::string landing = LandingPage(site, d.name);
  json distributions = json::array();
  for (const Format& f : kFormats) {
    distributions.push_back(json{
        {"@id", VersionUrl(site, d, f)},
        {"@type", "dcat:Distribution"},
        {"dct:title",
         Literal(fmt::format("{} ({})", d.title_vi, f.name),
                 d.title_en.empty() ? "" : fmt::format("{} ({})", d.title_en, f.name))},
        {"dcat:accessURL", Ref(LatestUrl(site, d.name, f))},
        {"dcat:downloadURL", Ref(VersionUrl(site, d, f))},
        {"dcat:mediaType",
         Ref(fmt::format("https://www.iana.org/assignments/media-types/{}", f.media_type))},
        {"dct:format",
         Ref(fmt::format("http://publications.europa.eu/resource/authority/file-type/{}", f.name))},
        {"dct:license", Ref(site.license_url)},
        {"dct:modified", DateTime(d.modified)},
    });
  }
  return json{
      {"@id", landing + "#dataset"},
      {"@type", "dcat:Dataset"},
      {"dct:identifier", d.name},
      {"dct:title", Literal(d.title_vi, d.title_en)},
      {"dct:description", Literal(d.description_vi, d.description_en)},
      {"dct:publisher", json{{"@type", "foaf:Agent"},
                             {"foaf:name", Literal(d.publisher_name_vi, d.publisher_name_en)}}},
      {"dct:issued", DateTime(d.issued)},
      {"dct:modified", DateTime(d.modified)},
      {"owl:versionInfo", std::to_string(d.version)},
      {"dcat:keyword", d.keywords},
      {"dcat:contactPoint",
       json{{"@type", "vcard:Organization"}, {"vcard:fn", d.publisher_name_vi}}},
      {"dcat:landingPage", Ref(landing)},
      {"dcat:distribution", std::move(distributions)},
  };
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::unexpected<Error> BadParam(std::string_view name, std::string_view code,
                                std::string_view text) {
  const std::string echoed = EchoForMessage(name);
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("invalid query parameter {}: {}", echoed, text),
              {ErrorDetail{0, echoed, FieldMessage(code, text)}});
}

Result<int> IntParam(const QueryParams& params, std::string_view name, int fallback, int max) {
  auto it = params.find(name);
  if (it == params.end()) return fallback;
  const std::string& text = it->second;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > max) {
    return BadParam(
        name, "invalid",
        fmt::format("expected a whole number from 0 to {}, got \"{}\"", max, EchoForMessage(text)));
  }
  return value;
}

bool IsDigits(std::string_view text, std::size_t from, std::size_t count) {
  if (text.size() < from + count) return false;
  return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(from),
                     text.begin() + static_cast<std::ptrdiff_t>(from + count),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// "YYYY-MM-DDTHH:MM:SS" at the start of `text`.
bool IsDateTime(std::string_view text) {
  return IsDigits(text, 0, 4) && text.size() >= 19 && text[4] == '-' && IsDigits(text, 5, 2) &&
         text[7] == '-' && IsDigits(text, 8, 2) && text[10] == 'T' && IsDigits(text, 11, 2) &&
         text[13] == ':' && IsDigits(text, 14, 2) && text[16] == ':' && IsDigits(text, 17, 2);
}

// One end of a metadata_modified range: "*" and "NOW" are open.
Result<std::string> RangeEnd(std::string_view text) {
  if (text == "*" || text == "NOW") return std::string();
  if (!IsDateTime(text)) {
    return BadParam("fq", "invalid",
                    fmt::format("metadata_modified takes [<date-time> TO <date-time>|*|NOW], "
                                "got \"{}\"",
                                EchoForMessage(text)));
  }
  return CkanTimestamp(text);
}

Status AddFilter(CkanSearchQuery& q, std::string_view field, std::string_view value) {
  if (field == "metadata_modified") {
    if (value.size() < 2 || value.front() != '[' || value.back() != ']') {
      return BadParam("fq", "invalid", "metadata_modified takes a range [<from> TO <to>]");
    }
    std::string_view inner = TrimAscii(value.substr(1, value.size() - 2));
    const std::size_t to = inner.find(" TO ");
    if (to == std::string_view::npos) {
      return BadParam("fq", "invalid", "metadata_modified takes a range [<from> TO <to>]");
    }
    auto from = RangeEnd(TrimAscii(inner.substr(0, to)));
    if (!from) return std::unexpected(from.error());
    auto until = RangeEnd(TrimAscii(inner.substr(to + 4)));
    if (!until) return std::unexpected(until.error());
    q.modified_from = std::move(*from);
    q.modified_to = std::move(*until);
    return {};
  }
  if (field != "organization" && field != "tags" && field != "res_format" && field != "name" &&
      field != "id" && field != "dataset_type") {
    return BadParam("fq", "invalid",
                    fmt::format("unknown field \"{}\"; accepted: organization, tags, res_format, "
                                "name, id, dataset_type, metadata_modified",
                                EchoForMessage(field)));
  }
  if (value.empty()) {
    return BadParam("fq", "invalid", fmt::format("{} has no value", EchoForMessage(field)));
  }
  q.filters.push_back(CkanFilter{std::string(field), std::string(value)});
  return {};
}

Status ParseFq(CkanSearchQuery& q, std::string_view fq) {
  std::size_t i = 0;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (i < fq.size()) {
    if (is_space(fq[i])) {
      ++i;
      continue;
    }
    if (fq[i] == '+') ++i;
    const std::size_t colon = fq.find(':', i);
    std::size_t space = i;
    while (space < fq.size() && !is_space(fq[space])) ++space;
    if (colon == std::string_view::npos || colon > space || colon == i) {
      return BadParam(
          "fq", "invalid",
          fmt::format("expected field:value, got \"{}\"", EchoForMessage(fq.substr(i, space - i))));
    }
    const std::string_view field = fq.substr(i, colon - i);
    std::size_t v = colon + 1;
    std::string_view value;
    if (v < fq.size() && (fq[v] == '"' || fq[v] == '[')) {
      const char close = fq[v] == '"' ? '"' : ']';
      const std::size_t end = fq.find(close, v + 1);
      if (end == std::string_view::npos) {
        return BadParam("fq", "invalid",
                        fmt::format("{} has an unclosed {}", EchoForMessage(field), fq[v]));
      }
      value = close == '"' ? fq.substr(v + 1, end - v - 1) : fq.substr(v, end - v + 1);
      i = end + 1;
    } else {
      std::size_t end = v;
      while (end < fq.size() && !is_space(fq[end])) ++end;
      value = fq.substr(v, end - v);
      i = end;
    }
    if (auto added = AddFilter(q, field, value); !added) return added;
  }
  return {};
}

std::string_view SortName(CkanSort sort) {
  switch (sort) {
    case CkanSort::kModifiedDesc:
      return "metadata_modified desc";
    case CkanSort::kModifiedAsc:
      return "metadata_modified asc";
    case CkanSort::kNameAsc:
      return "name asc";
    case CkanSort::kNameDesc:
      return "name desc";
  }
  return "metadata_modified desc";
}

bool Holds(const CkanFilter& f, const DatasetInfo& d) {
  if (f.field == "organization") return OrganizationName(d.publisher_code) == Lower(f.value);
  if (f.field == "tags") {
    const std::string wanted = FoldForSearch(f.value);
    return std::ranges::any_of(d.keywords,
                               [&](const std::string& k) { return FoldForSearch(k) == wanted; });
  }
  if (f.field == "res_format") {
    return std::ranges::any_of(
        kFormats, [&](const Format& format) { return Lower(format.name) == Lower(f.value); });
  }
  if (f.field == "name") return d.name == f.value;
  if (f.field == "id") return d.name == f.value || StableUuid("package", d.name) == f.value;
  return f.value == "dataset";  // dataset_type: every dataset here is of CKAN's type "dataset"
}

bool Matches(const DatasetInfo& d, const CkanSearchQuery& q) {
  if (!q.words.empty()) {
    std::string text = d.name;
    for (const std::string* part :
         {&d.title_vi, &d.title_en, &d.description_vi, &d.description_en}) {
      text += ' ';
      text += *part;
    }
    for (const std::string& k : d.keywords) {
      text += ' ';
      text += k;
    }
    const std::string folded = FoldForSearch(text);
    for (const std::string& w : q.words) {
      if (folded.find(w) == std::string::npos) return false;
    }
  }
  const std::string modified = CkanTimestamp(d.modified);
  if (!q.modified_from.empty() && modified < q.modified_from) return false;
  if (!q.modified_to.empty() && modified > q.modified_to) return false;
  return std::ranges::all_of(q.filters, [&](const CkanFilter& f) { return Holds(f, d); });
}

}  // namespace

std::string BaseUrlForHost(std::string_view host) {
  const bool plausible =
      !host.empty() && host.size() <= 255 && std::ranges::all_of(host, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
      });
  if (!plausible) return OpenSite{}.base_url;
  return fmt::format("http://{}", host);
}

std::string LandingPage(const OpenSite& site, std::string_view name) {
  return fmt::format("{}/cong-khai/du-lieu/{}", site.base_url, name);
}

std::string OrganizationName(std::string_view publisher_code) {
  std::string out;
  bool pending_dash = false;
  for (char c : publisher_code) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) {
      if (pending_dash && !out.empty()) out.push_back('-');
      pending_dash = false;
      out.push_back(lower);
    } else {
      pending_dash = true;
    }
  }
  return out.empty() ? "org" : out;
}

std::string StableUuid(std::string_view kind, std::string_view key) {
  std::string hex = Sha256Hex(fmt::format("planwatch:{}:{}", kind, key)).substr(0, 32);
  hex[12] = '5';
  // The variant bits 10xx: one of 8, 9, a, b.
  static constexpr std::string_view kVariant = "89ab";
  const int nibble = hex[16] <= '9' ? hex[16] - '0' : hex[16] - 'a' + 10;
  hex[16] = kVariant[static_cast<std::size_t>(nibble & 3)];
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20, 12));
}

std::string CkanTimestamp(std::string_view rfc3339) {
  if (!IsDateTime(rfc3339)) return std::string(rfc3339);
  std::string fraction;
  if (rfc3339.size() > 19 && rfc3339[19] == '.') {
    for (std::size_t i = 20; i < rfc3339.size() && rfc3339[i] >= '0' && rfc3339[i] <= '9'; ++i) {
      if (fraction.size() < 6) fraction.push_back(rfc3339[i]);
    }
  }
  fraction.resize(6, '0');
  return fmt::format("{}.{}", rfc3339.substr(0, 19), fraction);
}

json DcatCatalog(std::span<const DatasetInfo> datasets, const OpenSite& site) {
  std::string publisher_vi = site.publisher_vi;
  std::string publisher_en = site.publisher_en;
  if (publisher_vi.empty()) {
    publisher_vi = datasets.empty() ? "planwatch" : datasets.front().publisher_name_vi;
    publisher_en = datasets.empty() ? "planwatch" : datasets.front().publisher_name_en;
  }
  json list = json::array();
  std::string modified;
  for (const DatasetInfo& d : datasets) {
    list.push_back(DcatDataset(d, site));
    modified = std::max(modified, d.modified);
  }
  json catalog{
      {"@context", json{{"dcat", "http://www.w3.org/ns/dcat#"},
                        {"dct", "http://purl.org/dc/terms/"},
                        {"foaf", "http://xmlns.com/foaf/0.1/"},
                        {"vcard", "http://www.w3.org/2006/vcard/ns#"},
                        {"xsd", "http://www.w3.org/2001/XMLSchema#"},
                        {"owl", "http://www.w3.org/2002/07/owl#"}}},
      {"@id", site.base_url + "/open/catalog.jsonld"},
      {"@type", "dcat:Catalog"},
      {"dct:title", Literal(site.title_vi, site.title_en)},
      {"dct:description",
       Literal("Các bộ dữ liệu đã công bố về thực hiện kế hoạch hành động, chỉ tiêu và đánh giá.",
               "Published datasets on the implementation of action plans, indicators and "
               "evaluations.")},
      {"dct:publisher",
       json{{"@type", "foaf:Agent"}, {"foaf:name", Literal(publisher_vi, publisher_en)}}},
      {"dct:language",
       json::array({Ref("http://publications.europa.eu/resource/authority/language/VIE"),
                    Ref("http://publications.europa.eu/resource/authority/language/ENG")})},
      {"dct:license", Ref(site.license_url)},
      {"foaf:homepage", Ref(site.base_url + "/cong-khai")},
      {"dcat:dataset", std::move(list)},
  };
  if (!modified.empty()) catalog["dct:modified"] = DateTime(modified);
  return catalog;
}

json CkanOrganization(const DatasetInfo& d) {
  return json{{"id", StableUuid("organization", d.publisher_code)},
              {"name", OrganizationName(d.publisher_code)},
              {"title", d.publisher_name_vi},
              {"display_name", d.publisher_name_vi},
              {"description", d.publisher_name_en},
              {"image_url", ""},
              {"type", "organization"},
              {"is_organization", true},
              {"state", "active"},
              {"approval_status", "approved"}};
}

json CkanPackage(const DatasetInfo& d, const OpenSite& site) {
  const std::string id = StableUuid("package", d.name);
  const std::string created = CkanTimestamp(d.issued);
  const std::string modified = CkanTimestamp(d.modified);
  json tags = json::array();
  for (const std::string& k : d.keywords) {
    tags.push_back(
        json{{"name", k}, {"display_name", k}, {"state", "active"}, {"vocabulary_id", nullptr}});
  }
  json resources = json::array();
  int position = 0;
  for (const Format& f : kFormats) {
    resources.push_back(json{
        {"id", StableUuid("resource", fmt::format("{}.{}", d.name, f.extension))},
        {"package_id", id},
        {"name", fmt::format("{}.{}", d.name, f.extension)},
        {"description",
         fmt::format("{} — {}, phiên bản {}, {} dòng", d.title_vi, f.name, d.version, d.row_count)},
        {"url", LatestUrl(site, d.name, f)},
        {"format", f.name},
        {"mimetype", f.media_type},
        {"created", created},
        {"last_modified", modified},
        {"position", position++},
        {"state", "active"},
    });
  }
  // CKAN keeps extras ordered by key.
  std::map<std::string, std::string> extras{{"title_en", d.title_en},
                                            {"description_en", d.description_en},
                                            {"publisher_name_en", d.publisher_name_en},
                                            {"kind", std::string(DatasetKindName(d.kind))},
                                            {"subject", d.subject},
                                            {"row_count", std::to_string(d.row_count)}};
  json extra_list = json::array();
  for (const auto& [key, value] : extras)
    extra_list.push_back(json{{"key", key}, {"value", value}});
  json organization = CkanOrganization(d);
  const std::string owner = organization["id"];
  return json{{"id", id},
              {"name", d.name},
              {"title", d.title_vi},
              {"notes", d.description_vi},
              {"version", std::to_string(d.version)},
              {"metadata_created", created},
              {"metadata_modified", modified},
              {"author", d.publisher_name_vi},
              {"maintainer", d.publisher_name_vi},
              {"organization", std::move(organization)},
              {"owner_org", owner},
              {"tags", std::move(tags)},
              {"num_tags", d.keywords.size()},
              {"resources", std::move(resources)},
              {"num_resources", std::size(kFormats)},
              {"extras", std::move(extra_list)},
              {"groups", json::array()},
              {"state", "active"},
              {"private", false},
              {"type", "dataset"},
              {"license_id", site.license_id},
              {"license_title", site.license_title},
              {"license_url", site.license_url},
              {"isopen", true},
              {"url", LandingPage(site, d.name)}};
}

json CkanOrganizationList(std::span<const DatasetInfo> datasets, bool all_fields) {
  std::map<std::string, std::pair<const DatasetInfo*, std::size_t>> by_name;
  for (const DatasetInfo& d : datasets) {
    auto [it, added] = by_name.try_emplace(OrganizationName(d.publisher_code), &d, 0);
    ++it->second.second;
  }
  json out = json::array();
  for (const auto& [name, entry] : by_name) {
    if (!all_fields) {
      out.push_back(name);
      continue;
    }
    json org = CkanOrganization(*entry.first);
    org["package_count"] = entry.second;
    out.push_back(std::move(org));
  }
  return out;
}

const DatasetInfo* FindPackage(std::span<const DatasetInfo> datasets, std::string_view id) {
  for (const DatasetInfo& d : datasets) {
    if (d.name == id || StableUuid("package", d.name) == id) return &d;
  }
  return nullptr;
}

Result<CkanSearchQuery> ParseCkanSearch(const QueryParams& params) {
  for (const auto& [name, value] : params) {
    if (name != "q" && name != "fq" && name != "rows" && name != "start" && name != "sort") {
      return BadParam(name, "unknown_field",
                      fmt::format("unknown parameter \"{}\"; accepted: q, fq, rows, start, sort",
                                  EchoForMessage(name)));
    }
  }
  CkanSearchQuery q;
  if (auto it = params.find("q"); it != params.end()) {
    const std::string_view text = TrimAscii(it->second);
    if (text != "*:*") {
      const std::string folded = FoldForSearch(text);
      std::size_t start = 0;
      while (start < folded.size()) {
        std::size_t space = folded.find(' ', start);
        if (space == std::string::npos) space = folded.size();
        if (space > start) q.words.push_back(folded.substr(start, space - start));
        start = space + 1;
      }
    }
  }
  if (auto it = params.find("fq"); it != params.end()) {
    if (auto parsed = ParseFq(q, it->second); !parsed) return std::unexpected(parsed.error());
  }
  auto rows = IntParam(params, "rows", 10, kMaxRows);
  if (!rows) return std::unexpected(rows.error());
  auto start = IntParam(params, "start", 0, kMaxStart);
  if (!start) return std::unexpected(start.error());
  q.rows = *rows;
  q.start = *start;
  if (auto it = params.find("sort"); it != params.end()) {
    const std::string sort = Lower(TrimAscii(it->second));
    if (sort == "metadata_modified desc") {
      q.sort = CkanSort::kModifiedDesc;
    } else if (sort == "metadata_modified asc") {
      q.sort = CkanSort::kModifiedAsc;
    } else if (sort == "name asc" || sort == "id asc") {
      q.sort = CkanSort::kNameAsc;
    } else if (sort == "name desc" || sort == "id desc") {
      q.sort = CkanSort::kNameDesc;
    } else {
      return BadParam("sort", "invalid",
                      fmt::format("unknown sort \"{}\"; accepted: metadata_modified desc|asc, "
                                  "name asc|desc, id asc|desc",
                                  EchoForMessage(it->second)));
    }
  }
  return q;
}

json CkanSearch(std::span<const DatasetInfo> datasets, const CkanSearchQuery& query,
                const OpenSite& site) {
  std::vector<const DatasetInfo*> hits;
  for (const DatasetInfo& d : datasets) {
    if (Matches(d, query)) hits.push_back(&d);
  }
  // Ties on metadata_modified fall back to the name, so pages never overlap.
  auto by_modified = [](const DatasetInfo* a, const DatasetInfo* b) {
    const std::string ma = CkanTimestamp(a->modified);
    const std::string mb = CkanTimestamp(b->modified);
    return ma != mb ? ma < mb : a->name < b->name;
  };
  switch (query.sort) {
    case CkanSort::kModifiedDesc:
      std::ranges::sort(hits, [&](auto* a, auto* b) { return by_modified(b, a); });
      break;
    case CkanSort::kModifiedAsc:
      std::ranges::sort(hits, by_modified);
      break;
    case CkanSort::kNameAsc:
      std::ranges::sort(hits, {}, &DatasetInfo::name);
      break;
    case CkanSort::kNameDesc:
      std::ranges::sort(hits, std::ranges::greater{}, &DatasetInfo::name);
      break;
  }
  json results = json::array();
  for (std::size_t i = static_cast<std::size_t>(query.start);
       i < hits.size() && results.size() < static_cast<std::size_t>(query.rows); ++i) {
    results.push_back(CkanPackage(*hits[i], site));
  }
  return json{{"count", hits.size()},
              {"sort", SortName(query.sort)},
              {"results", std::move(results)},
              {"facets", json::object()},
              {"search_facets", json::object()}};
}

}  // namespace planwatch
