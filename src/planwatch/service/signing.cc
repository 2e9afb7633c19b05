#include "planwatch/service/signing.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/text.h"
#include "planwatch/service/accounts.h"

namespace planwatch {
namespace {

constexpr std::string_view kFormat = "planwatch-signed-report";
constexpr int kVersion = 1;
constexpr std::string_view kAlgorithm = "ed25519";
constexpr std::size_t kInstanceKeyBytes = 32;
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kInstanceKeyBytes);
static_assert(crypto_sign_PUBLICKEYBYTES == 32 && crypto_sign_BYTES == 64);

using SecretKey = std::array<unsigned char, crypto_sign_SECRETKEYBYTES>;
using PublicKey = std::array<unsigned char, crypto_sign_PUBLICKEYBYTES>;

std::string Quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string SystemReason(int error) { return std::strerror(error); }

// ---- base64 ----

std::string EncodeBase64(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

// The `size` bytes whose canonical padded base64 is exactly `text`; none otherwise. The
// re-encoding check rejects encodings with non-zero spare bits, which decode to the same bytes.
std::optional<std::string> DecodeBase64Exact(std::string_view text, std::size_t size) {
  std::string bytes(size + 3, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), nullptr, &length, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size() || length != size) {
    return std::nullopt;
  }
  bytes.resize(size);
  if (EncodeBase64(reinterpret_cast<const unsigned char*>(bytes.data()), size) != text) {
    return std::nullopt;
  }
  return bytes;
}

// ---- instants ----

bool Digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

// "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" with a real date and time.
bool IsUtcInstant(std::string_view text) {
  if (text.size() < 20 || text.back() != 'Z') return false;
  if (text[10] != 'T' || text[13] != ':' || text[16] != ':') return false;
  if (!Date::Parse(text.substr(0, 10))) return false;
  const std::string_view hh = text.substr(11, 2), mm = text.substr(14, 2), ss = text.substr(17, 2);
  if (!Digits(hh) || !Digits(mm) || !Digits(ss)) return false;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return false;
  const std::string_view rest = text.substr(19, text.size() - 20);
  if (rest.empty()) return true;
  return rest[0] == '.' && rest.size() >= 2 && rest.size() <= 10 && Digits(rest.substr(1));
}

// ---- JSON ----

// What is signed: the file's fields without the signature value, canonical.
Result<std::string> SignedMessage(std::string_view content, const ReportSignature& sig) {
  nlohmann::json message = {
      {"format", kFormat},
      {"version", kVersion},
      {"content", std::string(content)},
      {"signature",
       {{"key", sig.key.value},
        {"algorithm", sig.algorithm},
        {"public_key", sig.public_key},
        {"signer_login", sig.signer_login},
        {"signer_name", sig.signer_name},
        {"signed_at", sig.signed_at}}},
  };
  return CanonicalJsonChecked(message);
}

// Line and column (1-based) of byte `offset` of `text`.
std::string Where(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Parses `text` as JSON, rejecting duplicate keys (which a plain parse would silently collapse
// to the last one, so a reader and the verifier could see different values). `what` names the
// text in errors.
Result<nlohmann::json> ParseStrictJson(std::string_view text, std::string_view what) {
  if (auto bad = FirstInvalidUtf8(text)) {
    return InvalidArgument(std::string(what) + " is not valid UTF-8 at byte " +
                           std::to_string(*bad) + " (" + Where(text, *bad) + ")");
  }
  std::vector<std::set<std::string>> open_objects;
  std::optional<std::string> duplicate;
  auto callback = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) {
      open_objects.emplace_back();
    } else if (event == Event::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == Event::key && !open_objects.empty()) {
      std::string key = parsed.get<std::string>();
      if (!open_objects.back().insert(key).second && !duplicate) duplicate = std::move(key);
    }
    return true;
  };
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text.begin(), text.end(), callback);
  } catch (const nlohmann::json::parse_error& e) {
    const std::size_t offset = e.byte == 0 ? 0 : e.byte - 1;
    std::string reason = e.what();
    // nlohmann's text: "[json.exception.parse_error.101] parse error at line 1, column 2: …".
    if (auto colon = reason.find(": "); colon != std::string::npos) {
      reason = reason.substr(colon + 2);
    }
    return InvalidArgument(std::string(what) + " is not JSON at " + Where(text, offset) + ": " +
                           reason);
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(std::string(what) + " is not JSON: " + e.what());
  }
  if (duplicate) {
    return InvalidArgument(std::string(what) + " has the key " + Quoted(*duplicate) +
                           " twice in one object");
  }
  return value;
}

