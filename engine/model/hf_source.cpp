#include "model/hf_source.hpp"

#include <cstdlib>
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
    : where_(dir.string()), model_(std::make_unique<SafetensorsModel>(dir)), n_layers_(n_layers) {
  // Text checkpoints use "model.", multimodal ones (Gemma 3, Llama 4) wrap the language model.
  for (const char* p : {"model.", "model.language_model.", "language_model.model.", ""}) {
    if (model_->find(std::string(p) + "embed_tokens.weight")) {
      prefix_ = p;
      break;
    }
  }
  if (!model_->find(prefix_ + "embed_tokens.weight"))
    throw Error(ErrorKind::NotFound, where_, "no embed_tokens.weight under any known prefix (model., model.language_model., language_model.model.)");
  head_prefix_ = model_->find("language_model.lm_head.weight") ? "language_model." : "";
}

std::string HfWeightSource::resolve(const TensorRequest& r) const {
  const std::string name = (r.top_level ? head_prefix_ : prefix_) + r.name;
  return model_->find(name) ? name : std::string();
}

bool HfWeightSource::has(const TensorRequest& r) const { return !resolve(r).empty(); }

std::vector<float> HfWeightSource::read(const TensorRequest& r) {
  const std::string name = resolve(r);
  if (name.empty())
    throw Error(ErrorKind::NotFound, where_ + ": " + (r.top_level ? head_prefix_ : prefix_) + r.name,
                "missing tensor (expected shape " + shape_string(r.shape) + ")");
  const TensorView& t = model_->get(name);
  const std::string at = where_ + ": " + name;
  if (!float_dtype(t.dtype))
    throw Error(ErrorKind::Validation, at, std::string("dtype ") + to_string(t.dtype) + " is not a float type");
  if (t.shape != r.shape)
    throw Error(ErrorKind::Validation, at,
                "shape " + shape_string(t.shape) + " does not match the config's " + shape_string(r.shape));
  std::vector<float> out(static_cast<size_t>(t.numel()));
  convert_to_f32(t, out.data(), out.size());
  used_.insert(name);
  return out;
}

bool HfWeightSource::ignorable(const std::string& name) const {
  // Rotary caches some exporters save; vision / audio towers and projectors of multimodal
  // checkpoints; multi-token-prediction layers beyond n_layers.
  if (name.find("rotary_emb.inv_freq") != std::string::npos) return true;
  if (!starts_with(name, prefix_) && !starts_with(name, head_prefix_ + "lm_head.")) return true;
  const std::string layers = prefix_ + "layers.";
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
