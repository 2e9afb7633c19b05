// The open-data views of published datasets: a DCAT-AP 2 catalogue in JSON-LD and the read-only
// part of CKAN 2.9's action API (package_show, package_search, organization_list), so national
// open-data portals can harvest planwatch. Pure renderers over DatasetInfo (publishing.h): no
// storage, no clock. Thread-safe (no shared state).
//
// URLs: every URL in the output is absolute, built from OpenSite::base_url. Timestamps: DCAT
// carries the RFC 3339 values of DatasetInfo as xsd:dateTime; CKAN carries them in CKAN's own
// form, "YYYY-MM-DDTHH:MM:SS.ffffff" in UTC without a zone designator.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/service/publishing.h"
#include "planwatch/service/resources.h"

namespace planwatch {

// The site that serves the open data, as the caller names it.
struct OpenSite {
  // Scheme, host and port without a trailing slash, e.g. "http://127.0.0.1:8057"; see
  // BaseUrlForHost.
  std::string base_url = "http://localhost:8057";
  std::string title_vi = "Dữ liệu mở về thực hiện kế hoạch hành động";
  std::string title_en = "Open data on the implementation of action plans";
  // The catalogue's publisher; empty: the publisher of the first dataset (datasets of one
  // instance share the standing agency), else "planwatch".
  std::string publisher_vi;
  std::string publisher_en;
  // The licence every dataset is published under (a CKAN license id and its DCAT URI).
  std::string license_id = "cc-by";
  std::string license_title = "Creative Commons Attribution 4.0";
  std::string license_url = "https://creativecommons.org/licenses/by/4.0/";
};

// "http://<host>" for a Host header value that is a plausible host[:port] (letters, digits,
// '.', '-', ':' and IPv6 brackets, at most 255 bytes); the OpenSite default otherwise (absent,
// empty or anything else), so a forged header cannot inject text into URLs.
std::string BaseUrlForHost(std::string_view host);

// The portal page of a dataset, "<base>/cong-khai/du-lieu/<name>".
std::string LandingPage(const OpenSite& site, std::string_view name);

// The CKAN-safe name of a publisher code: lowercase ASCII letters and digits kept, every run of
// other characters becomes '-', trimmed of '-'; "org" when nothing is left.
std::string OrganizationName(std::string_view publisher_code);

// A stable UUID-shaped identifier for `kind` ("package", "organization", "resource") and `key`
// (a SHA-256 digest of both, formatted 8-4-4-4-12 with version nibble 5 and RFC 4122 variant).
std::string StableUuid(std::string_view kind, std::string_view key);

// An RFC 3339 UTC timestamp ("2025-06-01T10:00:00Z", optionally with a fraction) in CKAN's
// form ("2025-06-01T10:00:00.000000"); anything shorter than a date-time is returned unchanged.
std::string CkanTimestamp(std::string_view rfc3339);

// The DCAT-AP 2 catalogue of `datasets` (JSON-LD with an @context of dcat, dct, foaf, vcard,
// xsd and owl): a dcat:Catalog whose dcat:dataset lists one dcat:Dataset per entry, in order,
// each with its CSV and JSON dcat:Distribution (downloadURL: the version's own file; accessURL:
// the latest version's).
nlohmann::json DcatCatalog(std::span<const DatasetInfo> datasets, const OpenSite& site);

// CKAN's package dictionary of one dataset (package_show's result).
nlohmann::json CkanPackage(const DatasetInfo& dataset, const OpenSite& site);

// CKAN's organization dictionary of a dataset's publisher (as in a package's "organization").
nlohmann::json CkanOrganization(const DatasetInfo& dataset);

// organization_list's result: the distinct publishers of `datasets` ordered by name, as names,
// or with `all_fields` as organization dictionaries with their "package_count".
nlohmann::json CkanOrganizationList(std::span<const DatasetInfo> datasets, bool all_fields);

// package_show's lookup: the dataset whose name or package id is `id`; none otherwise.
const DatasetInfo* FindPackage(std::span<const DatasetInfo> datasets, std::string_view id);

enum class CkanSort { kModifiedDesc, kModifiedAsc, kNameAsc, kNameDesc };

// One fq term: `field` is "organization", "tags", "res_format", "name" or "id"; `value` as
// given (quotes removed).
struct CkanFilter {
  std::string field;
  std::string value;
};

struct CkanSearchQuery {
  std::vector<std::string> words;   // of q, folded (FoldForSearch); empty or "*:*": everything
  std::vector<CkanFilter> filters;  // of fq; every one must hold
  // metadata_modified:[from TO to] of fq, in CKAN's timestamp form; empty: open end.
  std::string modified_from;
  std::string modified_to;
  int rows = 10;  // 0..1000
  int start = 0;  // 0..1'000'000'000
  CkanSort sort = CkanSort::kModifiedDesc;
};

// package_search's parameters: q, fq, rows, start, sort. fq terms are separated by spaces, a
// leading '+' is allowed, a value may be double-quoted; sort is "<field> asc|desc" with field
// metadata_modified, name or id (id orders as name). invalid_argument naming the parameter (and
// the fq field or sort given) for an unknown parameter, an fq term of another field or without
// ':', a rows outside 0..1000, a start below 0 or not a whole number, another sort.
Result<CkanSearchQuery> ParseCkanSearch(const QueryParams& params);

// package_search's result: {"count", "sort", "results": [packages of rows start.., at most
// rows], "facets": {}, "search_facets": {}}. A dataset matches when every word of q appears in
// its folded name, titles, descriptions or keywords, and every filter holds.
nlohmann::json CkanSearch(std::span<const DatasetInfo> datasets, const CkanSearchQuery& query,
                          const OpenSite& site);

}  // namespace planwatch
