#include "live/live_run.hpp"

#include <pthread.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <chrono>

#include "common/error.hpp"
#include "registry/registry.hpp"
#include "session/recorded_run.hpp"
#include "session/run_follower.hpp"
#include "store/db_path.hpp"
#include "store/run_store.hpp"

namespace archscope::studio {

namespace {
// Events the UI's queue holds between two drains: a step of a 94-layer model is at most five
// events, so this is hundreds of steps; a UI that falls behind further drops and says so.
constexpr size_t kUiQueue = 4096;
constexpr int kDrainMs = 30;
constexpr auto kFollowPoll = std::chrono::milliseconds(100);

uint64_t memory_of(const std::string& backend) {
  try {
    const std::string spec = backend.substr(0, backend.find(' '));
    return device_of(parse_backend_spec(spec)).memory_total_bytes;
  } catch (const std::exception&) {
    return 0;
  }
}
}  // namespace

LiveRun::LiveRun(QObject* parent) : QObject(parent) {
  timer_.setInterval(kDrainMs);
  connect(&timer_, &QTimer::timeout, this, &LiveRun::drain);
}

LiveRun::~LiveRun() {
  stop_ = true;
  if (follow_channel_) follow_channel_->close();
  if (worker_.joinable()) worker_.join();
}

void LiveRun::reset() {
  if (worker_.joinable()) worker_.join();
  fold_ = views::live::LiveFold();
  experts_ = {};
  timeline_ = views::live::OpTimeline();
  roofline_ = {};
  {
    std::lock_guard lock(mu_);
    sub_.reset();
  }
  follow_channel_.reset();
  stop_ = false;
  run_id_ = 0;
  events_ = 0;
  device_memory_ = 0;
  error_.clear();
}

void LiveRun::begin_worker(std::function<void()> body) {
  active_ = true;
  worker_done_ = false;
  worker_ = std::thread([this, body = std::move(body)] {
    pthread_setname_np(pthread_self(), "archscope-run");  // named in profilers and top
    body();
    worker_done_ = true;
  });
  timer_.start();
  Q_EMIT updated();
}

void LiveRun::on_worker_error(const QString& reason) {
  // Called on the UI thread (queued from the worker).
  error_ = reason;
  Q_EMIT failed(reason);
}

bool LiveRun::start(const ModelConfig& config, const prof::RunOptions& options, const QString& db) {
  if (active_) {
    error_ = tr("a run is still going: stop it first");
    return false;
  }
  reset();
  following_ = false;
  try {
    db_ = QString::fromStdString(prof::store::resolve_db_path(db.toStdString()).string());
    prof::validate_run_options(options);
  } catch (const std::exception& e) {
    error_ = QString::fromUtf8(e.what());
    Q_EMIT failed(error_);
    return false;
  }
  prof::RunOptions o = options;
  o.stop = [this] { return stop_.load(); };
  const std::string path = db_.toStdString();
  begin_worker([this, config, o, path] {
    QString failure;
    try {
      prof::store::RunStore store = prof::store::RunStore::open(path);
      prof::ProfiledRun run(config, o);
      prof::session::RecordedRun recorded(store, run);
      {
        std::lock_guard lock(mu_);
        sub_.emplace(recorded.channel().subscribe("studio", kUiQueue));
      }
      QMetaObject::invokeMethod(this, [this, id = recorded.id()] { run_id_ = id; });
      recorded.run();
    } catch (const std::exception& e) {
      failure = QString::fromUtf8(e.what());
    }
    if (!failure.isEmpty())
      QMetaObject::invokeMethod(this, [this, failure] { on_worker_error(failure); });
  });
  return true;
}

bool LiveRun::follow(const QString& db, int64_t id) {
  if (active_) {
    error_ = tr("a run is still going: stop it first");
    return false;
  }
  reset();
  following_ = true;
  db_ = db.isEmpty() ? QString::fromStdString(prof::store::default_db_path().string()) : db;
  std::shared_ptr<prof::session::RunFollower> follower;
  try {
    follower = std::make_shared<prof::session::RunFollower>(db_.toStdString(), id);
  } catch (const std::exception& e) {
    error_ = QString::fromUtf8(e.what());
    Q_EMIT failed(error_);
    return false;
  }
  run_id_ = id;
  follow_channel_ = std::make_shared<prof::EventChannel>();
  {
    std::lock_guard lock(mu_);
    sub_.emplace(follow_channel_->subscribe("studio", kUiQueue));
  }
  auto channel = follow_channel_;
  begin_worker([this, follower, channel] {
    QString failure;
    try {
      while (!stop_ && !follower->done()) {
        for (prof::Event& e : follower->poll()) channel->publish(std::move(e));
        if (!follower->done()) std::this_thread::sleep_for(kFollowPoll);
      }
    } catch (const std::exception& e) {
      failure = QString::fromUtf8(e.what());
    }
    channel->close();
    if (!failure.isEmpty())
      QMetaObject::invokeMethod(this, [this, failure] { on_worker_error(failure); });
  });
  return true;
}

void LiveRun::stop() {
  stop_ = true;
}

uint64_t LiveRun::events_dropped() const {
  return fold_.state().events_dropped;
}

void LiveRun::drain() {
  // Read before draining: a worker that was done by now has published (and closed) everything,
  // so an empty closed queue after this drain means the run is over, not that events are coming.
  const bool worker_done = worker_done_.load();
  bool any = false;
  bool closed = false;
  bool subscribed = false;
  {
    std::lock_guard lock(mu_);
    subscribed = sub_.has_value();
    if (sub_) {
      // A bounded slice per drain, so a burst never stalls the UI.
      for (int i = 0; i < 2000; ++i) {
        prof::EventPtr e = sub_->try_pop();
        if (!e) break;
        if (const auto* st = std::get_if<prof::RunStarted>(e.get())) {
          device_memory_ = memory_of(st->run.backend);
          if (st->run.id > 0) run_id_ = st->run.id;
        }
        fold_.apply(*e);
        experts_.apply(*e);
        timeline_.apply(*e);
        roofline_.apply(*e);
        ++events_;
        any = true;
      }
      closed = sub_->closed() && sub_->stats().queued == 0;
    }
  }
  if (any) Q_EMIT updated();
  if (active_ && worker_done && (closed || !subscribed)) {
    if (worker_.joinable()) worker_.join();
    active_ = false;
    timer_.stop();
    Q_EMIT updated();
    Q_EMIT finished();
  }
}

bool LiveRun::wait_finished(int timeout_ms) {
  QElapsedTimer clock;
  clock.start();
  while (active_ && clock.elapsed() < timeout_ms)
    QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
  return !active_;
}

}  // namespace archscope::studio
