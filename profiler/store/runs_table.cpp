#include "store/runs_table.hpp"

#include <ctime>

#include "common/error.hpp"
#include "store/schema.hpp"
#include "store/store_statements.hpp"

namespace archscope::prof::store {

namespace {

constexpr const char* kColumnsV1 =
    "id, name, started_at, finished_at, model, config_json, backend, device, weights_dtype,"
    " kv_dtype, batch, prompt_tokens, new_tokens, threads, version, git_revision, status, failure,"
    " writer_pid, writer_host, writer_boot_id, writer_start_ticks";
constexpr const char* kColumnsV2 = ", warmup_passes, measured_passes, checks, prefill_chunk";
constexpr const char* kColumnsQuant = ", weights_quant";  // since kWeightsQuantVersion
constexpr const char* kColumnsSlice = ", coalesce(layer_first, -1), coalesce(layer_last, -1)";  // since kSliceVersion
constexpr const char* kColumnsWeightsSource =
    ", weights_source, weights_path, weights_seed, weights_outlier_fraction, weights_outlier_scale";

std::string dead_writer_reason(const WriterIdentity& w) {
  return "writer process " + std::to_string(w.pid) + " on " + w.host +
         " exited without finishing the run";
}

RunInfo read_run(const sql::Statement& st, const std::string& where, int64_t version,
                 const WriterIdentity* self) {
  RunInfo r;
  int c = 0;
  r.id = st.column_int(c++);
  r.name = st.column_text(c++);
  r.started_at = st.column_text(c++);
  r.finished_at = st.column_text(c++);
  r.model = st.column_text(c++);
  r.config_json = st.column_text(c++);
  r.backend = st.column_text(c++);
  r.device = st.column_text(c++);
  r.weights_dtype = st.column_text(c++);
  r.kv_dtype = st.column_text(c++);
  r.batch = st.column_int(c++);
  r.prompt_tokens = st.column_int(c++);
  r.new_tokens = st.column_int(c++);
  r.threads = st.column_int(c++);
  r.version = st.column_text(c++);
  r.git_revision = st.column_text(c++);
  std::string status = st.column_text(c++);
  if (!parse_run_status(status, r.status)) {
    throw Error(ErrorKind::Parse, where,
                "run " + std::to_string(r.id) + " has unknown status '" + status + "'");
  }
  r.failure = st.column_text(c++);
  const WriterIdentity writer{st.column_int(c), st.column_text(c + 1), st.column_text(c + 2),
                              st.column_int(c + 3)};
  c += 4;
  if (version >= 2) {
    r.warmup = st.column_int(c++);
    r.repeat = st.column_int(c++);
    r.checks = st.column_int(c++) != 0;
    r.prefill_chunk = st.column_int(c++);
  }
  if (version >= kWeightsQuantVersion) r.weights_quant = st.column_text(c++);
  if (version >= kSliceVersion) {
    const int64_t first = st.column_int(c++), last = st.column_int(c++);
    if (last >= 0) {
      r.layer_first = first;
      r.layer_last = last;
    }
  }
  if (version >= kWeightsSourceSchemaVersion) {
    WeightsSource& w = r.weights_source;
    const std::string origin = st.column_text(c++);
    if (!parse_weights_origin(origin, w.origin)) {
      throw Error(ErrorKind::Parse, where,
                  "run " + std::to_string(r.id) + " has unknown weights_source '" + origin + "'");
    }
    w.checkpoint = st.column_text(c++);
    w.seed = st.is_null(c) ? 0 : from_sql(st.column_int(c));
    ++c;
    w.heavy_tailed = !st.is_null(c);
    w.outlier_fraction = w.heavy_tailed ? st.column_double(c) : 0;
    ++c;
    w.outlier_scale = st.is_null(c) ? 0 : st.column_double(c);
    ++c;
  }
  if (self && r.status == RunStatus::Running && writer_liveness(writer, *self) == Liveness::Dead) {
    r.status = RunStatus::Interrupted;
    r.failure = dead_writer_reason(writer);
  }
  return r;
}

}  // namespace

std::string utc_now_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t insert_run(sql::Db& db, const RunInfo& info, const WriterIdentity& writer) {
  sql::Statement st(
      db,
      "INSERT INTO runs (name, started_at, finished_at, model, config_json, backend,"
      " device, weights_dtype, kv_dtype, batch, prompt_tokens, new_tokens, threads,"
      " version, git_revision, status, failure, writer_pid, writer_host,"
      " writer_boot_id, writer_start_ticks, warmup_passes, measured_passes, checks,"
      " prefill_chunk, weights_quant, layer_first, layer_last, weights_source, weights_path,"
      " weights_seed, weights_outlier_fraction, weights_outlier_scale)"
      " VALUES (?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, std::string_view(info.name))
      .bind(2, std::string_view(info.started_at.empty() ? utc_now_iso() : info.started_at))
      .bind(3, std::string_view(info.model))
      .bind(4, std::string_view(info.config_json))
      .bind(5, std::string_view(info.backend))
      .bind(6, std::string_view(info.device))
      .bind(7, std::string_view(info.weights_dtype))
      .bind(8, std::string_view(info.kv_dtype))
      .bind(9, info.batch)
      .bind(10, info.prompt_tokens)
      .bind(11, info.new_tokens)
      .bind(12, info.threads)
      .bind(13, std::string_view(info.version))
      .bind(14, std::string_view(info.git_revision))
      .bind(15, std::string_view(to_string(info.status)))
      .bind(16, std::string_view(info.failure))
      .bind(17, writer.pid)
      .bind(18, std::string_view(writer.host))
      .bind(19, std::string_view(writer.boot_id))
      .bind(20, writer.start_ticks)
      .bind(21, info.warmup)
      .bind(22, info.repeat)
      .bind(23, int64_t{info.checks ? 1 : 0})
      .bind(24, info.prefill_chunk)
      .bind(25, std::string_view(info.weights_quant));
  if (info.sliced()) {
    st.bind(26, info.layer_first).bind(27, info.layer_last);
  } else {
    st.bind_null(26).bind_null(27);
  }
  const WeightsSource& w = info.weights_source;
  st.bind(28, std::string_view(to_string(w.origin)));
  st.bind(29,
          std::string_view(w.origin == WeightsOrigin::Checkpoint ? w.checkpoint : std::string()));
  if (w.origin == WeightsOrigin::Random) {
    st.bind(30, to_sql(w.seed));
  } else {
    st.bind_null(30);
  }
  if (w.origin == WeightsOrigin::Random && w.heavy_tailed) {
    st.bind(31, w.outlier_fraction).bind(32, w.outlier_scale);
  } else {
    st.bind_null(31).bind_null(32);
  }
  st.run();
  return db.last_insert_rowid();
}

bool update_run_status(sql::Db& db, int64_t id, RunStatus status, const std::string& failure) {
  sql::Statement st(db, "UPDATE runs SET status = ?, failure = ?, finished_at = ? WHERE id = ?");
  st.bind(1, std::string_view(to_string(status)))
      .bind(2, std::string_view(failure))
      .bind(3, std::string_view(status == RunStatus::Running ? std::string() : utc_now_iso()))
      .bind(4, id)
      .run();
  return db.changes() > 0;
}

bool run_exists(sql::Db& db, int64_t id) {
  sql::Statement st(db, "SELECT 1 FROM runs WHERE id = ?");
  st.bind(1, id);
  return st.step();
}

std::vector<RunInfo> select_runs(sql::Db& db, int64_t schema_version, int64_t only_id,
                                 const WriterIdentity* self) {
  std::string q = std::string("SELECT ") + kColumnsV1 + (schema_version >= 2 ? kColumnsV2 : "") +
                  (schema_version >= kWeightsQuantVersion ? kColumnsQuant : "") +
                  (schema_version >= kSliceVersion ? kColumnsSlice : "") +
                  (schema_version >= kWeightsSourceSchemaVersion ? kColumnsWeightsSource : "") +
                  " FROM runs" +
                  (only_id ? " WHERE id = ?" : " ORDER BY started_at DESC, id DESC");
  sql::Statement st(db, q);
  if (only_id) st.bind(1, only_id);
  std::vector<RunInfo> out;
  while (st.step()) out.push_back(read_run(st, db.path(), schema_version, self));
  return out;
}

bool delete_run_row(sql::Db& db, int64_t id) {
  sql::Statement st(db, "DELETE FROM runs WHERE id = ?");
  st.bind(1, id).run();
  return db.changes() > 0;
}

bool rename_run_row(sql::Db& db, int64_t id, const std::string& name) {
  sql::Statement st(db, "UPDATE runs SET name = ? WHERE id = ?");
  st.bind(1, std::string_view(name)).bind(2, id).run();
  return db.changes() > 0;
}

std::vector<int64_t> mark_dead_runs_interrupted(sql::Db& db, const WriterIdentity& self) {
  struct Candidate {
    int64_t id;
    WriterIdentity writer;
  };
  std::vector<Candidate> dead;
  {
    sql::Statement st(db,
                      "SELECT id, writer_pid, writer_host, writer_boot_id, writer_start_ticks"
                      " FROM runs WHERE status = 'running'");
    while (st.step()) {
      Candidate c{st.column_int(0),
                  {st.column_int(1), st.column_text(2), st.column_text(3), st.column_int(4)}};
      if (writer_liveness(c.writer, self) == Liveness::Dead) dead.push_back(std::move(c));
    }
  }
  std::vector<int64_t> ids;
  if (dead.empty()) return ids;  // the common case writes nothing
  sql::Transaction tx(db);
  // Re-checked under the write lock: the status may have changed since the SELECT (the writer
  // finished it, or another process already swept it).
  sql::Statement upd(db,
                     "UPDATE runs SET status = 'interrupted', failure = ?, finished_at = ?"
                     " WHERE id = ? AND status = 'running'");
  for (const Candidate& c : dead) {
    upd.bind(1, std::string_view(dead_writer_reason(c.writer)))
        .bind(2, std::string_view(utc_now_iso()))
        .bind(3, c.id)
        .run();
    if (db.changes() > 0) ids.push_back(c.id);
  }
  tx.commit();
  return ids;
}

}  // namespace archscope::prof::store
