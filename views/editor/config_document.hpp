// The configuration being edited: a working copy that may break validation rules (the form shows
// the error at its field and keeps the value), undo/redo of every edit, and whether it changed
// since it was saved. No toolkit: the studio's editor page drives it and shows what it says.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "config/model_config.hpp"
#include "editor/config_fields.hpp"

namespace archscope::editor {

class ConfigDocument {
 public:
  explicit ConfigDocument(ModelConfig initial = {});

  const ModelConfig& config() const { return config_; }
  // The first broken rule of the working copy, exactly as loading it from a file would report it
  // (Error::where() is the JSON path); empty when it is valid.
  const std::optional<Error>& error() const { return error_; }
  bool valid() const { return !error_.has_value(); }

  // Sets a field (FieldSpec::path). A value that cannot even be read (a pattern with an unknown
  // kind, a list with a non-number) is returned as Error(Parse) and not applied; anything else is
  // applied, valid or not. Returns nothing when the edit went in.
  std::optional<Error> set_field(const std::string& path, const FieldValue& value);
  // Per-layer edits of the patterns (indices outside the model are ignored).
  void set_layers_attention(const std::vector<int64_t>& layers, AttentionKind kind);
  void set_layers_position(const std::vector<int64_t>& layers, PositionKind kind);
  std::optional<Error> set_layers_moe(const std::vector<int64_t>& layers, bool moe);

  // A new document (open, import, preset): history cleared, not modified.
  void reset(ModelConfig config);
  // Replaces the whole config as one undoable edit.
  void replace(ModelConfig config, std::string label);

  bool can_undo() const { return position_ > 0; }
  bool can_redo() const { return position_ + 1 < history_.size(); }
  std::string undo_label() const;  // "Undo KV heads"
  std::string redo_label() const;
  void undo();
  void redo();

  bool modified() const { return position_ != saved_position_; }
  void mark_saved() { saved_position_ = position_; }
  // Bumped by every change of config(), undo and redo included.
  long revision() const { return revision_; }

 private:
  void commit(ModelConfig next, std::string label);
  void changed();

  struct Step {
    ModelConfig config;
    std::string label;  // what led to this state
  };
  ModelConfig config_;
  std::optional<Error> error_;
  std::vector<Step> history_;
  size_t position_ = 0;
  size_t saved_position_ = 0;
  long revision_ = 0;
};

}  // namespace archscope::editor
