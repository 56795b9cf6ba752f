#define BOOST_TEST_DYN_LINK
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "events/channel.hpp"
#include "common/version.hpp"
#include "events/environment.hpp"
#include "events/subscriber_thread.hpp"
#include "prof_events/event_helpers.hpp"

using namespace archscope::prof;
using namespace prof_events_test;

namespace {

constexpr int kProducers = 4;
constexpr int kPerProducer = 2000;
constexpr int kTotal = kProducers * kPerProducer;

// What one consumer saw.
struct Seen {
  std::vector<int64_t> ids;
  uint64_t notice_sum = 0;
  uint64_t final_dropped = 0;
  int terminals = 0;
  void add(const Event& e) {
    if (auto* d = std::get_if<Dropped>(&e)) {
      notice_sum += d->count;
    } else if (auto* f = std::get_if<RunFinished>(&e)) {
      final_dropped = f->events_dropped;
      ++terminals;
    } else {
      ids.push_back(batch_id(e));
    }
  }
};

void check_accounting(const Seen& seen, const SubscriberStats& s) {
  BOOST_TEST_CONTEXT("subscriber " << s.name) {
    BOOST_TEST(s.offered == uint64_t(kTotal + 1));
    BOOST_TEST(s.offered == s.delivered + s.dropped);  // nothing lost unaccounted
    BOOST_TEST(seen.ids.size() + 1 == s.delivered);
    BOOST_TEST(seen.notice_sum == s.dropped);  // every drop announced
    BOOST_TEST(seen.final_dropped == s.dropped);
    BOOST_TEST(seen.terminals == 1);
    BOOST_TEST(s.queued == 0u);
    // Each producer's events keep their order, whatever was dropped in between.
    std::vector<int64_t> last(kProducers, -1);
    std::set<int64_t> unique(seen.ids.begin(), seen.ids.end());
    BOOST_TEST(unique.size() == seen.ids.size());
    for (int64_t id : seen.ids) {
      const int64_t p = id / kPerProducer;
      BOOST_TEST(id > last[p]);
      last[p] = id;
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_channel_threads)

// Four producers, and three subscribers: one with room for everything (must see all events),
// one on its own thread that works slowly (counts must balance however the race goes), and one
// that deliberately consumes nothing until the producers are done (exactly capacity queued,
// the rest dropped).
BOOST_AUTO_TEST_CASE(producers_and_consumers_balance_their_counts) {
  EventChannel ch;

  Seen all_seen, slow_seen, stalled_seen;
  SubscriberThread all(ch, "all", kTotal + 1, [&](const Event& e) { all_seen.add(e); });
  SubscriberThread slow(ch, "slow", 8, [&](const Event& e) {
    slow_seen.add(e);
    std::this_thread::sleep_for(std::chrono::microseconds(20));
  });
  Subscription stalled = ch.subscribe("stalled", 16);

  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&ch, p] {
      for (int i = 0; i < kPerProducer; ++i) ch.publish(batch(int64_t(p) * kPerProducer + i));
    });
  for (auto& t : producers) t.join();

  BOOST_TEST(stalled.stats().queued == 16u);
  BOOST_TEST(stalled.stats().dropped == uint64_t(kTotal - 16));

  ch.publish(finished());
  ch.close();
  all.join();
  slow.join();
  while (EventPtr e = stalled.pop()) stalled_seen.add(*e);

  check_accounting(all_seen, all.stats());
  check_accounting(slow_seen, slow.stats());
  check_accounting(stalled_seen, stalled.stats());
  BOOST_TEST(all.stats().dropped == 0u);
  BOOST_TEST(all_seen.ids.size() == size_t(kTotal));
  BOOST_TEST(stalled_seen.ids.size() == 16u);
}

// A consumer polling with try_pop / pop_for on its own thread while producers publish.
BOOST_AUTO_TEST_CASE(polling_consumer) {
  EventChannel ch;
  Subscription sub = ch.subscribe("poll", 64);
  Seen seen;
  std::thread consumer([&] {
    while (true) {
      EventPtr e = sub.try_pop();
      if (!e) e = sub.pop_for(std::chrono::milliseconds(1));
      if (e) {
        seen.add(*e);
      } else if (sub.closed()) {
        // closed: drain what is left, then stop
        while (EventPtr rest = sub.try_pop()) seen.add(*rest);
        break;
      }
    }
  });
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&ch, p] {
      for (int i = 0; i < kPerProducer; ++i) ch.publish(batch(int64_t(p) * kPerProducer + i));
    });
  for (auto& t : producers) t.join();
  ch.publish(finished());
  ch.close();
  consumer.join();
  check_accounting(seen, sub.stats());
}

BOOST_AUTO_TEST_CASE(callback_exception_reaches_join) {
  EventChannel ch;
  SubscriberThread t(ch, "throws", 4,
                     [](const Event&) { throw std::runtime_error("view crashed"); });
  ch.publish(batch(0));
  ch.close();
  BOOST_CHECK_THROW(t.join(), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(stop_and_destructor_do_not_hang_on_an_open_channel) {
  EventChannel ch;
  std::promise<void> first;
  std::atomic<int> calls = 0;
  {
    SubscriberThread t(ch, "early", 4, [&](const Event&) {
      if (calls++ == 0) first.set_value();
    });
    ch.publish(batch(0));
    first.get_future().wait();  // the thread consumed one event
    t.stop();
    BOOST_TEST(calls.load() == 1);
    BOOST_TEST(t.stats().delivered == 1u);
    ch.publish(batch(1));  // no longer subscribed
    BOOST_TEST(t.stats().offered == 1u);
  }
  {
    SubscriberThread idle(ch, "idle", 4, [](const Event&) {});
  }  // destructor cancels and joins
  BOOST_TEST(ch.stats().empty());
}

BOOST_AUTO_TEST_CASE(environment_names_host_and_build) {
  const RunEnvironment env = capture_environment(3);
  BOOST_TEST(env.threads == 3);
  BOOST_TEST(env.version == archscope::archscope_version());
  BOOST_TEST(env.git_revision == archscope::archscope_git_revision());
  BOOST_TEST(!env.git_revision.empty());
  BOOST_TEST(!env.cpu_model.empty());
  BOOST_TEST(env.logical_cpus >= 1);
  BOOST_TEST(capture_environment(0).threads == env.logical_cpus);  // 0: one per logical CPU
}

BOOST_AUTO_TEST_SUITE_END()
