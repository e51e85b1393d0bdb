// Metadata keys the front sets on every unary call it forwards to say who the caller is (what
// the call policy admitted: Caller in caller.h): the API key's id, its name and role. The front
// never passes a client's own values of these keys on, so a service behind it may trust them.
#ifndef CLIENTELE_GATEWAY_CALLER_METADATA_H_
#define CLIENTELE_GATEWAY_CALLER_METADATA_H_

namespace clientele::gateway {

inline constexpr char kCallerMetadataPrefix[] = "x-clientele-caller-";
inline constexpr char kCallerKeyIdMetadata[] = "x-clientele-caller-key-id";
inline constexpr char kCallerNameMetadata[] = "x-clientele-caller-name";
inline constexpr char kCallerRoleMetadata[] = "x-clientele-caller-role";

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_CALLER_METADATA_H_