// Reads the fields of one object, reporting the first missing, mistyped or unknown one.
class FieldReader {
 public:
  FieldReader(const nlohmann::json& object, std::string prefix)
      : object_(object), prefix_(std::move(prefix)) {}

  Result<std::string> String(const char* name) {
    auto field = Field(name);
    if (!field) return std::unexpected(field.error());
    if (!(*field)->is_string()) return InvalidArgument(Name(name) + " must be a string");
    return (*field)->get<std::string>();
  }

  Result<std::int64_t> PositiveInteger(const char* name) {
    auto field = Field(name);
    if (!field) return std::unexpected(field.error());
    const nlohmann::json& v = **field;
    if (v.is_number_unsigned() && v.get<std::uint64_t>() <= INT64_MAX &&
        v.get<std::uint64_t>() > 0) {
      return static_cast<std::int64_t>(v.get<std::uint64_t>());
    }
    if (v.is_number_integer() && v.get<std::int64_t>() > 0) return v.get<std::int64_t>();
    return InvalidArgument(Name(name) + " must be a positive integer");
  }

  Result<const nlohmann::json*> Field(const char* name) {
    seen_.insert(name);
    auto it = object_.find(name);
    if (it == object_.end()) return InvalidArgument(Name(name) + " is missing");
    return &*it;
  }

  // invalid_argument naming the first field not asked for.
  Status NoOthers() const {
    for (const auto& [key, value] : object_.items()) {
      if (!seen_.contains(key)) return InvalidArgument("unknown field " + Quoted(prefix_ + key));
    }
    return {};
  }

 private:
  std::string Name(const char* name) const { return "field " + Quoted(prefix_ + name); }

  const nlohmann::json& object_;
  std::string prefix_;
  std::set<std::string> seen_;
};

std::unexpected<Error> Malformed(const Error& error) {
  return InvalidArgument("malformed signed report: " + error.message);
}

// ---- sealed secret keys ----

std::string SealAd(UserId user, std::string_view public_key) {
  return "planwatch-signing-key/1 user=" + std::to_string(user.value) +
         " public_key=" + std::string(public_key);
}

std::string Seal(const SecretKey& secret, UserId user, std::string_view public_key,
                 const InstanceKey& key) {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::vector<unsigned char> sealed(kNonce + secret.size() +
                                    crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(sealed.data(), kNonce);
  const std::string ad = SealAd(user, public_key);
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(sealed.data() + kNonce, &length, secret.data(),
                                             secret.size(),
                                             reinterpret_cast<const unsigned char*>(ad.data()),
                                             ad.size(), nullptr, sealed.data(), key.bytes.data());
  return EncodeBase64(sealed.data(), kNonce + length);
}

// The secret key of `record`; internal when it cannot be opened with `key` or does not belong
// to the stored public key.
Result<SecretKey> Unseal(const SigningKeyRecord& record, const InstanceKey& key) {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  constexpr std::size_t kSealed =
      kNonce + crypto_sign_SECRETKEYBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  const std::string subject = "signing key " + std::to_string(record.id.value) + " of user " +
                              std::to_string(record.user.value);
  auto sealed = DecodeBase64Exact(record.sealed_secret, kSealed);
  auto public_key = DecodeBase64Exact(record.public_key, crypto_sign_PUBLICKEYBYTES);
  if (!sealed || !public_key) return Internal(subject + " is malformed in the database");
  const auto* bytes = reinterpret_cast<const unsigned char*>(sealed->data());
  const std::string ad = SealAd(record.user, record.public_key);
  SecretKey secret;
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(secret.data(), &length, nullptr, bytes + kNonce,
                                                 kSealed - kNonce,
                                                 reinterpret_cast<const unsigned char*>(ad.data()),
                                                 ad.size(), bytes, key.bytes.data()) != 0 ||
      length != secret.size()) {
    return Internal(subject +
                    " cannot be decrypted with this instance key (is it the key file that "
                    "belongs to this database?)");
  }
  PublicKey derived;
  crypto_sign_ed25519_sk_to_pk(derived.data(), secret.data());
  const bool matches = std::memcmp(derived.data(), public_key->data(), derived.size()) == 0;
  if (!matches) {
    sodium_memzero(secret.data(), secret.size());
    return Internal(subject + " does not match its stored public key");
  }
  return secret;
}

// ---- the instance key file ----

