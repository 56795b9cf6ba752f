#include "store/db_path.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <system_error>

#include "common/error.hpp"

namespace archscope::prof::store {

namespace fs = std::filesystem;

fs::path default_db_path() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg && *xdg && fs::path(xdg).is_absolute()) return fs::path(xdg) / "archscope" / "runs.db";
  const char* home = std::getenv("HOME");
  if (!home || !*home) {
    // No HOME (a service, a stripped environment): fall back to the account's home directory.
    const passwd* pw = getpwuid(getuid());
    home = pw ? pw->pw_dir : nullptr;
  }
  if (!home || !*home) {
    throw Error(ErrorKind::NotFound, "XDG_DATA_HOME",
                "neither XDG_DATA_HOME nor a home directory is set; pass --db <file>");
  }
  return fs::path(home) / ".local" / "share" / "archscope" / "runs.db";
}

fs::path resolve_db_path(const std::string& override_path) {
  if (!override_path.empty()) return fs::path(override_path);
  fs::path p = default_db_path();
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) throw Error(ErrorKind::Io, p.parent_path().string(), "cannot create directory: " + ec.message());
  return p;
}

}  // namespace archscope::prof::store
