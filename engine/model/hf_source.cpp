#include "model/hf_source.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace archscope {

namespace {

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

bool float_dtype(StDType t) {
  return t == StDType::F32 || t == StDType::F16 || t == StDType::BF16 || t == StDType::F64;
}

}  // namespace

HfWeightSource::HfWeightSource(const std::filesystem::path& dir, int64_t n_layers)
    : HfWeightSource(dir, n_layers, read_hf_quantization_dir(dir)) {}

HfWeightSource::HfWeightSource(const std::filesystem::path& dir, int64_t n_layers, std::optional<CheckpointQuant> quant)
    : where_(dir.string()), model_(std::make_unique<SafetensorsModel>(dir)), n_layers_(n_layers),
      quant_(std::move(quant)) {
  // Text checkpoints use "model.", multimodal ones (Gemma 3, Llama 4) wrap the language model.
  bool found = false;
  for (const char* p : {"model.", "model.language_model.", "language_model.model.", ""}) {
    if (model_->find(std::string(p) + "embed_tokens.weight")) {
      prefix_ = p;
      found = true;
      break;
    }
  }
  // GPT-2: save_pretrained writes "transformer.wte.weight"; the original hub files have no prefix.
  for (const char* p : {"transformer.", ""}) {
    if (found) break;
    if (model_->find(std::string(p) + "wte.weight")) {
      prefix_ = p;
      gpt2_ = found = true;
    }
  }
  if (!found)
    throw Error(ErrorKind::NotFound, where_, "no embed_tokens.weight under any known prefix (model., model.language_model., language_model.model.) and no GPT-2 wte.weight (transformer.)");
  head_prefix_ = model_->find("language_model.lm_head.weight") ? "language_model." : "";
}

