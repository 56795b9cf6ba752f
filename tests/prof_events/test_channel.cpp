#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "events/channel.hpp"
#include "prof_events/event_helpers.hpp"

using namespace archscope;
using namespace archscope::prof;
using namespace prof_events_test;

BOOST_AUTO_TEST_SUITE(prof_channel)

BOOST_AUTO_TEST_CASE(events_arrive_in_order_with_names) {
  EventChannel ch;
  Subscription sub = ch.subscribe("view", 16);
  RunStarted started;
  started.run.name = "r";
  BOOST_TEST(ch.publish(started));
  BOOST_TEST(ch.publish(batch(1)));
  BOOST_TEST(ch.publish(StepFinished{}));
  BOOST_TEST(ch.publish(ExpertCounts{}));
  BOOST_TEST(ch.publish(Activations{}));
  BOOST_TEST(ch.publish(finished()));
  const char* expected[] = {"run_started",   "span_batch",  "step_finished",
                            "expert_counts", "activations", "run_finished"};
  for (const char* name : expected) {
    EventPtr e = sub.try_pop();
    BOOST_REQUIRE(e);
    BOOST_TEST(std::string(event_name(*e)) == name);
    if (auto* rs = std::get_if<RunStarted>(e.get())) BOOST_TEST(rs->run.name == "r");
  }
  BOOST_TEST(!sub.try_pop());
  const SubscriberStats s = sub.stats();
  BOOST_TEST(s.name == "view");
  BOOST_TEST(s.offered == 6u);
  BOOST_TEST(s.delivered == 6u);
  BOOST_TEST(s.dropped == 0u);
  BOOST_TEST(s.notices == 0u);
}

// Nobody consumes while 100 events are published into a queue of 4: exactly 4 queued, 96
// dropped; the next event that finds room is preceded by a Dropped{96, 96} notice.
BOOST_AUTO_TEST_CASE(full_queue_drops_are_counted_and_announced) {
  EventChannel ch;
  Subscription slow = ch.subscribe("slow", 4);
  Subscription fast = ch.subscribe("fast", 1000);
  for (int i = 0; i < 100; ++i) ch.publish(batch(i));
  SubscriberStats s = slow.stats();
  BOOST_TEST(s.offered == 100u);
  BOOST_TEST(s.dropped == 96u);
  BOOST_TEST(s.queued == 4u);
  BOOST_TEST(fast.stats().dropped == 0u);  // one slow subscriber costs the others nothing
  BOOST_TEST(fast.stats().queued == 100u);

  for (int i = 0; i < 4; ++i) BOOST_TEST(batch_id(*slow.pop()) == i);
  ch.publish(batch(100));
  EventPtr notice = slow.pop();
  BOOST_REQUIRE(std::holds_alternative<Dropped>(*notice));
  BOOST_TEST(std::get<Dropped>(*notice).count == 96u);
  BOOST_TEST(std::get<Dropped>(*notice).total == 96u);
  BOOST_TEST(batch_id(*slow.pop()) == 100);

  // A second gap is announced with its own count and the running total.
  for (int i = 101; i < 110; ++i) ch.publish(batch(i));  // 4 fit, 5 dropped
  for (int i = 101; i < 105; ++i) BOOST_TEST(batch_id(*slow.pop()) == i);
  ch.publish(batch(110));
  notice = slow.pop();
  BOOST_TEST(std::get<Dropped>(*notice).count == 5u);
  BOOST_TEST(std::get<Dropped>(*notice).total == 101u);
  BOOST_TEST(batch_id(*slow.pop()) == 110);

  s = slow.stats();
  BOOST_TEST(s.offered == 111u);
  BOOST_TEST(s.offered == s.delivered + s.dropped);
  BOOST_TEST(s.notices == 2u);
  BOOST_TEST(ch.stats().size() == 2u);
  BOOST_TEST(ch.stats()[0].dropped == 101u);
}

// Terminal events are queued even when the queue is full, and carry the subscriber's total.
BOOST_AUTO_TEST_CASE(terminal_event_is_never_dropped) {
  EventChannel ch;
  Subscription sub = ch.subscribe("sub", 2);
  for (int i = 0; i < 5; ++i) ch.publish(batch(i));
  RunFailed failed;
  failed.reason = "NaN in the residual stream";
  failed.where = NanSite{3, 7, "experts"};
  ch.publish(failed);
  ch.close();
  BOOST_TEST(batch_id(*sub.pop()) == 0);
  BOOST_TEST(batch_id(*sub.pop()) == 1);
  EventPtr notice = sub.pop();
  BOOST_TEST(std::get<Dropped>(*notice).count == 3u);
  EventPtr last = sub.pop();
  BOOST_REQUIRE(std::holds_alternative<RunFailed>(*last));
  const RunFailed& f = std::get<RunFailed>(*last);
  BOOST_TEST(f.events_dropped == 3u);
  BOOST_TEST(f.reason == "NaN in the residual stream");
  BOOST_TEST((f.where == NanSite{3, 7, "experts"}));
  BOOST_TEST(!sub.pop());
  BOOST_TEST(is_terminal(*last));
  BOOST_TEST(!is_terminal(*notice));
}

