// How a PII value is masked, decided by what the field holds: the one table of masking rules
// (pii_guard.h applies it to every field marked `(clientele.common.v1.pii)`).
//
//   field holds              kind     masked form
//   e-mail ("*email*")       kEmail   first code point + "***@" + domain: "c***@example.com"
//   phone ("*phone*",        kPhone   every code point '*' except the last two digits:
//     "*mobile*")                     "+905321234501" -> "***********01"
//   a name ("name",          kName    first code point + "***": "Şule" -> "Ş***"; a
//     "*_name")                       one-code-point name -> "*"
//   anything else (street    kClear   removed (the field is cleared: "", 0, unset message,
//     lines, postal codes,            empty repeated field)
//     birth dates, raw rows,
//     ids, bytes, enums ...)
//
// Only `string` fields are masked by kind; a PII field of any other type is cleared.
// Guarantees, for every value not already in masked form: the masked value never contains
// the original (a value whose mask would reveal it whole, e.g. a one-letter name or a
// two-character phone, is starred out entirely). Every mask is idempotent: masking a masked
// value returns it unchanged, so a response masked twice (Customer 360 parts, then the
// front) reads the same.
#ifndef CLIENTELE_GATEWAY_PII_PII_MASK_RULES_H_
#define CLIENTELE_GATEWAY_PII_PII_MASK_RULES_H_

#include <string>
#include <string_view>

#include "google/protobuf/descriptor.h"

namespace clientele::gateway {

enum class PiiKind { kEmail, kPhone, kName, kClear };

// The kind of a PII field, from its name and type (see the table above).
PiiKind PiiKindOf(const google::protobuf::FieldDescriptor& field);

// The masked form of one value of the given kind; "" for kClear. Invalid UTF-8 is treated
// byte by byte (never a crash, never more of the original).
std::string MaskPiiValue(PiiKind kind, std::string_view value);

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_PII_PII_MASK_RULES_H_