// Closes a file descriptor on scope exit.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, reporting the error (a deferred write error shows up here).
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::unexpected<Error> KeyFileError(const std::string& path, std::string reason) {
  return Fail(ErrorCode::kFailedPrecondition,
              "instance key file " + Quoted(path) + " " + std::move(reason));
}

// Reads an existing key file; errno ENOENT is reported as not_found.
Result<InstanceKey> ReadInstanceKey(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int error = errno;
    if (error == ENOENT) return NotFound("instance key file " + Quoted(path) + " does not exist");
    return KeyFileError(path, "cannot be opened: " + SystemReason(error));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return KeyFileError(path, "cannot be examined: " + SystemReason(errno));
  }
  if (!S_ISREG(info.st_mode)) return KeyFileError(path, "is not a regular file");
  if ((info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return KeyFileError(path, std::string("is accessible by group or others (mode ") + mode +
                                  "); restrict it with chmod 600");
  }
  if (info.st_size != static_cast<off_t>(kInstanceKeyBytes)) {
    return KeyFileError(path, "has " + std::to_string(info.st_size) +
                                  " bytes; it must hold "
                                  "exactly 32");
  }
  InstanceKey key{};
  std::size_t done = 0;
  while (done < key.bytes.size()) {
    const ssize_t n = ::read(fd.get(), key.bytes.data() + done, key.bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      sodium_memzero(key.bytes.data(), key.bytes.size());
      return KeyFileError(path, n == 0 ? std::string("ended before 32 bytes")
                                       : "cannot be read: " + SystemReason(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return key;
}

// Writes a fresh key to a temporary file beside `path` and links it into place; conflict when
// `path` appeared meanwhile (another process created it first).
Result<InstanceKey> CreateInstanceKey(const std::string& path) {
  InstanceKey key{};
  randombytes_buf(key.bytes.data(), key.bytes.size());
  std::string temp = path + ".tmp-XXXXXX";
  FileDescriptor fd(::mkstemp(temp.data()));  // mode 0600
  if (fd.get() < 0) return KeyFileError(path, "cannot be created: " + SystemReason(errno));
  auto fail = [&](std::string reason) {
    ::unlink(temp.c_str());
    sodium_memzero(key.bytes.data(), key.bytes.size());
    return KeyFileError(path, std::move(reason));
  };
  std::size_t done = 0;
  while (done < key.bytes.size()) {
    const ssize_t n = ::write(fd.get(), key.bytes.data() + done, key.bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("cannot be written: " + SystemReason(errno));
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd.get(), 0600) != 0 || ::fsync(fd.get()) != 0 || fd.Close() != 0) {
    return fail("cannot be written: " + SystemReason(errno));
  }
  // link() never replaces an existing file, unlike rename(): the first creator wins.
  if (::link(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    sodium_memzero(key.bytes.data(), key.bytes.size());
    if (error == EEXIST) return Conflict("instance key file " + Quoted(path) + " appeared");
    return KeyFileError(path, "cannot be created: " + SystemReason(error));
  }
  ::unlink(temp.c_str());
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  FileDescriptor dir(::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0) {
    return KeyFileError(path,
                        "was created but its folder cannot be synced: " + SystemReason(errno));
  }
  return key;
}

}  // namespace

// ---- public functions ----

Result<InstanceKey> LoadOrCreateInstanceKey(const std::string& path, bool create) {
  if (auto ready = InitCrypto(); !ready) return std::unexpected(ready.error());
  auto existing = ReadInstanceKey(path);
  if (existing || existing.error().code != ErrorCode::kNotFound || !create) return existing;
  auto created = CreateInstanceKey(path);
  if (!created && created.error().code == ErrorCode::kConflict) return ReadInstanceKey(path);
  return created;
}

std::string DefaultKeyPath(std::string_view db_path) {
  if (!IsPostgresLocation(db_path)) return std::string(db_path) + ".key";
  std::string_view rest = db_path.substr(db_path.find("://") + 3);
  const std::size_t slash = rest.find('/');
  std::string name(slash == std::string_view::npos ? "planwatch" : rest.substr(slash + 1));
  name = name.substr(0, name.find('?'));
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
  }
  return (name.empty() ? std::string("planwatch") : name) + ".key";
}

Result<std::string> CanonicalJsonChecked(const nlohmann::json& value) {
  try {
    return value.dump();
  } catch (const nlohmann::json::type_error& e) {
    return InvalidArgument(std::string("JSON text is not valid UTF-8: ") + e.what());
  }
}

std::string CanonicalJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Signer::Signer(InstanceKey key) : key_(key) {}

Signer::~Signer() { sodium_memzero(key_.bytes.data(), key_.bytes.size()); }

Result<ReportSignature> Signer::Sign(Transaction& tx, const UserRecord& signer,
                                     std::string_view content, std::string_view signed_at) {
  if (auto ready = InitCrypto(); !ready) return std::unexpected(ready.error());
  if (!signer.id) return InvalidArgument("signer " + Quoted(signer.login) + " has no user id");
  if (!IsUtcInstant(signed_at)) {
    return InvalidArgument("signed_at " + Quoted(signed_at) +
                           " is not an ISO 8601 UTC instant (2025-06-20T08:15:00.123Z)");
  }
  if (auto bad = FirstInvalidUtf8(content)) {
    return InvalidArgument("content to sign is not valid UTF-8 at byte " + std::to_string(*bad));
  }
  if (FirstInvalidUtf8(signer.login) || FirstInvalidUtf8(signer.display_name)) {
    return InvalidArgument("signer " + std::to_string(signer.id.value) +
                           ": login or display name is not valid UTF-8");
  }
  auto keys = tx.SigningKeys(signer.id);
  if (!keys) return std::unexpected(keys.error());
  const auto current = std::find_if(keys->rbegin(), keys->rend(),
                                    [](const SigningKeyRecord& k) { return k.retired_at.empty(); });

  SecretKey secret;
  SigningKeyRecord record;
  if (current != keys->rend()) {
    auto opened = Unseal(*current, key_);
    if (!opened) return std::unexpected(opened.error());
    secret = *opened;
    sodium_memzero(opened->data(), opened->size());
    record = *current;
  } else {
    PublicKey public_key;
    crypto_sign_keypair(public_key.data(), secret.data());
    record.user = signer.id;
    record.public_key = EncodeBase64(public_key.data(), public_key.size());
    record.sealed_secret = Seal(secret, signer.id, record.public_key, key_);
    auto id = tx.PutSigningKey(record);
    if (!id) {
      sodium_memzero(secret.data(), secret.size());
      return std::unexpected(id.error());
    }
    record.id = *id;
  }

  ReportSignature sig{.key = record.id,
                      .algorithm = std::string(kAlgorithm),
                      .public_key = record.public_key,
                      .signature = {},
                      .signer_login = signer.login,
                      .signer_name = signer.display_name,
                      .signed_at = std::string(signed_at)};
  auto message = SignedMessage(content, sig);
  if (!message) {
    sodium_memzero(secret.data(), secret.size());
    return std::unexpected(message.error());
  }
  std::array<unsigned char, crypto_sign_BYTES> signature;
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(message->data()), message->size(),
                       secret.data());
  sodium_memzero(secret.data(), secret.size());
  sig.signature = EncodeBase64(signature.data(), signature.size());
  return sig;
}

Result<bool> Signer::Check(StoreReader& store, const ReportSignature& sig,
                           std::string_view content) {
  if (auto ready = InitCrypto(); !ready) return std::unexpected(ready.error());
  auto record = store.SigningKey(sig.key);
  if (!record) return std::unexpected(record.error());
  if (sig.algorithm != kAlgorithm || sig.public_key != record->public_key) return false;
  auto public_key = DecodeBase64Exact(record->public_key, crypto_sign_PUBLICKEYBYTES);
  if (!public_key) {
    return Internal("signing key " + std::to_string(record->id.value) +
                    " is malformed in the database");
  }
  auto signature = DecodeBase64Exact(sig.signature, crypto_sign_BYTES);
  if (!signature) return false;
  auto message = SignedMessage(content, sig);
  if (!message) return false;  // Sign never signs text that is not UTF-8
  return crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(signature->data()),
             reinterpret_cast<const unsigned char*>(message->data()), message->size(),
             reinterpret_cast<const unsigned char*>(public_key->data())) == 0;
}

std::string SignedReportFile(std::string_view content, const ReportSignature& sig) {
  nlohmann::ordered_json signature;
  signature["key"] = sig.key.value;
  signature["algorithm"] = sig.algorithm;
  signature["public_key"] = sig.public_key;
  signature["signature"] = sig.signature;
  signature["signer_login"] = sig.signer_login;
  signature["signer_name"] = sig.signer_name;
  signature["signed_at"] = sig.signed_at;
  nlohmann::ordered_json file;
  file["format"] = kFormat;
  file["version"] = kVersion;
  file["content"] = std::string(content);
  file["signature"] = std::move(signature);
  return file.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

Result<VerifiedReport> VerifySignedReportFile(std::string_view file) {
  if (auto ready = InitCrypto(); !ready) return std::unexpected(ready.error());
  auto parsed = ParseStrictJson(file, "the file");
  if (!parsed) return Malformed(parsed.error());
  if (!parsed->is_object()) return InvalidArgument("malformed signed report: not a JSON object");

  FieldReader top(*parsed, "");
  auto format = top.String("format");
  if (!format) return Malformed(format.error());
  if (*format != kFormat) {
    return InvalidArgument("malformed signed report: format " + Quoted(*format) + " is not " +
                           Quoted(kFormat));
  }
  auto version = top.Field("version");
  if (!version) return Malformed(version.error());
  if (!(*version)->is_number_integer()) {
    return InvalidArgument("malformed signed report: field 'version' must be an integer");
  }
  if ((*version)->get<std::int64_t>() != kVersion) {
    return Fail(ErrorCode::kFailedPrecondition,
                "unsupported version " + (*version)->dump() + " of the signed report format " +
                    "(this planwatch reads version " + std::to_string(kVersion) + ")");
  }
  auto content = top.String("content");
  if (!content) return Malformed(content.error());
  auto signature_field = top.Field("signature");
  if (!signature_field) return Malformed(signature_field.error());
  if (auto others = top.NoOthers(); !others) return Malformed(others.error());
  if (!(*signature_field)->is_object()) {
    return InvalidArgument("malformed signed report: field 'signature' must be an object");
  }

  FieldReader fields(**signature_field, "signature.");
  ReportSignature sig;
  auto key = fields.PositiveInteger("key");
  if (!key) return Malformed(key.error());
  sig.key = SigningKeyId{*key};
  for (auto [name, target] :
       {std::pair{"algorithm", &sig.algorithm}, std::pair{"public_key", &sig.public_key},
        std::pair{"signature", &sig.signature}, std::pair{"signer_login", &sig.signer_login},
        std::pair{"signer_name", &sig.signer_name}, std::pair{"signed_at", &sig.signed_at}}) {
    auto text = fields.String(name);
    if (!text) return Malformed(text.error());
    *target = std::move(*text);
  }
  if (auto others = fields.NoOthers(); !others) return Malformed(others.error());
  if (sig.algorithm != kAlgorithm) {
    return InvalidArgument("malformed signed report: signature.algorithm " + Quoted(sig.algorithm) +
                           " is not supported (only ed25519)");
  }
  auto public_key = DecodeBase64Exact(sig.public_key, crypto_sign_PUBLICKEYBYTES);
  if (!public_key) {
    return InvalidArgument(
        "malformed signed report: signature.public_key is not the base64 of 32 bytes");
  }
  auto signature = DecodeBase64Exact(sig.signature, crypto_sign_BYTES);
  if (!signature) {
    return InvalidArgument(
        "malformed signed report: signature.signature is not the base64 of 64 bytes");
  }
  if (!IsUtcInstant(sig.signed_at)) {
    return InvalidArgument("malformed signed report: signature.signed_at " + Quoted(sig.signed_at) +
                           " is not an ISO 8601 UTC instant");
  }

  auto message = SignedMessage(*content, sig);
  if (!message) return Malformed(message.error());
  if (crypto_sign_verify_detached(
          reinterpret_cast<const unsigned char*>(signature->data()),
          reinterpret_cast<const unsigned char*>(message->data()), message->size(),
          reinterpret_cast<const unsigned char*>(public_key->data())) != 0) {
    return Fail(ErrorCode::kFailedPrecondition, "signature does not match the content");
  }
  // Whitespace and escapes are not signed; requiring planwatch's exact layout makes every
  // byte of the file count.
  const std::string expected = SignedReportFile(*content, sig);
  if (expected != file) {
    const auto diff = std::mismatch(expected.begin(), expected.end(), file.begin(), file.end());
    const auto offset = static_cast<std::size_t>(diff.second - file.begin());
    return InvalidArgument(
        "malformed signed report: the file differs from the layout planwatch "
        "writes at byte " +
        std::to_string(offset) + " (" + Where(file, offset) + ")");
  }

  auto report = ParseStrictJson(*content, "the content");
  if (!report) return Malformed(report.error());
  if (!report->is_object()) {
    return InvalidArgument("malformed signed report: the content is not a JSON object");
  }
  return VerifiedReport{.content = std::move(*report), .signature = std::move(sig)};
}

}  // namespace planwatch
