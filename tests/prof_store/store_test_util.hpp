// Shared helpers for the run store tests: a fresh temporary directory per test, file bytes for
// "was this file modified" checks, and a sample run.
#pragma once

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "model/run_records.hpp"

namespace store_test {

struct TempDir {
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() /
           ("archscope_store_" + std::to_string(getpid()) + "_" + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path operator/(const std::string& name) const { return path / name; }
  std::filesystem::path path;
};

inline std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

inline archscope::prof::RunInfo sample_run(const std::string& name = "run") {
  archscope::prof::RunInfo r;
  r.name = name;
  r.model = "tiny-llama";
  r.config_json = R"({"schema":"archscope.model/1","name":"tiny-llama"})";
  r.backend = "cpu";
  r.device = "test cpu, 2 threads";
  r.weights_dtype = "f32";
  r.kv_dtype = "f16";
  r.batch = 2;
  r.prompt_tokens = 7;
  r.new_tokens = 3;
  r.threads = 2;
  r.version = "0.1.0";
  r.git_revision = "abc1234";
  return r;
}

inline archscope::prof::SpanRecord span(int64_t step, int32_t layer, const std::string& op,
                                        const std::string& kind, int64_t duration_ns) {
  archscope::prof::SpanRecord s;
  s.step = step;
  s.phase = step == 0 ? archscope::prof::Phase::Prefill : archscope::prof::Phase::Decode;
  s.layer = layer;
  s.op = op;
  s.kind = kind;
  s.start_ns = step * 1000000 + layer * 1000;
  s.duration_ns = duration_ns;
  s.flops = 1000 + uint64_t(layer);
  s.bytes = 2000 + uint64_t(step);
  return s;
}

// Raw SQLite access for building old / foreign files and checking the results.
struct RawDb {
  explicit RawDb(const std::filesystem::path& p) { sqlite3_open(p.c_str(), &db); }
  ~RawDb() { sqlite3_close(db); }
  int exec(const std::string& sql) { return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); }
  std::string text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      out = t ? reinterpret_cast<const char*>(t) : "";
    }
    sqlite3_finalize(st);
    return out;
  }
  int64_t integer(const std::string& sql) { return std::stoll("0" + text(sql)); }
  sqlite3* db = nullptr;
};

}  // namespace store_test
