#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "planwatch/storage/audit.h"

namespace planwatch {
namespace {

constexpr std::string_view kEventTag = "planwatch audit event v1";
constexpr std::string_view kCheckpointTag = "planwatch audit checkpoint v1";
constexpr std::size_t kPublicKeyBytes = crypto_sign_PUBLICKEYBYTES;
constexpr std::size_t kSignatureBytes = crypto_sign_BYTES;

// libsodium is ready before its first use; sodium_init is idempotent and thread-safe.
bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

thread_local AuditContext current_context{"system", "", ""};

// Appends `field` as an 8-byte big-endian length followed by its bytes: no two different
// sequences of fields encode alike.
void AppendField(std::string& out, std::string_view field) {
  std::uint64_t size = field.size();
  char prefix[8];
  for (int i = 7; i >= 0; --i) {
    prefix[i] = static_cast<char>(size & 0xff);
    size >>= 8;
  }
  out.append(prefix, sizeof prefix);
  out.append(field);
}

std::string Hex(const unsigned char* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();  // the terminating NUL
  return hex;
}

bool IsLowerHex64(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Decodes standard padded base64 of exactly `size` bytes.
bool DecodeBase64(std::string_view text, unsigned char* out, std::size_t size) {
  if (!SodiumReady()) return false;
  std::size_t decoded = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out, size, text.data(), text.size(), nullptr, &decoded, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  return decoded == size && end == text.data() + text.size();
}

bool IsDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "YYYY-MM-DDTHH:MM:SSZ" with an optional fraction of 1 to 9 digits before the Z.
bool IsUtcInstant(std::string_view text) {
  if (text.size() < 20 || text.back() != 'Z') return false;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return false;
  }
  for (std::size_t at : {0, 5, 8, 11, 14, 17}) {
    if (!IsDigits(text.substr(at, at == 0 ? 4 : 2))) return false;
  }
  const std::string_view rest = text.substr(19, text.size() - 20);
  if (rest.empty()) return true;
  return rest[0] == '.' && rest.size() >= 2 && rest.size() <= 10 && IsDigits(rest.substr(1));
}

std::string Range(std::int64_t from, std::int64_t to) {
  if (from == to) return "event " + std::to_string(from) + " is missing";
  return "events " + std::to_string(from) + " to " + std::to_string(to) + " are missing";
}

}  // namespace

AuditContextScope::AuditContextScope(AuditContext context)
    : saved_(std::exchange(current_context, std::move(context))) {}

AuditContextScope::~AuditContextScope() { current_context = std::move(saved_); }

const AuditContext& CurrentAuditContext() { return current_context; }

std::string AuditEventHash(const AuditEvent& event) {
  std::string encoded;
  encoded.reserve(512);
  AppendField(encoded, kEventTag);
  AppendField(encoded, std::to_string(event.seq));
  for (const std::string* field :
       {&event.at, &event.actor, &event.address, &event.action, &event.table, &event.row_key,
        &event.operation, &event.subject_kind, &event.subject_id, &event.before_digest,
        &event.after_digest, &event.prev_hash}) {
    AppendField(encoded, *field);
  }
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(encoded.data()),
                     encoded.size());
  return Hex(digest.data(), digest.size());
}

std::string AuditCheckpointMessage(const AuditCheckpoint& checkpoint) {
  std::string message;
  AppendField(message, kCheckpointTag);
  AppendField(message, std::to_string(checkpoint.seq));
  AppendField(message, checkpoint.head_hash);
  AppendField(message, checkpoint.at);
  AppendField(message, checkpoint.public_key);
  return message;
}

bool AuditCheckpointSignatureValid(const AuditCheckpoint& checkpoint) {
  std::array<unsigned char, kPublicKeyBytes> key;
  std::array<unsigned char, kSignatureBytes> signature;
  if (!DecodeBase64(checkpoint.public_key, key.data(), key.size()) ||
      !DecodeBase64(checkpoint.signature, signature.data(), signature.size())) {
    return false;
  }
  const std::string message = AuditCheckpointMessage(checkpoint);
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.data()) == 0;
}