// Llama-style request name -> GPT-2 checkpoint name. Pre-norm placement makes the builder ask for
// input_layernorm (ln_1) and post_attention_layernorm (ln_2, the norm before the MLP).
HfWeightSource::Location HfWeightSource::gpt2_location(const std::string& name) const {
  static const std::pair<const char*, const char*> whole[] = {
      {"embed_tokens.weight", "wte.weight"}, {"embed_positions.weight", "wpe.weight"},
      {"norm.weight", "ln_f.weight"},        {"norm.bias", "ln_f.bias"}};
  for (const auto& [from, to] : whole)
    if (name == from) return {prefix_ + to};
  if (!starts_with(name, "layers.")) return {};
  const size_t dot = name.find('.', 7);
  if (dot == std::string::npos) return {};
  const std::string layer = prefix_ + "h." + name.substr(7, dot - 7) + ".", rest = name.substr(dot + 1);
  static const std::pair<const char*, const char*> norms[] = {{"input_layernorm.", "ln_1."},
                                                              {"post_attention_layernorm.", "ln_2."}};
  for (const auto& [from, to] : norms)
    if (starts_with(rest, from)) return {layer + to + rest.substr(std::string(from).size())};
  const bool is_bias = rest.size() > 5 && rest.compare(rest.size() - 5, 5, ".bias") == 0;
  const std::string leaf = is_bias ? "bias" : "weight";
  const std::string module = rest.substr(0, rest.size() - leaf.size() - 1);
  // c_attn's output columns are [q | k | v], each n_embd wide (GPT2Attention splits at split_size).
  static const char* const qkv[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"};
  for (int i = 0; i < 3; ++i)
    if (module == qkv[i]) return {layer + "attn.c_attn." + leaf, i, 3, !is_bias};
  static const std::pair<const char*, const char*> convs[] = {
      {"self_attn.o_proj", "attn.c_proj"}, {"mlp.up_proj", "mlp.c_fc"}, {"mlp.down_proj", "mlp.c_proj"}};
  for (const auto& [from, to] : convs)
    if (module == from) return {layer + to + "." + leaf, 0, 1, !is_bias};
  return {};
}

HfWeightSource::Location HfWeightSource::locate(const TensorRequest& r) const {
  Location l = gpt2_ && !r.top_level ? gpt2_location(r.name) : Location{(r.top_level ? head_prefix_ : prefix_) + r.name};
  if (!l.name.empty() && l.parts == 1 && !l.conv1d) l.packed = model_detail::find_packed(*model_, l.name);
  if (!l.name.empty() && !l.packed && !model_->find(l.name)) l.name.clear();
  return l;
}

std::string HfWeightSource::resolve(const TensorRequest& r) const { return locate(r).name; }

bool HfWeightSource::has(const TensorRequest& r) const { return !resolve(r).empty(); }

const TensorView& HfWeightSource::checked_view(const TensorRequest& r, const Location& l) {
  if (l.name.empty())
    throw Error(ErrorKind::NotFound, where_ + ": " + (r.top_level ? head_prefix_ : prefix_) + r.name,
                "missing tensor (expected shape " + shape_string(r.shape) + ")");
  const std::string& name = l.name;
  const TensorView& t = model_->get(name);
  const std::string at = where_ + ": " + name;
  if (!float_dtype(t.dtype))
    throw Error(ErrorKind::Validation, at, std::string("dtype ") + to_string(t.dtype) + " is not a float type");
  // The stored shape: Conv1D keeps [in, out], and a fused c_attn is `parts` requests wide.
  Shape stored = r.shape;
  if (l.conv1d && stored.size() == 2) stored = {r.shape[1], r.shape[0]};
  if (!stored.empty()) stored.back() *= l.parts;
  if (t.shape != stored)
    throw Error(ErrorKind::Validation, at,
                "shape " + shape_string(t.shape) + " does not match the config's " + shape_string(stored));
  used_.insert(name);
  return t;
}

void HfWeightSource::checked_packed(const TensorRequest& r, const Location& l) {
  model_detail::check_packed(l.packed, r, quant_, (std::filesystem::path(where_) / "config.json").string());
  used_.insert(l.packed.values->name);
  used_.insert(l.packed.scales->name);
  if (!published_) published_ = CheckpointFormat{quant_->format};
  published_->tensors += 1;
  int64_t n = 1;
  for (int64_t d : r.shape) n *= d;
  published_->elements += n;
  published_->bytes += model_detail::packed_bytes(l.packed);
}

std::vector<float> HfWeightSource::read(const TensorRequest& r) {
  const Location l = locate(r);
  if (l.packed) {
    checked_packed(r, l);
    std::vector<float> out;
    model_detail::decode_packed(l.packed, r, *quant_, std::numeric_limits<int64_t>::max(),
                                [&](const float* v, int64_t n) { out.insert(out.end(), v, v + n); });
    return out;
  }
  const TensorView& t = checked_view(r, l);
  std::vector<float> out(static_cast<size_t>(t.numel()));
  convert_to_f32(t, out.data(), out.size());
  // A fused c_attn is read once per part: keep its pages until the last part is converted.
  if (l.part == l.parts - 1) release_pages(t, 0, t.bytes);
  if (l.parts == 1 && !l.conv1d) return out;
  // Slice this part's output columns and, for Conv1D, transpose [in, out] to [out, in].
  const int64_t n_out = r.shape[0], n_in = r.shape.size() == 2 ? r.shape[1] : 1, width = n_out * l.parts;
  std::vector<float> part(static_cast<size_t>(n_out * n_in));
  for (int64_t o = 0; o < n_out; ++o)
    for (int64_t i = 0; i < n_in; ++i)
      part[static_cast<size_t>(o * n_in + i)] = out[static_cast<size_t>(i * width + l.part * n_out + o)];
  return part;
}

namespace {

// Whole rows of `cols` values, about max_values at a time (one row when a row is longer).
int64_t piece_values(int64_t total, int64_t cols, int64_t max_values) {
  cols = std::max<int64_t>(1, cols);
  return std::min(total, std::max<int64_t>(1, max_values / cols) * cols);
}

}  // namespace

void HfWeightSource::read_chunked(const TensorRequest& r, int64_t max_values,
                                  const std::function<void(const float*, int64_t)>& sink) {
  const Location l = locate(r);
  if (l.parts != 1 || l.conv1d) {  // GPT-2's rearranged tensors: whole, as read() gives them
    const std::vector<float> v = read(r);
    sink(v.data(), static_cast<int64_t>(v.size()));
    return;
  }
  if (l.packed) {
    checked_packed(r, l);
    model_detail::decode_packed(l.packed, r, *quant_, max_values, sink);
    return;
  }
  const TensorView& t = checked_view(r, l);
  const int64_t n = t.numel(), cols = r.shape.empty() ? 1 : r.shape.back();
  const int64_t piece = piece_values(n, cols, max_values);
  const size_t elem = element_size(t.dtype);
  std::vector<float> buf(static_cast<size_t>(std::max<int64_t>(piece, 0)));
  for (int64_t done = 0; done < n; done += piece) {
    const int64_t count = std::min(piece, n - done);
    convert_range_to_f32(t, static_cast<size_t>(done), buf.data(), static_cast<size_t>(count));
    release_pages(t, static_cast<size_t>(done) * elem, static_cast<size_t>(count) * elem);
    sink(buf.data(), count);
  }
}

bool HfWeightSource::read_stored(const TensorRequest& r, Elem elem, int64_t max_values,
                                 const std::function<void(const void*, int64_t)>& sink) {
  const Location l = locate(r);
  if (l.name.empty() || l.parts != 1 || l.conv1d || l.packed) return false;
  const TensorView& stored = model_->get(l.name);
  const bool same = (elem == Elem::F32 && stored.dtype == StDType::F32) ||
                    (elem == Elem::BF16 && stored.dtype == StDType::BF16) ||
                    (elem == Elem::F16 && stored.dtype == StDType::F16);
  if (!same) return false;
  const TensorView& t = checked_view(r, l);
  const int64_t n = t.numel(), cols = r.shape.empty() ? 1 : r.shape.back();
  const int64_t piece = piece_values(n, cols, max_values);
  const size_t size = element_size(t.dtype);
  for (int64_t done = 0; done < n; done += piece) {
    const int64_t count = std::min(piece, n - done);
    sink(t.data + static_cast<size_t>(done) * size, count);
    release_pages(t, static_cast<size_t>(done) * size, static_cast<size_t>(count) * size);
  }
  return true;
}

bool HfWeightSource::ignorable(const std::string& name) const {
  // Rotary caches some exporters save; vision / audio towers and projectors of multimodal
  // checkpoints; multi-token-prediction layers beyond n_layers.
  if (name.find("rotary_emb.inv_freq") != std::string::npos) return true;
  if (!starts_with(name, prefix_) && !starts_with(name, head_prefix_ + "lm_head.")) return true;
  // GPT-2 exports of older transformers saved the causal-mask buffers attn.bias / attn.masked_bias.
  if (gpt2_ && (name.ends_with(".attn.bias") || name.ends_with(".attn.masked_bias"))) return true;
  const std::string layers = prefix_ + (gpt2_ ? "h." : "layers.");
  if (starts_with(name, layers)) {
    const long idx = std::strtol(name.c_str() + layers.size(), nullptr, 10);
    if (idx >= n_layers_) return true;
  }
  return false;
}

void HfWeightSource::finish() {
  std::string unexpected;
  int count = 0;
  for (const std::string& n : model_->names()) {
    if (used_.count(n) || ignorable(n)) continue;
    if (count < 8) unexpected += (count ? ", " : "") + n;
    ++count;
  }
  if (count > 0)
    throw Error(ErrorKind::Validation, where_,
                std::to_string(count) + " unexpected tensor(s) the config does not explain: " + unexpected +
                    (count > 8 ? ", ..." : ""));
}

}  // namespace archscope
