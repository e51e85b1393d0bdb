// The one table of who may call what: role -> permitted methods, and role -> permissions
// (pii:read). Deny by default: a method that is not in the table is denied to every role.
// docs/security.md shows it (RoleTable::MethodsMarkdown() generates its methods table; a test
// keeps the two equal).
//
//   const RoleTable& table = RoleTable::Default();
//   CLT_RETURN_IF_ERROR(table.Authorize(caller.role,
//   "/clientele.identity.v1.IdentityService/GetProfile")); bool unmasked =
//   table.HasPermission(caller.role, kPiiRead);
#ifndef CLIENTELE_GATEWAY_AUTHZ_ROLE_TABLE_H_
#define CLIENTELE_GATEWAY_AUTHZ_ROLE_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"

namespace clientele::gateway {

// Reads responses with their PII unmasked (each such read is audited).
inline constexpr std::string_view kPiiRead = "pii:read";

struct RoleInfo {
  std::string name;         // e.g. "marketer".
  std::string description;  // One line, for docs and errors.
  bool pii_read = false;    // Has kPiiRead.
  bool key_role = true;     // An API key may have it ("component" is for certificates only).
};

// Immutable once built; thread-safe.
class RoleTable {
 public:
  // The table Clientele enforces (docs/security.md).
  static const RoleTable& Default();

  // OK when `role` may call `method` ("/<package>.<Service>/<Method>"); else
  // PERMISSION_DENIED naming both: "role 'marketer' may not call /clientele...". Unknown roles
  // and methods not in the table are denied.
  absl::Status Authorize(std::string_view role, std::string_view method) const;
  bool Allows(std::string_view role, std::string_view method) const;

  // Methods anyone may call without credentials (grpc.health.v1).
  bool IsPublic(std::string_view method) const;
  // The method has an entry in the table.
  bool Knows(std::string_view method) const;

  bool HasPermission(std::string_view role, std::string_view permission) const;
  bool IsRole(std::string_view role) const;

  // Every role, in the table's order (admin first).
  const std::vector<RoleInfo>& roles() const { return roles_; }
  // The roles an API key may have, in the table's order.
  std::vector<std::string> KeyRoles() const;
  // Every method of the table, sorted.
  std::vector<std::string> Methods() const;

  // A Markdown table: one row per method (sorted), one column per key role, "yes" where the
  // role may call the method. Public methods say so in every column.
  std::string MethodsMarkdown() const;

 private:
  struct Entry {
    uint32_t roles = 0;  // Bit i: roles_[i] may call the method.
    bool is_public = false;
  };
  RoleTable();
  int RoleIndex(std::string_view role) const;

  std::vector<RoleInfo> roles_;
  absl::flat_hash_map<std::string, Entry> methods_;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_AUTHZ_ROLE_TABLE_H_
