#include "store/db_file.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

#include "common/error.hpp"

namespace archscope::prof::store {

namespace {

constexpr size_t kHeaderSize = 100;  // the SQLite file header, https://sqlite.org/fileformat.html

uint32_t be32(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

bool non_empty_file(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec) && std::filesystem::file_size(p, ec) > 0 && !ec;
}

}  // namespace

bool check_database_file(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  const std::string where = path.string();
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw Error(ErrorKind::Io, where, "cannot access: " + ec.message());
  }
  if (!fs::exists(st)) {
    fs::path parent = path.parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec)) {
      throw Error(ErrorKind::Io, where, "parent directory does not exist");
    }
    return false;
  }
  if (fs::is_directory(st)) throw Error(ErrorKind::Io, where, "is a directory, not a database file");
  if (!fs::is_regular_file(st)) throw Error(ErrorKind::Io, where, "is not a regular file");

  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::Io, where, "cannot read: " + std::string(std::strerror(errno)));
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) throw Error(ErrorKind::Io, where, "cannot read size: " + ec.message());
  if (size == 0) return true;  // SQLite treats an empty file as an empty database

  unsigned char h[kHeaderSize] = {};
  in.read(reinterpret_cast<char*>(h), kHeaderSize);
  if (static_cast<size_t>(in.gcount()) < kHeaderSize ||
      std::memcmp(h, "SQLite format 3\0", 16) != 0) {
    throw Error(ErrorKind::Parse, where, "not an SQLite database (bad header)");
  }
  // Page size: a power of two in [512, 32768], or 1 meaning 65536.
  uint32_t page_size = (uint32_t(h[16]) << 8) | h[17];
  if (page_size == 1) page_size = 65536;
  if (page_size < 512 || (page_size & (page_size - 1)) != 0) {
    throw Error(ErrorKind::Parse, where, "not an SQLite database (bad page size)");
  }
  // The in-header page count is trustworthy when its version-valid-for number matches the change
  // counter (every SQLite since 3.7.0 keeps it so). A file shorter than that was truncated; SQLite
  // would only notice when it reaches a missing page, possibly after it has written to the file.
  // Skipped while a WAL or rollback journal sits next to the file: a checkpoint or rollback cut
  // short by a crash may leave the main file short, and SQLite repairs it from the journal.
  const bool journal = non_empty_file(where + "-wal") || non_empty_file(where + "-journal");
  const uint32_t change_counter = be32(h + 24);
  const uint32_t page_count = be32(h + 28);
  const uint32_t valid_for = be32(h + 92);
  if (!journal && valid_for == change_counter && page_count > 0 &&
      size < uintmax_t(page_count) * page_size) {
    throw Error(ErrorKind::Parse, where,
                "database is truncated: " + std::to_string(size) + " bytes, header says " +
                    std::to_string(uintmax_t(page_count) * page_size));
  }
  return true;
}

}  // namespace archscope::prof::store