std::string AuditCheckpointJson(const AuditCheckpoint& checkpoint) {
  nlohmann::ordered_json json;
  json["seq"] = checkpoint.seq;
  json["head_hash"] = checkpoint.head_hash;
  json["at"] = checkpoint.at;
  json["public_key"] = checkpoint.public_key;
  json["signature"] = checkpoint.signature;
  // Replacement of invalid UTF-8 keeps dump() from throwing on a checkpoint that was never valid.
  return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<AuditCheckpoint> ParseAuditCheckpoint(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return InvalidArgument("audit checkpoint: not valid JSON");
  if (!json.is_object()) return InvalidArgument("audit checkpoint: not a JSON object");
  static constexpr std::array<std::string_view, 5> kFields = {"seq", "head_hash", "at",
                                                              "public_key", "signature"};
  for (const auto& [name, value] : json.items()) {
    if (std::find(kFields.begin(), kFields.end(), name) == kFields.end()) {
      return InvalidArgument("audit checkpoint: unknown field '" + name + "'");
    }
  }
  for (std::string_view name : kFields) {
    if (!json.contains(name)) {
      return InvalidArgument("audit checkpoint: field '" + std::string(name) + "' is missing");
    }
  }
  auto text_field = [&](std::string_view name) -> Result<std::string> {
    const auto& value = json.at(name);
    if (!value.is_string()) {
      return InvalidArgument("audit checkpoint: field '" + std::string(name) +
                             "' must be a string");
    }
    return value.get<std::string>();
  };

  AuditCheckpoint checkpoint;
  const auto& seq = json.at("seq");
  const bool small_enough =
      seq.is_number_integer() &&
      (seq.is_number_unsigned()
           ? seq.get<std::uint64_t>() <=
                 static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
           : true);
  if (!small_enough || seq.get<std::int64_t>() < 1) {
    return InvalidArgument("audit checkpoint: field 'seq' must be an integer >= 1, not " +
                           seq.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  checkpoint.seq = seq.get<std::int64_t>();

  auto head_hash = text_field("head_hash");
  if (!head_hash) return std::unexpected(std::move(head_hash).error());
  if (!IsLowerHex64(*head_hash)) {
    return InvalidArgument("audit checkpoint: field 'head_hash' must be 64 lower-case hex digits");
  }
  checkpoint.head_hash = std::move(*head_hash);

  auto at = text_field("at");
  if (!at) return std::unexpected(std::move(at).error());
  if (!IsUtcInstant(*at)) {
    return InvalidArgument(
        "audit checkpoint: field 'at' must be an instant YYYY-MM-DDTHH:MM:SS[.fff]Z");
  }
  checkpoint.at = std::move(*at);

  auto public_key = text_field("public_key");
  if (!public_key) return std::unexpected(std::move(public_key).error());
  std::array<unsigned char, kPublicKeyBytes> key;
  if (!DecodeBase64(*public_key, key.data(), key.size())) {
    return InvalidArgument(
        "audit checkpoint: field 'public_key' must be standard base64 of 32 bytes");
  }
  checkpoint.public_key = std::move(*public_key);

  auto signature = text_field("signature");
  if (!signature) return std::unexpected(std::move(signature).error());
  std::array<unsigned char, kSignatureBytes> bytes;
  if (!DecodeBase64(*signature, bytes.data(), bytes.size())) {
    return InvalidArgument(
        "audit checkpoint: field 'signature' must be standard base64 of 64 bytes");
  }
  checkpoint.signature = std::move(*signature);
  return checkpoint;
}

void AuditChainVerifier::Report(std::int64_t seq, std::string message) {
  problems_.push_back(Problem{seq, std::move(message)});
}

void AuditChainVerifier::Expect(std::int64_t seq) {
  auto it = std::lower_bound(kept_.begin(), kept_.end(), seq,
                             [](const Kept& kept, std::int64_t s) { return kept.seq < s; });
  if (it == kept_.end() || it->seq != seq) kept_.insert(it, Kept{seq, std::nullopt});
}

void AuditChainVerifier::Add(const AuditEvent& event) {
  const std::string name = "event " + std::to_string(event.seq);
  if (AuditEventHash(event) != event.hash) {
    Report(event.seq, name + ": hash does not match its content (edited?)");
  }
  if (events_ > 0) {
    const std::string follows = name + " follows event " + std::to_string(last_seq_);
    if (event.seq == last_seq_) {
      Report(event.seq, name + " appears twice");
    } else if (event.seq < last_seq_) {
      Report(event.seq, follows + ": out of order");
    } else if (event.seq > last_seq_ + 1) {
      Report(event.seq, follows + ": " + Range(last_seq_ + 1, event.seq - 1));
    }
    if (event.prev_hash != head_hash_) {
      Report(event.seq, name + ": prev_hash is not the hash of event " + std::to_string(last_seq_) +
                            " (deleted, inserted or reordered?)");
    }
  } else {
    if (event.seq > 1) {
      Report(event.seq, name + " is the first: " + Range(1, event.seq - 1));
    } else if (event.seq < 1) {
      Report(event.seq, name + ": seq must be 1 or more");
    }
    if (event.seq <= 1 && event.prev_hash != kAuditGenesisHash) {
      Report(event.seq, name + ": prev_hash is not the genesis hash");
    } else if (event.seq > 1 && event.prev_hash == kAuditGenesisHash) {
      Report(event.seq, name + ": prev_hash is the genesis hash of event 1");
    }
  }
  auto it = std::lower_bound(kept_.begin(), kept_.end(), event.seq,
                             [](const Kept& kept, std::int64_t s) { return kept.seq < s; });
  if (it != kept_.end() && it->seq == event.seq && !it->hash) it->hash = event.hash;
  ++events_;
  last_seq_ = event.seq;
  head_hash_ = event.hash;
}

void AuditChainVerifier::Check(const AuditCheckpoint& checkpoint,
                               std::optional<std::string_view> expected_key) {
  const std::string name = "checkpoint at event " + std::to_string(checkpoint.seq);
  if (expected_key && checkpoint.public_key != *expected_key) {
    Report(checkpoint.seq, name + ": signed by key " + checkpoint.public_key +
                               ", not the expected key " + std::string(*expected_key));
  }
  if (!AuditCheckpointSignatureValid(checkpoint)) {
    Report(checkpoint.seq, name + ": signature is not valid");
  }
  if (checkpoint.seq < 1) {
    Report(checkpoint.seq, name + ": seq must be 1 or more");
    return;
  }
  if (events_ == 0) {
    Report(checkpoint.seq, name + ": the chain is empty (truncated?)");
    return;
  }
  if (checkpoint.seq > last_seq_) {
    Report(checkpoint.seq,
           name + ": the chain ends at event " + std::to_string(last_seq_) + " (tail truncated?)");
    return;
  }
  std::optional<std::string> hash;
  auto it = std::lower_bound(kept_.begin(), kept_.end(), checkpoint.seq,
                             [](const Kept& kept, std::int64_t s) { return kept.seq < s; });
  if (it != kept_.end() && it->seq == checkpoint.seq) {
    if (!it->hash) {
      Report(checkpoint.seq,
             name + ": event " + std::to_string(checkpoint.seq) + " is missing (deleted?)");
      return;
    }
    hash = it->hash;
  } else if (checkpoint.seq == last_seq_) {
    hash = head_hash_;
  } else {
    Report(checkpoint.seq, name + ": its event's hash was not kept (Expect() not called)");
    return;
  }
  if (*hash != checkpoint.head_hash) {
    Report(checkpoint.seq, name + ": the signed hash is not event " +
                               std::to_string(checkpoint.seq) + "'s hash (chain rewritten?)");
  }
}

}  // namespace planwatch
