#include "store/quant_table.hpp"

#include <cmath>
#include <map>

#include "common/error.hpp"
#include "store/runs_table.hpp"
#include "store/schema.hpp"
#include "store/store_impl.hpp"

namespace archscope::prof::store {

namespace {

void bind_optional(sql::Statement& st, int i, const std::optional<double>& v) {
  if (v && std::isfinite(*v)) {
    st.bind(i, *v);
  } else {
    st.bind_null(i);
  }
}

}  // namespace

void save_quant_result(RunStore& store, int64_t run_id, const quant::EvalResult& r) {
  RunStore::Impl& impl = store.impl();
  if (impl.read_only) throw Error(ErrorKind::Validation, impl.path.string(), "is open read-only");
  if (impl.no_schema || !run_exists(impl.db, run_id))
    throw Error(ErrorKind::NotFound, impl.path.string(), "no run " + std::to_string(run_id));
  sql::Db& db = impl.db;
  sql::Transaction tx(db);
  {
    sql::Statement st(db, "SELECT 1 FROM quant_evals WHERE run_id = ?");
    st.bind(1, run_id);
    if (st.step())
      throw Error(ErrorKind::Validation, impl.path.string(),
                  "run " + std::to_string(run_id) + " has a quant result");
  }
  {
    sql::Statement st(
        db,
        "INSERT INTO quant_evals (run_id, tokens, source_dtype, source_bytes, source_perplexity)"
        " VALUES (?, ?, ?, ?, ?)");
    st.bind(1, run_id).bind(2, r.tokens).bind(3, std::string_view(r.source_dtype));
    st.bind(4, static_cast<int64_t>(r.source_bytes));
    bind_optional(st, 5, r.source_perplexity);
    st.run();
  }
  sql::Statement scheme(
      db,
      "INSERT INTO quant_schemes (run_id, position, scheme, bits_per_weight, quantized_bytes,"
      " total_bytes, kl_mean, kl_max, kl_max_position, top1_agreement, perplexity)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  sql::Statement tensor(
      db,
      "INSERT INTO quant_tensors (run_id, scheme, position, name, layer, elements, signal, noise)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  sql::Statement layer(
      db, "INSERT INTO quant_layers (run_id, scheme, layer, rel_l2) VALUES (?, ?, ?, ?)");
  int64_t position = 0;
  for (const quant::SchemeResult& s : r.schemes) {
    const std::string_view name(s.scheme);
    scheme.bind(1, run_id).bind(2, position++).bind(3, name).bind(4, s.bits_per_weight);
    scheme.bind(5, static_cast<int64_t>(s.quantized_bytes))
        .bind(6, static_cast<int64_t>(s.total_bytes));
    scheme.bind(7, s.kl_mean)
        .bind(8, s.kl_max)
        .bind(9, s.kl_max_position)
        .bind(10, s.top1_agreement);
    bind_optional(scheme, 11, s.perplexity);
    scheme.run();
    scheme.reset();
    int64_t at = 0;
    for (const quant::TensorError& t : s.tensors) {
      tensor.bind(1, run_id)
          .bind(2, name)
          .bind(3, at++)
          .bind(4, std::string_view(t.name))
          .bind(5, t.layer);
      tensor.bind(6, t.elements).bind(7, t.signal).bind(8, t.noise);
      tensor.run();
      tensor.reset();
    }
    for (size_t l = 0; l < s.layer_rel_l2.size(); ++l) {
      layer.bind(1, run_id)
          .bind(2, name)
          .bind(3, static_cast<int64_t>(l))
          .bind(4, s.layer_rel_l2[l]);
      layer.run();
      layer.reset();
    }
  }
  sql::Statement outlier(
      db,
      "INSERT INTO quant_outliers (run_id, position, layer, op, channels, absmax, median_absmax)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)");
  int64_t at = 0;
  for (const quant::ActivationOutlier& o : r.outliers) {
    outlier.bind(1, run_id)
        .bind(2, at++)
        .bind(3, o.layer)
        .bind(4, std::string_view(o.op))
        .bind(5, o.channels);
    outlier.bind(6, o.absmax).bind(7, o.median_absmax);
    outlier.run();
    outlier.reset();
  }
  tx.commit();
}

std::optional<quant::EvalResult> load_quant_result(RunStore& store, int64_t run_id) {
  RunStore::Impl& impl = store.impl();
  if (impl.no_schema || !run_exists(impl.db, run_id))
    throw Error(ErrorKind::NotFound, impl.path.string(), "no run " + std::to_string(run_id));
  if (impl.schema_version < kWeightsQuantVersion) return std::nullopt;
  sql::Db& db = impl.db;
  ReadScope scope(db);
  quant::EvalResult r;
  {
    sql::Statement st(
        db,
        "SELECT e.tokens, e.source_dtype, e.source_bytes, e.source_perplexity, r.model"
        " FROM quant_evals AS e JOIN runs AS r ON r.id = e.run_id WHERE e.run_id = ?");
    st.bind(1, run_id);
    if (!st.step()) return std::nullopt;
    r.tokens = st.column_int(0);
    r.source_dtype = st.column_text(1);
    r.source_bytes = static_cast<uint64_t>(st.column_int(2));
    if (!st.is_null(3)) r.source_perplexity = st.column_double(3);
    r.model = st.column_text(4);
  }
  std::map<std::string, size_t> index;
  {
    sql::Statement st(
        db,
        "SELECT scheme, bits_per_weight, quantized_bytes, total_bytes, kl_mean, kl_max,"
        " kl_max_position, top1_agreement, perplexity FROM quant_schemes WHERE run_id = ?"
        " ORDER BY position");
    st.bind(1, run_id);
    while (st.step()) {
      quant::SchemeResult s;
      s.scheme = st.column_text(0);
      s.bits_per_weight = st.column_double(1);
      s.quantized_bytes = static_cast<uint64_t>(st.column_int(2));
      s.total_bytes = static_cast<uint64_t>(st.column_int(3));
      s.kl_mean = st.column_double(4);
      s.kl_max = st.column_double(5);
      s.kl_max_position = st.column_int(6);
      s.top1_agreement = st.column_double(7);
      if (!st.is_null(8)) s.perplexity = st.column_double(8);
      index[s.scheme] = r.schemes.size();
      r.schemes.push_back(std::move(s));
    }
  }
  {
    sql::Statement st(
        db,
        "SELECT scheme, name, layer, elements, signal, noise FROM quant_tensors WHERE run_id = ?"
        " ORDER BY scheme, position");
    st.bind(1, run_id);
    while (st.step()) {
      auto it = index.find(st.column_text(0));
      if (it == index.end()) continue;
      r.schemes[it->second].tensors.push_back({st.column_text(1), st.column_int(2),
                                               st.column_int(3), st.column_double(4),
                                               st.column_double(5)});
    }
  }
  {
    sql::Statement st(
        db,
        "SELECT scheme, layer, rel_l2 FROM quant_layers WHERE run_id = ? ORDER BY scheme, layer");
    st.bind(1, run_id);
    while (st.step()) {
      auto it = index.find(st.column_text(0));
      if (it == index.end()) continue;
      std::vector<double>& v = r.schemes[it->second].layer_rel_l2;
      const int64_t l = st.column_int(1);
      if (l < 0 || l > 100000) continue;
      if (v.size() <= static_cast<size_t>(l)) v.resize(static_cast<size_t>(l) + 1, 0.0);
      v[static_cast<size_t>(l)] = st.column_double(2);
    }
  }
  {
    sql::Statement st(
        db,
        "SELECT layer, op, channels, absmax, median_absmax FROM quant_outliers WHERE run_id = ?"
        " ORDER BY position");
    st.bind(1, run_id);
    while (st.step())
      r.outliers.push_back({st.column_int(0), st.column_text(1), st.column_int(2),
                            st.column_double(3), st.column_double(4)});
  }
  return r;
}

}  // namespace archscope::prof::store
