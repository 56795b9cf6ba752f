// The Run dock's KV cache choice (issue 12 item 4): it offers the CLI's --kv-dtype names
// (kv/kv_dtype.hpp, fp32 first as the CLI's default), nothing else, and a run started from the
// dock with int8 runs with an int8 cache: the stored run records kv_dtype int8, as `run
// --kv-dtype int8` does (tests/cli/test_kv_quant_cli.cpp).
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "live/live_docks.hpp"
#include "live/live_run.hpp"
#include "store/run_store.hpp"
#include "studio/qt_fixture.hpp"
#include "studio/studio_support.hpp"
#include "widgets/run_panel.hpp"

using namespace archscope;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(run_dock_kv)

BOOST_AUTO_TEST_CASE(an_int8_cache_run_from_the_dock_is_stored_as_int8) {
  const fs::path dir =
      fs::temp_directory_path() / ("archscope-dockkv-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  test::Window t;
  BOOST_REQUIRE(t.w.open_preset("llama3-mini"));
  BOOST_REQUIRE(t.w.wait_until_idle());
  studio::LiveDocks& live = t.w.live();
  studio::RunPanel& dock = live.run_panel();
  dock.set_source(QString());
  dock.set_tokens(4, 2);
  dock.set_threads(1);
  const std::string db = (dir / "runs.db").string();
  dock.set_db(QString::fromStdString(db));
  BOOST_TEST((dock.options().kv == Elem::F32));  // the CLI's default
  BOOST_TEST(!dock.set_kv_dtype(QStringLiteral("int4")));
  for (const char* name : {"fp32", "bf16", "fp16", "int8", "fp8"})
    BOOST_TEST(dock.set_kv_dtype(QString::fromLatin1(name)), name);
  BOOST_TEST((dock.options().kv == Elem::FP8));
  BOOST_REQUIRE(dock.set_kv_dtype(QStringLiteral("int8")));
  BOOST_TEST((dock.options().kv == Elem::INT8));
  BOOST_REQUIRE_MESSAGE(dock.start_run(), dock.status_text().toStdString());
  BOOST_REQUIRE(live.run().wait_finished(60000));
  BOOST_TEST(live.run().state().failure.empty(), live.run().state().failure);
  auto store = prof::store::RunStore::open_read_only(db);
  const prof::RunInfo info = store.get_run(live.run().run_id());
  BOOST_TEST(info.kv_dtype == "int8");
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
