// Checks a database path before SQLite touches it, so that a directory, a file of random bytes or
// a truncated database is reported by name and never handed to SQLite (which would happily turn
// an empty-looking file into a new database, or write a WAL header into a damaged one).
#pragma once

#include <filesystem>

namespace archscope::prof::store {

// Returns false when `path` does not exist (the caller creates it), true when it is a regular file
// that looks like an intact SQLite database (or is empty). Throws archscope::Error naming the file:
// Io for a directory, a special file, a missing parent directory or an unreadable file; Parse for
// a file that is not SQLite or that is shorter than its header says.
bool check_database_file(const std::filesystem::path& path);

}  // namespace archscope::prof::store
