#include "editor/config_document.hpp"

#include "editor/layer_pattern.hpp"

namespace archscope::editor {

namespace {
constexpr size_t kMaxHistory = 500;  // snapshots are small (a config is a few hundred bytes)
constexpr size_t kSavedStateGone = static_cast<size_t>(-1);

std::optional<Error> validation_error(const ModelConfig& c) {
  try {
    validate(c);
    return std::nullopt;
  } catch (const Error& e) {
    return e;
  }
}

template <class E>
void set_layers(LayerPattern<E>& pattern, int64_t n_layers, const std::vector<int64_t>& layers,
                E kind) {
  std::vector<E> per_layer = expand_pattern(pattern, n_layers);
  if (per_layer.empty())
    per_layer.assign(static_cast<size_t>(std::max<int64_t>(n_layers, 0)), kind);
  for (int64_t i : layers)
    if (i >= 0 && i < static_cast<int64_t>(per_layer.size()))
      per_layer[static_cast<size_t>(i)] = kind;
  pattern = shortest_pattern(per_layer);
}
}  // namespace

ConfigDocument::ConfigDocument(ModelConfig initial) {
  reset(std::move(initial));
}

void ConfigDocument::reset(ModelConfig config) {
  history_.clear();
  history_.push_back({config, ""});
  position_ = saved_position_ = 0;
  config_ = std::move(config);
  changed();
}

void ConfigDocument::changed() {
  error_ = validation_error(config_);
  ++revision_;
}

void ConfigDocument::commit(ModelConfig next, std::string label) {
  if (next == config_) return;  // nothing changed: no undo step
  // A new edit after undo drops the redo branch; if the saved state was on it, it is gone.
  if (saved_position_ > position_ && saved_position_ != kSavedStateGone)
    saved_position_ = kSavedStateGone;
  history_.resize(position_ + 1);
  history_.push_back({next, std::move(label)});
  ++position_;
  if (history_.size() > kMaxHistory) {
    history_.erase(history_.begin());
    --position_;
    // The saved state fell off the history: the document can no longer get back to it.
    if (saved_position_ != kSavedStateGone)
      saved_position_ = saved_position_ == 0 ? kSavedStateGone : saved_position_ - 1;
  }
  config_ = std::move(next);
  changed();
}

std::optional<Error> ConfigDocument::set_field(const std::string& path, const FieldValue& value) {
  const FieldSpec* spec = find_field(path);
  if (!spec) return Error(ErrorKind::NotFound, path, "no such configuration field");
  ModelConfig next = config_;
  try {
    spec->set(next, value);
  } catch (const Error& e) {
    return e;
  }
  commit(std::move(next), spec->label);
  return std::nullopt;
}

void ConfigDocument::set_layers_attention(const std::vector<int64_t>& layers, AttentionKind kind) {
  ModelConfig next = config_;
  set_layers(next.attention.pattern, next.n_layers, layers, kind);
  commit(std::move(next), "layer attention");
}

void ConfigDocument::set_layers_position(const std::vector<int64_t>& layers, PositionKind kind) {
  ModelConfig next = config_;
  set_layers(next.position.pattern, next.n_layers, layers, kind);
  commit(std::move(next), "layer positions");
}

std::optional<Error> ConfigDocument::set_layers_moe(const std::vector<int64_t>& layers, bool moe) {
  ModelConfig next = config_;
  try {
    editor::set_layers_moe(next, layers, moe);
  } catch (const Error& e) {
    return e;
  }
  commit(std::move(next), moe ? "MoE layers" : "dense layers");
  return std::nullopt;
}

void ConfigDocument::replace(ModelConfig config, std::string label) {
  commit(std::move(config), std::move(label));
}

std::string ConfigDocument::undo_label() const {
  return can_undo() ? "Undo " + history_[position_].label : "Undo";
}
std::string ConfigDocument::redo_label() const {
  return can_redo() ? "Redo " + history_[position_ + 1].label : "Redo";
}

void ConfigDocument::undo() {
  if (!can_undo()) return;
  --position_;
  config_ = history_[position_].config;
  changed();
}

void ConfigDocument::redo() {
  if (!can_redo()) return;
  ++position_;
  config_ = history_[position_].config;
  changed();
}

}  // namespace archscope::editor
