// Where the studio finds its data and keeps the user's: the explain texts and the trained models
// next to the presets (source tree in a build, <prefix>/share/archscope/ once installed, or
// $ARCHSCOPE_ASSET_DIR), and the XDG folders for the user's presets and the settings.
#pragma once

#include <QString>
#include <filesystem>

namespace archscope::studio {

// $ARCHSCOPE_ASSET_DIR/explain when set; else <exe>/../share/archscope/explain when it exists;
// else the source tree's assets/explain.
std::filesystem::path explain_dir();
// The same for the trained checkpoints the presets browser offers (assets/models/<name>/).
std::filesystem::path models_dir();
// $XDG_DATA_HOME/archscope/presets (~/.local/share/archscope/presets): "Save as preset" writes
// here.
std::filesystem::path user_preset_dir();
// The folder file dialogs open in first: the last one used, else the XDG documents folder.
QString default_dialog_dir();
void remember_dialog_dir(const QString& file);

}  // namespace archscope::studio
