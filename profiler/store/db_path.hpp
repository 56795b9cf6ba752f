// Where the run database lives: $XDG_DATA_HOME/archscope/runs.db, else
// ~/.local/share/archscope/runs.db (the XDG Base Directory defaults), unless --db names a file.
#pragma once

#include <filesystem>
#include <string>

namespace archscope::prof::store {

// The default path, without touching the file system. Per the XDG spec a relative or empty
// XDG_DATA_HOME is ignored. Throws Error(NotFound) when neither XDG_DATA_HOME nor a home directory
// (HOME, else the password database) is known.
std::filesystem::path default_db_path();

// `override_path` when non-empty (the --db option, used as given), else default_db_path() with its
// directories created. Throws Error(Io) when the directories cannot be created.
std::filesystem::path resolve_db_path(const std::string& override_path = {});

}  // namespace archscope::prof::store
