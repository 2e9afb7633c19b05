#include "planwatch/documents/xlsx_reader.h"

#include <expat.h>
#include <fmt/format.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "planwatch/base/date.h"

namespace planwatch {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
// The ratio check applies to parts that inflate beyond this.
constexpr std::size_t kRatioFloorBytes = std::size_t{1} << 20;
// Real parts nest a handful of levels; a deeper file only costs memory.
constexpr std::size_t kMaxDepth = 256;
// expat holds an unfinished token (a tag with its attributes, a comment) whole in memory;
// no legitimate token comes near this.
constexpr std::int64_t kMaxTokenBytes = std::int64_t{8} << 20;
constexpr std::string_view kNotXlsx = "the file is not a valid .xlsx";
constexpr std::string_view kTooLarge = "the workbook is too large";

std::string Size(std::size_t bytes) {
  if (bytes != 0 && bytes % (std::size_t{1} << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes != 0 && bytes % 1024 == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

std::unexpected<Error> NotXlsx(std::string_view where, std::string_view what) {
  if (where.empty()) return InvalidArgument(fmt::format("{}: {}", kNotXlsx, what));
  return InvalidArgument(fmt::format("{}: {}: {}", kNotXlsx, where, what));
}

std::unexpected<Error> TooLarge(std::string_view where, std::string_view what) {
  if (where.empty()) return InvalidArgument(fmt::format("{}: {}", kTooLarge, what));
  return InvalidArgument(fmt::format("{}: {}: {}", kTooLarge, where, what));
}

// A libzip error: out of memory and libzip's own bugs are internal, the rest is the file's fault.
std::unexpected<Error> ZipFailure(std::string_view where, zip_error_t* error) {
  const int code = zip_error_code_zip(error);
  const std::string text = zip_error_strerror(error);
  if (code == ZIP_ER_MEMORY || code == ZIP_ER_INTERNAL) {
    return Internal(fmt::format("reading the .xlsx: {}: libzip: {}", where, text));
  }
  return NotXlsx(where, fmt::format("the part is damaged ({})", text));
}

bool ExceedsRatio(std::size_t inflated, std::size_t compressed, std::size_t ratio) {
  if (inflated <= kRatioFloorBytes) return false;
  if (compressed == 0) return true;
  if (ratio > std::numeric_limits<std::size_t>::max() / compressed) return false;
  return inflated > compressed * ratio;
}

std::optional<std::uint64_t> ParseDigits(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int> ParseInt(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// ---------------------------------------------------------------------------------------------
// XML: every element is known by its local name (the namespace dropped, so transitional and
// strict OOXML read alike) as one of the tags below.

enum class Tag {
  kOther,
  kTypes,
  kRelationships,
  kRelationship,
  kWorkbook,
  kWorkbookPr,
  kSheets,
  kSheet,
  kStyleSheet,
  kNumFmts,
  kNumFmt,
  kCellXfs,
  kXf,
  kSst,
  kSi,
  kT,
  kR,
  kWorksheet,
  kSheetData,
  kRow,
  kC,
  kV,
  kIs,
};

std::string_view LocalName(const XML_Char* name) {
  const std::string_view full(name);
  const std::size_t bar = full.rfind('|');
  return bar == std::string_view::npos ? full : full.substr(bar + 1);
}

Tag TagOf(std::string_view local) {
  static const std::map<std::string_view, Tag, std::less<>> kTags = {
      {"Types", Tag::kTypes},
      {"Relationships", Tag::kRelationships},
      {"Relationship", Tag::kRelationship},
      {"workbook", Tag::kWorkbook},
      {"workbookPr", Tag::kWorkbookPr},
      {"sheets", Tag::kSheets},
      {"sheet", Tag::kSheet},
      {"styleSheet", Tag::kStyleSheet},
      {"numFmts", Tag::kNumFmts},
      {"numFmt", Tag::kNumFmt},
      {"cellXfs", Tag::kCellXfs},
      {"xf", Tag::kXf},
      {"sst", Tag::kSst},
      {"si", Tag::kSi},
      {"t", Tag::kT},
      {"r", Tag::kR},
      {"worksheet", Tag::kWorksheet},
      {"sheetData", Tag::kSheetData},
      {"row", Tag::kRow},
      {"c", Tag::kC},
      {"v", Tag::kV},
      {"is", Tag::kIs},
  };
  const auto it = kTags.find(local);
  return it == kTags.end() ? Tag::kOther : it->second;
}

// The value of the attribute with local name `name`, if present.
std::optional<std::string_view> Attribute(const XML_Char** attributes, std::string_view name) {
  for (std::size_t i = 0; attributes[i] != nullptr; i += 2) {
    if (LocalName(attributes[i]) == name) return std::string_view(attributes[i + 1]);
  }
  return std::nullopt;
}

bool PathIs(std::span<const Tag> path, std::initializer_list<Tag> expected) {
  return std::ranges::equal(path, expected);
}

// What a part's reader does with the events of one part. `path` runs from the root element to
// the current one (inclusive).
class PartHandler {
 public:
  virtual ~PartHandler() = default;
  virtual Status Start(std::span<const Tag> path, const XML_Char** attributes) = 0;
  virtual Status End(std::span<const Tag> path) = 0;
  virtual Status Text(std::string_view text) = 0;
};

// Drives expat over one part and turns its events into PartHandler calls.
class XmlStream {
 public:
  XmlStream(std::string_view where, PartHandler& handler) : where_(where), handler_(handler) {
    parser_ = XML_ParserCreateNS(nullptr, '|');
    if (parser_ == nullptr) return;
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &XmlStream::OnStart, &XmlStream::OnEnd);
    XML_SetCharacterDataHandler(parser_, &XmlStream::OnText);
    XML_SetDefaultHandlerExpand(parser_, &XmlStream::OnOther);
    XML_SetStartDoctypeDeclHandler(parser_, &XmlStream::OnDoctype);
    XML_SetEntityDeclHandler(parser_, &XmlStream::OnEntity);
    XML_SetExternalEntityRefHandler(parser_, &XmlStream::OnExternalEntity);
    XML_SetParamEntityParsing(parser_, XML_PARAM_ENTITY_PARSING_NEVER);
  }
  XmlStream(const XmlStream&) = delete;
  XmlStream& operator=(const XmlStream&) = delete;
  ~XmlStream() {
    if (parser_ != nullptr) XML_ParserFree(parser_);
  }

  bool ok() const { return parser_ != nullptr; }

  // A buffer for the next `size` bytes; nullptr when out of memory.
  char* Buffer(std::size_t size) {
    return static_cast<char*>(XML_GetBuffer(parser_, static_cast<int>(size)));
  }

  // Parses the `size` bytes just written into Buffer(); `last` after the final chunk.
  Status Parse(std::size_t size, bool last) {
    fed_ += static_cast<std::int64_t>(size);
    if (XML_ParseBuffer(parser_, static_cast<int>(size), last ? XML_TRUE : XML_FALSE) ==
        XML_STATUS_ERROR) {
      if (error_) return std::unexpected(std::move(*error_));
      const XML_Error code = XML_GetErrorCode(parser_);
      if (code == XML_ERROR_NO_MEMORY) {
        return Internal(fmt::format("reading the .xlsx: {}: expat is out of memory", where_));
      }
      return NotXlsx(
          where_,
          fmt::format("malformed XML at line {}, column {}: {}", XML_GetCurrentLineNumber(parser_),
                      XML_GetCurrentColumnNumber(parser_) + 1, XML_ErrorString(code)));
    }
    if (fed_ - last_event_ > kMaxTokenBytes) {
      return NotXlsx(where_,
                     fmt::format("an XML tag or comment longer than {} at byte {}",
                                 Size(static_cast<std::size_t>(kMaxTokenBytes)), last_event_));
    }
    return {};
  }

 private:
  static XmlStream& Self(void* data) { return *static_cast<XmlStream*>(data); }

  void Stop(Error error) {
    if (!error_) error_ = std::move(error);
    XML_StopParser(parser_, XML_FALSE);
  }
  // Runs one handler call; its error, or an exception (which must not cross expat's C frames),
  // stops the parser.
  template <typename Call>
  void Dispatch(Call call) {
    try {
      Status status = call();
      if (!status) Stop(std::move(status.error()));
    } catch (const std::exception& e) {
      Stop(Error{
          ErrorCode::kInternal, fmt::format("reading the .xlsx: {}: {}", where_, e.what()), {}});
    }
  }
  void Seen() { last_event_ = XML_GetCurrentByteIndex(parser_); }

  static void OnStart(void* data, const XML_Char* name, const XML_Char** attributes) {
    XmlStream& self = Self(data);
    self.Seen();
    if (self.error_) return;
    if (self.path_.size() >= kMaxDepth) {
      self.Stop(NotXlsx(self.where_, fmt::format("elements nest deeper than {} levels at line {}",
                                                 kMaxDepth, XML_GetCurrentLineNumber(self.parser_)))
                    .error());
      return;
    }
    self.Dispatch([&] {
      self.path_.push_back(TagOf(LocalName(name)));
      return self.handler_.Start(self.path_, attributes);
    });
  }
  static void OnEnd(void* data, const XML_Char* /*name*/) {
    XmlStream& self = Self(data);
    self.Seen();
    if (self.error_) return;
    self.Dispatch([&] { return self.handler_.End(self.path_); });
    if (!self.path_.empty()) self.path_.pop_back();
  }
  static void OnText(void* data, const XML_Char* text, int size) {
    XmlStream& self = Self(data);
    self.Seen();
    if (self.error_) return;
    self.Dispatch(
        [&] { return self.handler_.Text(std::string_view(text, static_cast<std::size_t>(size))); });
  }
  static void OnOther(void* data, const XML_Char* /*text*/, int /*size*/) { Self(data).Seen(); }
  static void OnDoctype(void* data, const XML_Char* /*name*/, const XML_Char* /*sysid*/,
                        const XML_Char* /*pubid*/, int /*has_internal_subset*/) {
    XmlStream& self = Self(data);
    self.Stop(NotXlsx(self.where_,
                      fmt::format("a DOCTYPE declaration at line {} is not allowed (entities are "
                                  "refused)",
                                  XML_GetCurrentLineNumber(self.parser_)))
                  .error());
  }
  static void OnEntity(void* data, const XML_Char* name, int /*is_parameter*/,
                       const XML_Char* /*value*/, int /*value_length*/, const XML_Char* /*base*/,
                       const XML_Char* /*system_id*/, const XML_Char* /*public_id*/,
                       const XML_Char* /*notation*/) {
    XmlStream& self = Self(data);
    self.Stop(NotXlsx(self.where_, fmt::format("the entity declaration \"{}\" is not allowed",
                                               name == nullptr ? "" : name))
                  .error());
  }
  static int OnExternalEntity(XML_Parser /*parser*/, const XML_Char* /*context*/,
                              const XML_Char* /*base*/, const XML_Char* /*system_id*/,
                              const XML_Char* /*public_id*/) {
    return XML_STATUS_ERROR;  // never load anything from outside the file
  }

  std::string_view where_;
  PartHandler& handler_;
  XML_Parser parser_ = nullptr;
  std::vector<Tag> path_;
  std::optional<Error> error_;
  std::int64_t fed_ = 0;
  std::int64_t last_event_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The zip package.

struct ZipCloser {
  void operator()(zip_t* zip) const { zip_discard(zip); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

class Package {
 public:
  static Result<Package> Open(std::string_view bytes, const XlsxLimits& limits) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) {
      Error failure = ZipFailure("the zip archive", &error).error();
      zip_error_fini(&error);
      return std::unexpected(std::move(failure));
    }
    zip_t* zip = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (zip == nullptr) {
      zip_source_free(source);
      const int code = zip_error_code_zip(&error);
      const std::string text = zip_error_strerror(&error);
      zip_error_fini(&error);
      if (code == ZIP_ER_MEMORY || code == ZIP_ER_INTERNAL) {
        return Internal(fmt::format("reading the .xlsx: libzip: {}", text));
      }
      return NotXlsx("", fmt::format("not a zip archive, or a truncated one ({})", text));
    }
    zip_error_fini(&error);
    return Package(zip, limits, bytes.size());
  }

  bool Has(const std::string& name) const { return Locate(name) >= 0; }

  // Streams the part `name` through `handler`; `where` names it in errors.
  Status Read(const std::string& name, std::string_view where, PartHandler& handler) {
    const zip_int64_t index = Locate(name);
    if (index < 0) return NotXlsx(where, "the part is missing");
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(zip_.get(), static_cast<zip_uint64_t>(index), 0, &stat) != 0) {
      return ZipFailure(where, zip_get_error(zip_.get()));
    }
    if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && stat.encryption_method != ZIP_EM_NONE) {
      return NotXlsx(where, "the part is encrypted (save the workbook without a password)");
    }
    if ((stat.valid & ZIP_STAT_COMP_METHOD) != 0 && stat.comp_method != ZIP_CM_STORE &&
        stat.comp_method != ZIP_CM_DEFLATE) {
      return NotXlsx(where, fmt::format("the part uses compression method {}, which .xlsx files "
                                        "do not use (only stored and deflated are read)",
                                        stat.comp_method));
    }
    std::size_t compressed = file_bytes_;
    if ((stat.valid & ZIP_STAT_COMP_SIZE) != 0) {
      compressed = static_cast<std::size_t>(std::min<zip_uint64_t>(stat.comp_size, file_bytes_));
    }
    // The declared size refuses an honest bomb at once; the counting below catches a lying one.
    if ((stat.valid & ZIP_STAT_SIZE) != 0) {
      if (auto ok = CheckInflated(where, stat.size, compressed, total_ + stat.size); !ok) {
        return ok;
      }
    }

    std::unique_ptr<zip_file_t, ZipFileCloser> file(
        zip_fopen_index(zip_.get(), static_cast<zip_uint64_t>(index), 0));
    if (!file) return ZipFailure(where, zip_get_error(zip_.get()));
    XmlStream xml(where, handler);
    if (!xml.ok())
      return Internal(fmt::format("reading the .xlsx: {}: expat is out of memory", where));
    std::size_t inflated = 0;
    for (;;) {
      char* buffer = xml.Buffer(kChunkBytes);
      if (buffer == nullptr) {
        return Internal(fmt::format("reading the .xlsx: {}: expat is out of memory", where));
      }
      const zip_int64_t n = zip_fread(file.get(), buffer, kChunkBytes);
      if (n < 0) return ZipFailure(where, zip_file_get_error(file.get()));
      const auto got = static_cast<std::size_t>(n);
      inflated += got;
      total_ += got;
      if (auto ok = CheckInflated(where, inflated, compressed, total_); !ok) return ok;
      if (auto ok = xml.Parse(got, got == 0); !ok) return ok;
      if (got == 0) return {};
    }
  }

 private:
  Package(zip_t* zip, const XlsxLimits& limits, std::size_t file_bytes)
      : zip_(zip), limits_(&limits), file_bytes_(file_bytes) {}

  zip_int64_t Locate(const std::string& name) const {
    return zip_name_locate(zip_.get(), name.c_str(), ZIP_FL_NOCASE);
  }

  Status CheckInflated(std::string_view where, std::uint64_t part, std::size_t compressed,
                       std::uint64_t total) const {
    if (part > limits_->max_part_bytes) {
      return NotXlsx(where, fmt::format("the part inflates beyond {} (zip bomb?)",
                                        Size(limits_->max_part_bytes)));
    }
    if (ExceedsRatio(static_cast<std::size_t>(part), compressed, limits_->max_ratio)) {
      return NotXlsx(where, fmt::format("the part inflates more than {} times its compressed size "
                                        "of {} bytes (zip bomb?)",
                                        limits_->max_ratio, compressed));
    }
    if (total > limits_->max_total_bytes) {
      return NotXlsx(where, fmt::format("the parts inflate beyond {} in total (zip bomb?)",
                                        Size(limits_->max_total_bytes)));
    }
    return {};
  }

  std::unique_ptr<zip_t, ZipCloser> zip_;
  const XlsxLimits* limits_;
  std::size_t file_bytes_;
  std::uint64_t total_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Relationships and part names.

// The folder of a part, with its trailing slash ("xl/" for "xl/workbook.xml").
std::string FolderOf(std::string_view part) {
  const std::size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

// "xl/_rels/workbook.xml.rels" for "xl/workbook.xml".
std::string RelsOf(std::string_view part) {
  const std::size_t slash = part.rfind('/');
  const std::string_view file = slash == std::string_view::npos ? part : part.substr(slash + 1);
  return FolderOf(part) + "_rels/" + std::string(file) + ".rels";
}

// The part a relationship target names, relative to the folder of its source part or absolute
// from the package root; nullopt when it climbs above the root.
std::optional<std::string> ResolveTarget(std::string_view folder, std::string_view target) {
  std::string joined = target.starts_with('/') ? std::string(target.substr(1))
                                               : std::string(folder) + std::string(target);
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= joined.size()) {
    std::size_t end = joined.find('/', start);
    if (end == std::string::npos) end = joined.size();
    const std::string_view segment(joined.data() + start, end - start);
    if (segment == "..") {
      if (segments.empty()) return std::nullopt;
      segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.emplace_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string& segment : segments) {
    if (!out.empty()) out += '/';
    out += segment;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

struct Relationship {
  std::string type;    // the URI; compared by its last segment
  std::string target;  // as written
  bool external = false;
};

bool TypeIs(std::string_view type, std::string_view last_segment) {
  return type.size() > last_segment.size() && type.ends_with(last_segment) &&
         type[type.size() - last_segment.size() - 1] == '/';
}

class RelationshipsReader final : public PartHandler {
 public:
  Status Start(std::span<const Tag> path, const XML_Char** attributes) override {
    if (!PathIs(path, {Tag::kRelationships, Tag::kRelationship})) return {};
    const auto id = Attribute(attributes, "Id");
    const auto target = Attribute(attributes, "Target");
    if (!id || !target) return {};
    Relationship rel;
    rel.type = std::string(Attribute(attributes, "Type").value_or(""));
    rel.target = std::string(*target);
    rel.external = Attribute(attributes, "TargetMode").value_or("") == "External";
    relationships_.emplace(std::string(*id), std::move(rel));
    return {};
  }
  Status End(std::span<const Tag>) override { return {}; }
  Status Text(std::string_view) override { return {}; }

  const std::map<std::string, Relationship, std::less<>>& relationships() const {
    return relationships_;
  }
  // The first internal relationship of the type, in Id order.
  const Relationship* OfType(std::string_view last_segment) const {
    for (const auto& [id, rel] : relationships_) {
      if (!rel.external && TypeIs(rel.type, last_segment)) return &rel;
    }
    return nullptr;
  }

 private:
  std::map<std::string, Relationship, std::less<>> relationships_;
};

// Reads nothing: the part only has to be well-formed XML without a DOCTYPE.
class IgnoringReader final : public PartHandler {
 public:
  Status Start(std::span<const Tag>, const XML_Char**) override { return {}; }
  Status End(std::span<const Tag>) override { return {}; }
  Status Text(std::string_view) override { return {}; }
};

// ---------------------------------------------------------------------------------------------
// xl/workbook.xml

struct SheetEntry {
  std::string name;
  std::string relationship_id;
};

class WorkbookReader final : public PartHandler {
 public:
  WorkbookReader(std::string_view where, const XlsxLimits& limits)
      : where_(where), limits_(limits) {}

  Status Start(std::span<const Tag> path, const XML_Char** attributes) override {
    if (PathIs(path, {Tag::kWorkbook, Tag::kWorkbookPr})) {
      const std::string_view value = Attribute(attributes, "date1904").value_or("0");
      date1904_ = value == "1" || value == "true";
    } else if (PathIs(path, {Tag::kWorkbook, Tag::kSheets, Tag::kSheet})) {
      if (sheets_.size() >= limits_.max_sheets) {
        return TooLarge(where_, fmt::format("more than {} sheets", limits_.max_sheets));
      }
      const auto name = Attribute(attributes, "name");
      const auto id = Attribute(attributes, "id");
      if (!name || !id) {
        return NotXlsx(
            where_, fmt::format("sheet {} has no name or no relationship id", sheets_.size() + 1));
      }
      sheets_.push_back(SheetEntry{std::string(*name), std::string(*id)});
    }
    return {};
  }
  Status End(std::span<const Tag>) override { return {}; }
  Status Text(std::string_view) override { return {}; }

  bool date1904() const { return date1904_; }
  std::vector<SheetEntry>& sheets() { return sheets_; }

 private:
  std::string_view where_;
  const XlsxLimits& limits_;
  bool date1904_ = false;
  std::vector<SheetEntry> sheets_;
};

// ---------------------------------------------------------------------------------------------
// xl/styles.xml: which cell styles show numbers as dates.

// A custom number format shows a date or time when it has d, m, y, h or s outside quoted text,
// brackets ([Red], [$-409]) and escaped or padding characters.
bool IsDateFormatCode(std::string_view code) {
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char ch = code[i];
    if (ch == '"') {
      const std::size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) return false;
      i = close;
    } else if (ch == '[') {
      const std::size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) return false;
      i = close;
    } else if (ch == '\\' || ch == '_' || ch == '*') {
      ++i;
    } else {
      switch (ch) {
        case 'd':
        case 'D':
        case 'm':
        case 'M':
        case 'y':
        case 'Y':
        case 'h':
        case 'H':
        case 's':
        case 'S':
          return true;
        default:
          break;
      }
    }
  }
  return false;
}

bool IsBuiltInDateFormat(int id) { return (id >= 14 && id <= 22) || (id >= 45 && id <= 47); }

class StylesReader final : public PartHandler {
 public:
  Status Start(std::span<const Tag> path, const XML_Char** attributes) override {
    if (PathIs(path, {Tag::kStyleSheet, Tag::kNumFmts, Tag::kNumFmt})) {
      const auto id = ParseInt(Attribute(attributes, "numFmtId").value_or(""));
      if (id) custom_[*id] = IsDateFormatCode(Attribute(attributes, "formatCode").value_or(""));
    } else if (PathIs(path, {Tag::kStyleSheet, Tag::kCellXfs, Tag::kXf})) {
      xf_formats_.push_back(ParseInt(Attribute(attributes, "numFmtId").value_or("0")).value_or(0));
    }
    return {};
  }
  Status End(std::span<const Tag>) override { return {}; }
  Status Text(std::string_view) override { return {}; }

  // Whether each cell style (index into cellXfs) shows a number as a date.
  std::vector<bool> DateStyles() const {
    std::vector<bool> out;
    out.reserve(xf_formats_.size());
    for (const int id : xf_formats_) {
      const auto it = custom_.find(id);
      out.push_back(it != custom_.end() ? it->second : IsBuiltInDateFormat(id));
    }
    return out;
  }

 private:
  std::map<int, bool> custom_;
  std::vector<int> xf_formats_;
};

// ---------------------------------------------------------------------------------------------
// xl/sharedStrings.xml, kept as one pool of text and the end offset of each string.

class SharedStrings {
 public:
  std::size_t size() const { return ends_.size(); }
  std::string_view At(std::size_t index) const {
    const std::size_t begin = index == 0 ? 0 : ends_[index - 1];
    return std::string_view(pool_).substr(begin, ends_[index] - begin);
  }
  std::size_t MemoryBytes() const { return pool_.size() + ends_.size() * sizeof(std::size_t); }
  void Append(std::string_view text) { pool_ += text; }
  std::size_t Pending() const { return pool_.size() - (ends_.empty() ? 0 : ends_.back()); }
  void Finish() { ends_.push_back(pool_.size()); }

 private:
  std::string pool_;
  std::vector<std::size_t> ends_;
};

class SharedStringsReader final : public PartHandler {
 public:
  SharedStringsReader(std::string_view where, const XlsxLimits& limits, SharedStrings& strings)
      : where_(where), limits_(limits), strings_(strings) {}

  Status Start(std::span<const Tag> path, const XML_Char**) override {
    if (PathIs(path, {Tag::kSst, Tag::kSi, Tag::kT}) ||
        PathIs(path, {Tag::kSst, Tag::kSi, Tag::kR, Tag::kT})) {
      in_text_ = true;
    }
    return {};
  }
  Status End(std::span<const Tag> path) override {
    if (path.size() >= 2 && path.back() == Tag::kT) in_text_ = false;
    if (PathIs(path, {Tag::kSst, Tag::kSi})) {
      strings_.Finish();
      if (strings_.MemoryBytes() > limits_.max_part_bytes) {
        return TooLarge(where_, fmt::format("the shared strings take more than {}",
                                            Size(limits_.max_part_bytes)));
      }
    }
    return {};
  }
  Status Text(std::string_view text) override {
    if (!in_text_) return {};
    if (strings_.Pending() + text.size() > limits_.max_cell_bytes) {
      return TooLarge(where_, fmt::format("shared string {} has more than {} bytes of text",
                                          strings_.size(), limits_.max_cell_bytes));
    }
    strings_.Append(text);
    return {};
  }

 private:
  std::string_view where_;
  const XlsxLimits& limits_;
  SharedStrings& strings_;
  bool in_text_ = false;
};

// ---------------------------------------------------------------------------------------------
// A worksheet, streamed row by row into an XlsxSheet.

// What the workbook as a whole has used so far, across sheets.
struct BookUsage {
  std::size_t cells = 0;
  std::size_t bytes = 0;
};

struct CellRef {
  std::size_t column = 0;  // 0-based
  std::uint64_t row = 0;   // 1-based
};

std::optional<CellRef> ParseCellRef(std::string_view text) {
  std::size_t i = 0;
  std::uint64_t column = 0;
  while (i < text.size() && i < 7 && ((text[i] >= 'A' && text[i] <= 'Z'))) {
    column = column * 26 + static_cast<std::uint64_t>(text[i] - 'A' + 1);
    ++i;
  }
  if (i == 0) return std::nullopt;
  const auto row = ParseDigits(text.substr(i));
  if (!row || *row == 0 || text[i] == '0') return std::nullopt;
  return CellRef{static_cast<std::size_t>(column - 1), *row};
}

std::string Printable(std::string_view text) {
  constexpr std::size_t kShown = 40;
  std::string out;
  for (const char ch : text.substr(0, kShown)) {
    out += (static_cast<unsigned char>(ch) < 0x20 || ch == '"') ? '?' : ch;
  }
  if (text.size() > kShown) out += "...";
  return out;
}

std::string FormatNumber(double value) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (ec != std::errc()) return "0";
  return std::string(buffer, end);
}

// An Excel serial day number as an ISO date or date-time; nullopt outside 0001..9999 or
// before the epoch.
std::optional<std::string> FormatSerialDate(double serial, bool date1904) {
  if (!(serial >= 0) || serial >= 3'000'000) return std::nullopt;
  const double day_part = std::floor(serial);
  auto seconds = static_cast<std::int64_t>(std::llround((serial - day_part) * 86400.0));
  auto day = static_cast<std::int64_t>(day_part);
  if (seconds >= 86400) {
    seconds -= 86400;
    ++day;
  }
  Date date;
  if (date1904) {
    date = Date::FromYmd(1904, 1, 1)->AddDays(static_cast<std::int32_t>(day));
  } else if (day < 61) {
    // Serials 1..59 count from 1900-01-01; Excel's fictitious 1900-02-29 (60) reads as the 28th.
    date = Date::FromYmd(1899, 12, 31)->AddDays(static_cast<std::int32_t>(day == 60 ? 59 : day));
  } else {
    date = Date::FromYmd(1899, 12, 30)->AddDays(static_cast<std::int32_t>(day));
  }
  if (date > *Date::FromYmd(9999, 12, 31)) return std::nullopt;
  if (seconds == 0) return date.ToString();
  return fmt::format("{}T{:02}:{:02}:{:02}", date.ToString(), seconds / 3600, seconds / 60 % 60,
                     seconds % 60);
}

class SheetReader final : public PartHandler {
 public:
  SheetReader(std::string where, const XlsxLimits& limits, const SharedStrings& strings,
              const std::vector<bool>& date_styles, bool date1904, BookUsage& usage,
              XlsxSheet& sheet)
      : where_(std::move(where)),
        limits_(limits),
        strings_(strings),
        date_styles_(date_styles),
        date1904_(date1904),
        usage_(usage),
        sheet_(sheet) {}

  const std::string& where() const { return where_; }

  Status Start(std::span<const Tag> path, const XML_Char** attributes) override {
    if (path.size() < 3 || path[0] != Tag::kWorksheet || path[1] != Tag::kSheetData) return {};
    if (PathIs(path, {Tag::kWorksheet, Tag::kSheetData, Tag::kRow})) {
      return StartRow(attributes);
    }
    if (PathIs(path, {Tag::kWorksheet, Tag::kSheetData, Tag::kRow, Tag::kC})) {
      return StartCell(attributes);
    }
    if (PathIs(path, {Tag::kWorksheet, Tag::kSheetData, Tag::kRow, Tag::kC, Tag::kV})) {
      in_value_ = true;
    } else if (PathIs(path,
                      {Tag::kWorksheet, Tag::kSheetData, Tag::kRow, Tag::kC, Tag::kIs, Tag::kT}) ||
               PathIs(path, {Tag::kWorksheet, Tag::kSheetData, Tag::kRow, Tag::kC, Tag::kIs,
                             Tag::kR, Tag::kT})) {
      in_inline_ = true;
    }
    return {};
  }

  Status End(std::span<const Tag> path) override {
    if (path.size() < 3 || path[0] != Tag::kWorksheet || path[1] != Tag::kSheetData) return {};
    if (path.back() == Tag::kV) in_value_ = false;
    if (path.back() == Tag::kT) in_inline_ = false;
    if (PathIs(path, {Tag::kWorksheet, Tag::kSheetData, Tag::kRow, Tag::kC})) return EndCell();
    if (PathIs(path, {Tag::kWorksheet, Tag::kSheetData, Tag::kRow})) {
      if (!row_.cells.empty()) sheet_.rows.push_back(std::move(row_));
      row_ = XlsxRow{};
    }
    return {};
  }

  Status Text(std::string_view text) override {
    std::string* into = in_value_ ? &value_ : in_inline_ ? &inline_ : nullptr;
    if (into == nullptr) return {};
    if (into->size() + text.size() > limits_.max_cell_bytes) {
      return TooLarge(where_, fmt::format("cell {} has more than {} bytes of text", CellName(),
                                          limits_.max_cell_bytes));
    }
    into->append(text);
    return {};
  }

 private:
  std::string CellName() const { return XlsxCellRef(column_, row_.number); }

  Status CheckRowNumber(std::uint64_t number) const {
    if (number > limits_.max_rows) {
      return TooLarge(
          where_, fmt::format("row {} is beyond the limit of {} rows", number, limits_.max_rows));
    }
    if (number <= last_row_) {
      return NotXlsx(
          where_, fmt::format("row {} comes after row {} (rows must go down)", number, last_row_));
    }
    return {};
  }

  Status StartRow(const XML_Char** attributes) {
    std::uint64_t number = last_row_ + 1;
    row_implied_ = true;
    if (const auto r = Attribute(attributes, "r")) {
      const auto parsed = ParseDigits(*r);
      if (!parsed || *parsed == 0) {
        return NotXlsx(where_, fmt::format("row r=\"{}\" after row {} is not a row number",
                                           Printable(*r), last_row_));
      }
      number = *parsed;
      row_implied_ = false;
    }
    if (auto ok = CheckRowNumber(number); !ok) return ok;
    row_ = XlsxRow{};
    row_.number = static_cast<int>(number);
    last_row_ = number;
    has_column_ = false;
    return {};
  }

  Status StartCell(const XML_Char** attributes) {
    std::size_t column = has_column_ ? column_ + 1 : 0;
    if (const auto r = Attribute(attributes, "r")) {
      const auto ref = ParseCellRef(*r);
      if (!ref) {
        return NotXlsx(where_, fmt::format("row {}: \"{}\" is not a cell reference", row_.number,
                                           Printable(*r)));
      }
      if (ref->row != static_cast<std::uint64_t>(row_.number)) {
        // A row written without its number takes the number of its first cell.
        if (!row_implied_ || has_column_) {
          return NotXlsx(where_,
                         fmt::format("cell {} is inside row {}", Printable(*r), row_.number));
        }
        last_row_ = static_cast<std::uint64_t>(row_.number) - 1;
        if (auto ok = CheckRowNumber(ref->row); !ok) return ok;
        row_.number = static_cast<int>(ref->row);
        last_row_ = ref->row;
      }
      if (ref->column >= limits_.max_columns) {
        return TooLarge(where_, fmt::format("cell {} is beyond the limit of {} columns",
                                            Printable(*r), limits_.max_columns));
      }
      if (has_column_ && ref->column <= column_) {
        return NotXlsx(where_, fmt::format("cell {} comes after cell {} (cells must go right)",
                                           Printable(*r), CellName()));
      }
      column = ref->column;
    } else if (column >= limits_.max_columns) {
      return TooLarge(where_, fmt::format("cell {} is beyond the limit of {} columns",
                                          XlsxCellRef(column, row_.number), limits_.max_columns));
    }
    column_ = column;
    has_column_ = true;
    type_ = std::string(Attribute(attributes, "t").value_or("n"));
    style_ = 0;
    if (const auto s = Attribute(attributes, "s")) {
      const auto parsed = ParseDigits(*s);
      if (!parsed) {
        return NotXlsx(where_, fmt::format("cell {}: style s=\"{}\" is not a number", CellName(),
                                           Printable(*s)));
      }
      style_ = *parsed;
    }
    value_.clear();
    inline_.clear();
    return {};
  }

  Result<std::string> CellText() {
    if (type_ == "s") {
      if (value_.empty()) return std::string();
      const auto index = ParseDigits(value_);
      if (!index) {
        return NotXlsx(where_, fmt::format("cell {}: \"{}\" is not a shared string index",
                                           CellName(), Printable(value_)));
      }
      if (*index >= strings_.size()) {
        return NotXlsx(where_, fmt::format("cell {}: shared string {} does not exist (the table "
                                           "has {})",
                                           CellName(), *index, strings_.size()));
      }
      return std::string(strings_.At(static_cast<std::size_t>(*index)));
    }
    if (type_ == "inlineStr") return std::move(inline_);
    if (type_ == "str" || type_ == "e" || type_ == "d") return std::move(value_);
    if (type_ == "b") {
      if (value_.empty()) return std::string();
      if (value_ == "1") return std::string("true");
      if (value_ == "0") return std::string("false");
      return NotXlsx(
          where_, fmt::format("cell {}: \"{}\" is not a boolean", CellName(), Printable(value_)));
    }
    if (type_ != "n") {
      return NotXlsx(
          where_, fmt::format("cell {}: unknown cell type \"{}\"", CellName(), Printable(type_)));
    }
    if (value_.empty()) return std::string();
    double number = 0;
    const auto [end, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), number);
    if (ec != std::errc() || end != value_.data() + value_.size() || !std::isfinite(number)) {
      return NotXlsx(where_,
                     fmt::format("cell {}: \"{}\" is not a number", CellName(), Printable(value_)));
    }
    if (style_ < date_styles_.size() && date_styles_[static_cast<std::size_t>(style_)]) {
      if (auto date = FormatSerialDate(number, date1904_)) return std::move(*date);
    }
    return FormatNumber(number);
  }

  Status EndCell() {
    auto text = CellText();
    if (!text) return std::unexpected(std::move(text.error()));
    if (text->empty()) return {};
    if (usage_.cells >= limits_.max_cells) {
      return TooLarge(where_, fmt::format("more than {} non-empty cells in the workbook (at cell "
                                          "{})",
                                          limits_.max_cells, CellName()));
    }
    const std::size_t slots = column_ + 1 - row_.cells.size();
    const std::size_t bytes = slots * sizeof(std::string) + text->size();
    if (usage_.bytes + bytes > limits_.max_book_bytes) {
      return TooLarge(where_, fmt::format("the cells read take more than {} (at cell {})",
                                          Size(limits_.max_book_bytes), CellName()));
    }
    ++usage_.cells;
    usage_.bytes += bytes;
    row_.cells.resize(column_ + 1);
    row_.cells[column_] = std::move(*text);
    return {};
  }

  std::string where_;
  const XlsxLimits& limits_;
  const SharedStrings& strings_;
  const std::vector<bool>& date_styles_;
  bool date1904_;
  BookUsage& usage_;
  XlsxSheet& sheet_;

  XlsxRow row_;
  std::uint64_t last_row_ = 0;
  bool row_implied_ = false;  // the row element had no r attribute
  std::size_t column_ = 0;    // of the current (or last) cell in the row
  bool has_column_ = false;   // a cell of the current row has been seen
  std::string type_;
  std::uint64_t style_ = 0;
  std::string value_;
  std::string inline_;
  bool in_value_ = false;
  bool in_inline_ = false;
};

// ---------------------------------------------------------------------------------------------

Result<XlsxBook> Read(std::string_view bytes, const XlsxLimits& limits) {
  if (bytes.size() > limits.max_file_bytes) {
    return TooLarge("", fmt::format("the file has {} bytes, more than the limit of {}",
                                    bytes.size(), Size(limits.max_file_bytes)));
  }
  if (bytes.empty()) return NotXlsx("", "the file is empty");
  auto package = Package::Open(bytes, limits);
  if (!package) return std::unexpected(std::move(package.error()));

  const std::string content_types = "[Content_Types].xml";
  if (!package->Has(content_types)) return NotXlsx("", "[Content_Types].xml is missing");
  {
    IgnoringReader ignore;
    if (auto ok = package->Read(content_types, content_types, ignore); !ok) {
      return std::unexpected(std::move(ok.error()));
    }
  }

  // The workbook is the package's office document; xl/workbook.xml when the root
  // relationships do not say.
  std::string workbook_part = "xl/workbook.xml";
  const std::string root_rels = "_rels/.rels";
  if (package->Has(root_rels)) {
    RelationshipsReader rels;
    if (auto ok = package->Read(root_rels, root_rels, rels); !ok) {
      return std::unexpected(std::move(ok.error()));
    }
    if (const Relationship* office = rels.OfType("officeDocument")) {
      const auto resolved = ResolveTarget("", office->target);
      if (!resolved) {
        return NotXlsx(root_rels, fmt::format("the workbook target \"{}\" is outside the package",
                                              Printable(office->target)));
      }
      workbook_part = *resolved;
    }
  }
  if (!package->Has(workbook_part)) {
    return NotXlsx("", fmt::format("the workbook part {} is missing", workbook_part));
  }
  WorkbookReader workbook(workbook_part, limits);
  if (auto ok = package->Read(workbook_part, workbook_part, workbook); !ok) {
    return std::unexpected(std::move(ok.error()));
  }
  if (workbook.sheets().empty()) return NotXlsx(workbook_part, "the workbook has no sheets");

  const std::string folder = FolderOf(workbook_part);
  const std::string workbook_rels_part = RelsOf(workbook_part);
  RelationshipsReader workbook_rels;
  if (!package->Has(workbook_rels_part)) {
    return NotXlsx("",
                   fmt::format("the workbook's relationships {} are missing", workbook_rels_part));
  }
  if (auto ok = package->Read(workbook_rels_part, workbook_rels_part, workbook_rels); !ok) {
    return std::unexpected(std::move(ok.error()));
  }

  // The shared strings and styles parts: by relationship, else where Excel puts them.
  auto companion = [&](std::string_view type, std::string_view file) -> std::string {
    if (const Relationship* rel = workbook_rels.OfType(type)) {
      return ResolveTarget(folder, rel->target).value_or("");
    }
    return folder + std::string(file);
  };

  std::vector<bool> date_styles;
  if (const std::string styles_part = companion("styles", "styles.xml");
      !styles_part.empty() && package->Has(styles_part)) {
    StylesReader styles;
    if (auto ok = package->Read(styles_part, styles_part, styles); !ok) {
      return std::unexpected(std::move(ok.error()));
    }
    date_styles = styles.DateStyles();
  }
  SharedStrings strings;
  if (const std::string strings_part = companion("sharedStrings", "sharedStrings.xml");
      !strings_part.empty() && package->Has(strings_part)) {
    SharedStringsReader reader(strings_part, limits, strings);
    if (auto ok = package->Read(strings_part, strings_part, reader); !ok) {
      return std::unexpected(std::move(ok.error()));
    }
  }

  XlsxBook book;
  BookUsage usage;
  for (const SheetEntry& entry : workbook.sheets()) {
    const std::string sheet_where = fmt::format("sheet \"{}\"", entry.name);
    const auto rel = workbook_rels.relationships().find(entry.relationship_id);
    if (rel == workbook_rels.relationships().end() || rel->second.external) {
      return NotXlsx(sheet_where,
                     fmt::format("its relationship \"{}\" is missing from {}",
                                 Printable(entry.relationship_id), workbook_rels_part));
    }
    if (!TypeIs(rel->second.type, "worksheet")) continue;  // chart and dialog sheets hold no cells
    const auto part = ResolveTarget(folder, rel->second.target);
    if (!part) {
      return NotXlsx(sheet_where, fmt::format("the target \"{}\" is outside the package",
                                              Printable(rel->second.target)));
    }
    if (!package->Has(*part)) {
      return NotXlsx(sheet_where, fmt::format("its part {} is missing", *part));
    }
    XlsxSheet& sheet = book.sheets.emplace_back();
    sheet.name = entry.name;
    SheetReader reader(fmt::format("{} ({})", sheet_where, *part), limits, strings, date_styles,
                       workbook.date1904(), usage, sheet);
    if (auto ok = package->Read(*part, reader.where(), reader); !ok) {
      return std::unexpected(std::move(ok.error()));
    }
  }
  return book;
}

}  // namespace

Result<XlsxBook> ReadXlsx(std::string_view bytes, const XlsxLimits& limits) {
  // The reader allocates only through the standard library and the two C libraries; a failed
  // allocation in our own code is reported rather than thrown out of the API.
  try {
    return Read(bytes, limits);
  } catch (const std::bad_alloc&) {
    return Internal("reading the .xlsx: out of memory");
  } catch (const std::length_error&) {
    return Internal("reading the .xlsx: out of memory");
  }
}

std::string XlsxColumnName(std::size_t index) {
  std::string name;
  std::size_t n = index + 1;
  while (n > 0) {
    const std::size_t digit = (n - 1) % 26;
    name.insert(name.begin(), static_cast<char>('A' + digit));
    n = (n - 1) / 26;
  }
  return name;
}

std::string XlsxCellRef(std::size_t column, int row) {
  return XlsxColumnName(column) + std::to_string(row);
}

}  // namespace planwatch
