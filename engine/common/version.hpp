// The archscope version and the git revision of the build, for --version, run records and reports.
#pragma once

namespace archscope {

const char* archscope_version();       // e.g. "0.1.0"
const char* archscope_git_revision();  // short hash, or "unknown" outside a git checkout

}  // namespace archscope
