#include "ingest/sealed_log_entry.h"

#include <cstring>

#include "common/storage/key_encoding.h"
#include "ingest/log_entry_codec.h"
#include "ingest/privacy/subject_key_store.h"

namespace clientele::ingest {
namespace {

constexpr size_t kKeyCheckBytes = 8;
constexpr char kEventTag = (4 << 3) | 2;
constexpr char kErasedTag = (5 << 3) | 0;
constexpr char kKeyCheckLabel[] = "clientele.ingest.key_check.v1";

std::string KeyCheck(const privacy::DataKey& key) {
  unsigned char digest[32];
  privacy::Sha256(kKeyCheckLabel,
                  std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), digest);
  return std::string(reinterpret_cast<const char*>(digest), kKeyCheckBytes);
}

std::string Aad(uint32_t partition, uint64_t sequence, std::string_view tail) {
  std::string aad;
  aad.reserve(12 + tail.size());
  storage::AppendUint32(aad, partition);
  storage::AppendUint64(aad, sequence);
  aad.append(tail);
  return aad;
}

// Reads a varint length from the front of `in`; false if malformed or beyond `in`.
bool TakeLength(std::string_view& in, std::string_view* part) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const auto byte = static_cast<unsigned char>(in[0]);
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      if (v > in.size()) return false;
      *part = in.substr(0, v);
      in.remove_prefix(v);
      return true;
    }
  }
  return false;
}

}  // namespace

absl::Status EncodeSealedLogEntry(uint32_t partition, uint64_t sequence, absl::Time ingested_at,
                                  const common::v1::Event& event, std::string_view ref,
                                  const privacy::DataKey& key, std::string_view nonce,
                                  std::string* out) {
  common::v1::Event stub;
  stub.set_event_id(event.event_id());
  stub.set_channel(event.channel());
  if (event.has_occurred_at()) *stub.mutable_occurred_at() = event.occurred_at();
  std::string header;
  AppendLogEntryHeader(partition, sequence, ingested_at, &header);
  const std::string stub_bytes = stub.SerializeAsString();
  const std::string plaintext = event.SerializeAsString();

  out->clear();
  out->reserve(2 + ref.size() + kKeyCheckBytes + header.size() + stub_bytes.size() +
               plaintext.size() + privacy::kSealOverhead + 8);
  out->push_back(static_cast<char>(kSealedFlag | PayloadTypeOf(event)));
  out->push_back(static_cast<char>(kSealedVersion));
  out->append(ref);
  out->append(KeyCheck(key));
  AppendWireVarint(header.size(), out);
  out->append(header);
  AppendWireVarint(stub_bytes.size(), out);
  out->append(stub_bytes);
  return privacy::Seal(key, nonce, Aad(partition, sequence, *out), plaintext, out);
}

std::optional<SealedLogEntry> ParseSealedLogEntry(std::string_view stored) {
  if (!IsSealedStoredEntry(stored) || stored.size() < 2 ||
      static_cast<unsigned char>(stored[1]) != kSealedVersion) {
    return std::nullopt;
  }
  std::string_view in = stored.substr(2);
  if (in.size() < privacy::kSubjectRefBytes + kKeyCheckBytes) return std::nullopt;
  SealedLogEntry entry;
  entry.ref = in.substr(0, privacy::kSubjectRefBytes);
  entry.key_check = in.substr(privacy::kSubjectRefBytes, kKeyCheckBytes);
  in.remove_prefix(privacy::kSubjectRefBytes + kKeyCheckBytes);
  if (!TakeLength(in, &entry.header) || !TakeLength(in, &entry.stub)) return std::nullopt;
  if (in.size() < privacy::kSealOverhead) return std::nullopt;
  entry.aad_tail = stored.substr(0, stored.size() - in.size());
  entry.sealed = in;
  return entry;
}

absl::Status OpenSealedLogEntry(const SealedLogEntry& entry, uint32_t partition, uint64_t sequence,
                                const std::optional<privacy::DataKey>& key, std::string* out) {
  out->assign(entry.header);
  if (key.has_value() && KeyCheck(*key) == entry.key_check) {
    // GCM keeps the length: the event's bytes are as long as the ciphertext.
    out->push_back(kEventTag);
    AppendWireVarint(entry.sealed.size() - privacy::kSealOverhead, out);
    return privacy::Open(*key, Aad(partition, sequence, entry.aad_tail), entry.sealed, out);
  }
  // The key that sealed the entry is gone: only the stub is left to tell.
  out->push_back(kEventTag);
  AppendWireVarint(entry.stub.size(), out);
  out->append(entry.stub);
  out->push_back(kErasedTag);
  out->push_back(1);
  return absl::OkStatus();
}

}  // namespace clientele::ingest