BOOST_AUTO_TEST_CASE(each_subscriber_gets_its_own_drop_total) {
  EventChannel ch;
  Subscription a = ch.subscribe("a", 1);
  Subscription b = ch.subscribe("b", 10);
  for (int i = 0; i < 3; ++i) ch.publish(batch(i));
  ch.publish(finished());
  ch.close();
  uint64_t a_total = 99, b_total = 99;
  while (EventPtr e = a.pop())
    if (auto* f = std::get_if<RunFinished>(e.get())) a_total = f->events_dropped;
  while (EventPtr e = b.pop())
    if (auto* f = std::get_if<RunFinished>(e.get())) b_total = f->events_dropped;
  BOOST_TEST(a_total == 2u);
  BOOST_TEST(b_total == 0u);
}

BOOST_AUTO_TEST_CASE(close_keeps_queued_events_and_refuses_new_ones) {
  EventChannel ch;
  Subscription sub = ch.subscribe("sub", 10);
  for (int i = 0; i < 5; ++i) ch.publish(batch(i));
  ch.close();
  BOOST_TEST(ch.closed());
  BOOST_TEST(!ch.publish(batch(5)));
  BOOST_TEST(sub.closed());
  for (int i = 0; i < 5; ++i) {
    EventPtr e = sub.pop();
    BOOST_REQUIRE(e);
    BOOST_TEST(batch_id(*e) == i);
  }
  BOOST_TEST(!sub.pop());
  BOOST_TEST(sub.stats().offered == 5u);  // the refused publish is not counted
  BOOST_TEST(sub.stats().delivered == 5u);

  Subscription late = ch.subscribe("late", 4);
  BOOST_TEST(late.closed());
  BOOST_TEST(!late.pop());
}

// Drops after the last queued event are announced at close, so a trailing gap is not silent.
BOOST_AUTO_TEST_CASE(trailing_drops_are_announced_at_close) {
  EventChannel ch;
  Subscription sub = ch.subscribe("sub", 1);
  for (int i = 0; i < 3; ++i) ch.publish(batch(i));
  ch.close();
  BOOST_TEST(batch_id(*sub.pop()) == 0);
  EventPtr notice = sub.pop();
  BOOST_REQUIRE(notice);
  BOOST_TEST(std::get<Dropped>(*notice).count == 2u);
  BOOST_TEST(!sub.pop());
}

BOOST_AUTO_TEST_CASE(close_wakes_a_blocked_consumer) {
  EventChannel ch;
  Subscription sub = ch.subscribe("sub", 4);
  bool got_null = false;
  std::thread consumer([&] { got_null = sub.pop() == nullptr; });
  ch.close();
  consumer.join();  // would hang if close did not wake pop()
  BOOST_TEST(got_null);
}

BOOST_AUTO_TEST_CASE(cancel_unsubscribes) {
  EventChannel ch;
  Subscription a = ch.subscribe("a", 4);
  {
    Subscription b = ch.subscribe("b", 4);
    ch.publish(batch(0));
    BOOST_TEST(ch.stats().size() == 2u);
  }  // b destroyed: unsubscribed
  BOOST_TEST(ch.stats().size() == 1u);
  a.cancel();
  BOOST_TEST(!a.pop());                 // queued event discarded
  BOOST_TEST(a.stats().offered == 1u);  // stats survive cancel
  ch.publish(batch(1));
  BOOST_TEST(ch.stats().empty());
  BOOST_TEST(a.stats().offered == 1u);
}

BOOST_AUTO_TEST_CASE(bad_arguments) {
  EventChannel ch;
  BOOST_CHECK_THROW(ch.subscribe("zero", 0), Error);
  BOOST_CHECK_THROW(ch.publish(Dropped{1, 1}), Error);
  Subscription empty;
  BOOST_TEST(!empty);
  BOOST_TEST(!empty.pop());
  BOOST_TEST(empty.closed());
}

BOOST_AUTO_TEST_SUITE_END()
