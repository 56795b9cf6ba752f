// The studio's main window: pages for the presets, the editor, the diagram and comparisons in the
// centre; the live summary, the Explain panel and the per-layer chart (ImGui on Vulkan) in docks
// that remember where the user put them. Part 2's live views are further docks of the same kind.
#pragma once

#include <QMainWindow>
#include <QStringList>
#include <memory>
#include <vector>

#include "models/background_worker.hpp"
#include "plan/hardware.hpp"
#include "summary/analysis_job.hpp"

class QAction;
class QDockWidget;
class QMenu;
class QTabWidget;

namespace archscope::studio {

class ComparePage;
class CompareModel;
class DiagramWidget;
class EditorPage;
class ExplainPanel;
class FieldDiffModel;
class ImGuiView;
class LayerChartPanel;
class LayerTableModel;
class LiveDocks;
class PresetModel;
class PresetsPage;
class RunsPage;
class StudioDocument;
class SummaryModel;
class SummaryPanel;
class VulkanHost;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opening: an archscope model file or a Hugging Face config.json (told apart by "format"; the
  // latter is imported: the document has no file until saved as archscope). `name`, when given,
  // names the configuration (a trained checkpoint by its folder). Failures are shown to the user
  // (and returned false); nothing is lost.
  bool open_file(const QString& path, const QString& name = {});
  bool open_preset(const QString& name);
  bool import_hf(const QString& path);
  bool save_to(const QString& path);
  bool save_as_preset(const QString& name);
  // File ▸ Export without the dialog: the analysis by extension (.html, .md with its SVG figures
  // next to it, .json: the writers of `archscope analyze --out`), the diagram, or the comparison's
  // diagrams, as .svg or .png (2×). False, with last_error(), when there is nothing to export or
  // the file cannot be written.
  bool export_report_to(const QString& path);
  bool export_diagram_to(const QString& path, bool comparison = false);
  // Compares the given model files (2 to 4) side by side.
  void compare_files(const QStringList& paths);
  void add_to_compare(const QString& label, const ModelConfig& config);
  // Adds a model file, a Hugging Face config.json or a checkpoint folder to the comparison.
  bool add_file_to_compare(const QString& path);
  void clear_compare();

  StudioDocument& document() { return *document_; }
  std::shared_ptr<const summary::AnalysisResult> current() const { return current_; }
  SummaryModel& summary_model() { return *summary_model_; }
  LayerTableModel& layer_model() { return *layer_model_; }
  PresetModel& preset_model() { return *preset_model_; }
  CompareModel& compare_model() { return *compare_model_; }
  FieldDiffModel& field_diff_model() { return *field_diff_model_; }
  EditorPage& editor() { return *editor_; }
  SummaryPanel& summary() { return *summary_; }
  ExplainPanel& explain() { return *explain_; }
  DiagramWidget& diagram() { return *diagram_; }
  ComparePage& compare() { return *compare_; }
  PresetsPage& presets() { return *presets_; }
  RunsPage& runs() { return *runs_; }
  ImGuiView* layer_chart() { return chart_view_; }
  LayerChartPanel* layer_chart_panel() { return chart_panel_; }
  QTabWidget& tabs() { return *tabs_; }
  VulkanHost& vulkan() { return *vulkan_; }
  LiveDocks& live() { return *live_; }  // the Run dock, the live views, the Run menu
  // The last failure shown to the user (also when not interactive), "" when none.
  const QString& last_error() const { return last_error_; }

  // Shows a page by name: presets, editor, diagram, compare, runs.
  void show_page(const QString& name);
  // Processes events until no analysis, comparison, preset scan or explain text is on its way.
  bool wait_until_idle(int timeout_ms = 60000);
  // No "save changes?" question on close (headless runs and tests).
  void set_interactive(bool interactive) { interactive_ = interactive; }

 Q_SIGNALS:
  void analysisUpdated();
  void compareUpdated();
  void presetsLoaded();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void build_pages();
  void build_docks();
  void build_menus();
  void restore_settings();
  void save_settings();
  void load_presets();
  void load_hardware_profiles();
  void request_analysis();
  void show_result(std::shared_ptr<const summary::AnalysisResult> result);
  void request_compare();
  void document_changed();
  void update_recent_menu();
  void add_recent(const QString& path);
  bool confirm_discard();
  bool save();
  bool save_as();
  void export_report(const QString& format);
  void export_diagram(const QString& format);
  void open_dialog();
  void import_dialog();
  void save_preset_dialog();
  std::optional<HardwareProfile> selected_hardware() const;

  std::unique_ptr<VulkanHost> vulkan_;
  BackgroundWorker worker_;
  StudioDocument* document_ = nullptr;
  PresetModel* preset_model_ = nullptr;
  SummaryModel* summary_model_ = nullptr;
  LayerTableModel* layer_model_ = nullptr;
  CompareModel* compare_model_ = nullptr;
  FieldDiffModel* field_diff_model_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  PresetsPage* presets_ = nullptr;
  EditorPage* editor_ = nullptr;
  DiagramWidget* diagram_ = nullptr;
  ComparePage* compare_ = nullptr;
  RunsPage* runs_ = nullptr;
  SummaryPanel* summary_ = nullptr;
  ExplainPanel* explain_ = nullptr;
  ImGuiView* chart_view_ = nullptr;
  LayerChartPanel* chart_panel_ = nullptr;
  LiveDocks* live_ = nullptr;
  std::vector<QDockWidget*> docks_;
  QMenu* recent_menu_ = nullptr;
  QAction* undo_ = nullptr;
  QAction* redo_ = nullptr;

  std::vector<HardwareProfile> hardware_;
  std::shared_ptr<const summary::AnalysisResult> current_;
  long analysis_requested_ = 0, analysis_delivered_ = 0;
  struct CompareEntry {
    QString label;
    ModelConfig config;
  };
  std::vector<CompareEntry> compare_entries_;
  long compare_requested_ = 0, compare_delivered_ = 0;
  bool presets_pending_ = false;
  bool interactive_ = true;
  QString last_error_;
};

}  // namespace archscope::studio
