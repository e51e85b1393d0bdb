// The recommender's training memory budget on the server's command line:
// --recommender_memory_budget, the bytes one model's fit may use (ModelConfig::
// memory_budget_bytes; a fit estimated above it fails RESOURCE_EXHAUSTED naming the flag).
#ifndef CLIENTELE_RECOMMENDER_MEMORY_BUDGET_FLAG_H_
#define CLIENTELE_RECOMMENDER_MEMORY_BUDGET_FLAG_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace clientele::recommender {

// Half of the memory this process may use, in whole MiB: the smaller of physical memory
// (sysconf) and the cgroup's limit (memory.max of cgroup v2, else memory.limit_in_bytes of v1,
// as a container's memory limit sets them), or 4 GiB when neither can be read.
int64_t DefaultMemoryBudgetBytes();

// The limit in a cgroup memory file's text ("2147483648\n"); 0 for none ("max", a value at or
// above physical memory as v1 writes for no limit is the caller's concern) or unreadable text.
int64_t CgroupMemoryLimit(absl::string_view text);

// Adds --recommender_memory_budget to `app`, bound to `*bytes` (not owned; it must outlive the
// parse), whose value before the call is the default shown in help. The value is bytes, with an
// optional binary suffix: K, M, G, T (also KB/KiB, ...; all powers of 1024, case-insensitive),
// e.g. 4G or 512M; 0 means no budget. A value that is not a size is a usage error naming the flag.
CLI::Option* AddMemoryBudgetFlag(CLI::App& app, int64_t* bytes);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MEMORY_BUDGET_FLAG_H_
