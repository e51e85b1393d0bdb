// The stored form of a sealed log entry: the log entry of an event with a subject (a customer
// source key, docs/ingest.md "Sealed entries"), its event encrypted with the subject's data key.
//
// Stored values are versioned by their first byte. Without its high bit (0x80) the value is
// the plain form of log_entry_codec.h ([u8 PayloadType][LogEntry bytes]): events without a
// subject, and every entry written before sealing existed. With it, the value is sealed:
//
//   [u8 0x80 | PayloadType][u8 version = 1]
//   [32-byte subject reference][8-byte key check]
//   [varint n][n bytes: LogEntry fields 1-3 (partition, sequence, ingested_at)]
//   [varint m][m bytes: the stub Event {event_id, channel, occurred_at}]
//   [12-byte nonce][AES-256-GCM ciphertext of the whole Event's bytes][16-byte tag]
//
// The AAD is the entry's position (u32 partition, u64 sequence, big-endian) followed by every
// stored byte before the nonce, so a sealed payload opens only at its own position under its
// own header. The key check (the first 8 bytes of SHA-256 of a label and the key) tells the
// subject's current key from an earlier, shredded one (after a lifted suppression) without
// revealing anything of either. Stateless functions; thread-safe.
#ifndef CLIENTELE_INGEST_SEALED_LOG_ENTRY_H_
#define CLIENTELE_INGEST_SEALED_LOG_ENTRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clientele/common/v1/event.pb.h"
#include "ingest/privacy/data_key_cipher.h"

namespace clientele::ingest {

inline constexpr unsigned char kSealedFlag = 0x80;
inline constexpr unsigned char kSealedVersion = 1;

inline bool IsSealedStoredEntry(std::string_view stored) {
  return !stored.empty() && (static_cast<unsigned char>(stored[0]) & kSealedFlag) != 0;
}

// Replaces `out` with the sealed stored form of LogEntry{partition, sequence, ingested_at,
// event}. `ref` is the subject's reference (SubjectKeyStore::Reference), `nonce` kNonceBytes
// fresh random bytes.
absl::Status EncodeSealedLogEntry(uint32_t partition, uint64_t sequence, absl::Time ingested_at,
                                  const common::v1::Event& event, std::string_view ref,
                                  const privacy::DataKey& key, std::string_view nonce,
                                  std::string* out);

// The parts of a sealed stored value (views into it).
struct SealedLogEntry {
  std::string_view ref;        // The subject reference.
  std::string_view key_check;  // 8 bytes.
  std::string_view header;     // LogEntry fields 1-3.
  std::string_view stub;       // Event {event_id, channel, occurred_at}.
  std::string_view aad_tail;   // Every byte before the nonce.
  std::string_view sealed;     // Nonce, ciphertext, tag.
};
// nullopt when `stored` is not a well-formed sealed value of a known version.
std::optional<SealedLogEntry> ParseSealedLogEntry(std::string_view stored);

// Replaces `out` with LogEntry bytes for the entry at (partition, sequence): the whole entry
// when `key` is the key that sealed it; when `key` is absent or another (the subject's key was
// shredded), the entry with only the stub event and `erased` set. DataLoss when the payload
// does not authenticate under its own key (damage, or an entry moved to another position).
absl::Status OpenSealedLogEntry(const SealedLogEntry& entry, uint32_t partition, uint64_t sequence,
                                const std::optional<privacy::DataKey>& key, std::string* out);

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_SEALED_LOG_ENTRY_H_
