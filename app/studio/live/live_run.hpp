// The run the live views show: one started from the studio (profiler/session/recorded_run on a
// worker thread: the model is built, run and stored there, the UI never waits) or one another
// process is writing into a run database (profiler/session/run_follower, polled on a worker
// thread). Either way the events reach the UI thread through a bounded subscription that a timer
// drains; a full queue drops events, which LiveState counts and the views show. The folds
// (views/live) run on the UI thread and are what the panels draw.
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>
#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "config/model_config.hpp"
#include "events/channel.hpp"
#include "live/expert_heatmap.hpp"
#include "live/live_state.hpp"
#include "live/op_timeline.hpp"
#include "live/roofline_points.hpp"
#include "runner/profiled_run.hpp"

namespace archscope::studio {

class LiveRun : public QObject {
  Q_OBJECT
 public:
  explicit LiveRun(QObject* parent = nullptr);
  ~LiveRun() override;  // stops a run of this process (it is stored as interrupted) and joins

  // Starts a profiled run of `config` recorded into `db` ("" : the CLI's default database). The
  // previous run's state is cleared. False (with error()) when a run is still going.
  bool start(const ModelConfig& config, const prof::RunOptions& options, const QString& db = {});
  // Follows run `id` of `db` until its status is final.
  bool follow(const QString& db, int64_t id);
  // Asks a run of this process to stop before its next op; a followed run stops being followed.
  void stop();

  bool active() const { return active_; }  // started and not yet seen to end
  bool following() const { return following_; }
  int64_t run_id() const { return run_id_; }  // 0 until the run has its row
  QString db_path() const { return db_; }
  const QString& error() const { return error_; }  // why the last start failed ("" when none)
  uint64_t events_seen() const { return events_; }
  uint64_t events_dropped() const;  // by the UI's queue (also in state().events_dropped)
  // The run's device memory (host RAM for the CPU), 0 when unknown.
  uint64_t device_memory() const { return device_memory_; }

  const views::live::LiveState& state() const { return fold_.state(); }
  const views::live::ExpertLoadFold& experts() const { return experts_; }
  const views::live::OpTimeline& timeline() const { return timeline_; }
  const views::live::RooflineFold& roofline() const { return roofline_; }

  // Drains what is queued now (the timer does this every 30 ms); tests call it to wait.
  void drain();
  // Processes events until the run ended (true) or the timeout passed.
  bool wait_finished(int timeout_ms);

 Q_SIGNALS:
  void updated();   // new events were folded
  void finished();  // the run ended (complete, failed, interrupted or the follow stopped)
  void failed(const QString& reason);  // the run could not start

 private:
  void reset();
  void begin_worker(std::function<void()> body);
  void on_worker_error(const QString& reason);

  views::live::LiveFold fold_;
  views::live::ExpertLoadFold experts_;
  views::live::OpTimeline timeline_;
  views::live::RooflineFold roofline_;
  QTimer timer_;
  std::mutex mu_;  // guards sub_ (set by the worker, drained by the UI)
  std::optional<prof::Subscription> sub_;
  std::shared_ptr<prof::EventChannel> follow_channel_;
  std::thread worker_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> worker_done_{true};
  bool active_ = false, following_ = false;
  int64_t run_id_ = 0;
  uint64_t events_ = 0;
  uint64_t device_memory_ = 0;
  QString db_, error_;
};

}  // namespace archscope::studio
