#include "quant_eval/activation_probe.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace archscope::quant_eval {

void ActivationProbe::layer_output(Stream& s, int64_t layer, const Tensor& residual) {
  if (layer < 0) return;
  if (residuals_.size() <= static_cast<size_t>(layer))
    residuals_.resize(static_cast<size_t>(layer) + 1);
  std::vector<float>& h = residuals_[static_cast<size_t>(layer)];
  h.resize(static_cast<size_t>(residual.numel()));
  inner_.download(s, residual, h.data());
  inner_.synchronize(s);
}

void ActivationProbe::note_input(Stream& s, const Tensor& x) {
  if (!record_outliers_ || layer_ < 0 || x.elem() != Elem::F32 || x.rank() < 1 || x.numel() == 0)
    return;
  const int64_t k = x.dim(-1), rows = x.numel() / k;
  std::vector<float> v(static_cast<size_t>(x.numel()));
  inner_.download(s, x, v.data());
  inner_.synchronize(s);
  const std::string op = op_;
  auto [it, added] = index_.try_emplace(std::make_tuple(layer_, op, k), channels_.size());
  if (added) {
    // One op with two input widths (the experts' gate_up and down) is told apart by "@K".
    bool other_width = false;
    for (const auto& [key, at] : index_)
      if (std::get<0>(key) == layer_ && std::get<1>(key) == op && std::get<2>(key) != k)
        other_width = true;
    channels_.push_back({layer_,
                         {other_width ? op + "@" + std::to_string(k) : op,
                          std::vector<float>(static_cast<size_t>(k), 0.0f)}});
    if (other_width) {  // the first width seen gets its suffix too
      for (const auto& [key, at] : index_)
        if (std::get<0>(key) == layer_ && std::get<1>(key) == op && std::get<2>(key) != k &&
            channels_[at].second.label == op)
          channels_[at].second.label = op + "@" + std::to_string(std::get<2>(key));
    }
  }
  std::vector<float>& m = channels_[it->second].second.absmax;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < k; ++c)
      m[static_cast<size_t>(c)] =
          std::max(m[static_cast<size_t>(c)], std::fabs(v[static_cast<size_t>(r * k + c)]));
}

void ActivationProbe::note_kv(Stream& s, const Tensor& k_new, const Tensor& v_new,
                              const Tensor& positions, const KvBlocks& kv) {
  if (k_new.elem() != Elem::F32 || k_new.rank() != 3 || positions.elem() != Elem::I32)
    return;  // kv_store refuses
  const int64_t T = k_new.dim(0);
  std::vector<int32_t> pos(static_cast<size_t>(positions.numel()));
  inner_.download(s, positions, pos.data());
  const int64_t groups = kv.k_scale.defined() ? kv.k_scale.dim(3) : 1;
  const bool same = v_new.buffer() == k_new.buffer() &&
                    v_new.byte_offset() == k_new.byte_offset() &&
                    v_new.shape() == k_new.shape();  // MLA: one row serves as both
  for (int part = 0; part < (same ? 1 : 2); ++part) {
    const Tensor& t = part == 0 ? k_new : v_new;
    std::vector<float> rows(static_cast<size_t>(t.numel()));
    inner_.download(s, t, rows.data());
    inner_.synchronize(s);
    kv_error_->add(layer_, part, rows.data(), pos.data(), T, t.dim(1), t.dim(2), groups, kv.scale_split);
  }
}

std::vector<quant::ActivationOutlier> ActivationProbe::outliers() const {
  std::vector<quant::ActivationOutlier> out;
  for (const auto& [layer, ch] : channels_) {
    quant::ActivationOutlier o;
    o.layer = layer;
    o.op = ch.label;
    o.channels = static_cast<int64_t>(ch.absmax.size());
    std::vector<float> sorted = ch.absmax;
    std::sort(sorted.begin(), sorted.end());
    o.absmax = sorted.empty() ? 0.0 : sorted.back();
    const size_t n = sorted.size();
    o.median_absmax = n == 0  ? 0.0
                      : n % 2 ? sorted[n / 2]
                              : 0.5 * (static_cast<double>(sorted[n / 2 - 1]) + sorted[n / 2]);
    out.push_back(o);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.layer < b.layer; });
  return out;
}

}  // namespace archscope::quant_eval
