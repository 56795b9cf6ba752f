#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <optional>

#include "store/db_path.hpp"
#include "store_test_util.hpp"

using namespace archscope::prof;
using namespace store_test;

namespace {

// Sets an environment variable for one scope and restores the previous value.
struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_store_db_path)

BOOST_AUTO_TEST_CASE(xdg_data_home_wins_and_directories_are_created) {
  TempDir dir;
  ScopedEnv xdg("XDG_DATA_HOME", (dir / "data").c_str());
  ScopedEnv home("HOME", (dir / "home").c_str());
  auto p = store::resolve_db_path();
  BOOST_TEST(p == dir / "data" / "archscope" / "runs.db");
  BOOST_TEST(std::filesystem::is_directory(dir / "data" / "archscope"));
}

BOOST_AUTO_TEST_CASE(home_fallback_when_xdg_unset_empty_or_relative) {
  TempDir dir;
  ScopedEnv home("HOME", (dir / "home").c_str());
  const auto expected = dir / "home" / ".local" / "share" / "archscope" / "runs.db";
  for (const char* xdg : {static_cast<const char*>(nullptr), "", "relative/data"}) {
    ScopedEnv x("XDG_DATA_HOME", xdg);
    BOOST_TEST(store::default_db_path() == expected);
  }
  BOOST_TEST(!std::filesystem::exists(dir / "home"));  // default_db_path creates nothing
  ScopedEnv x("XDG_DATA_HOME", nullptr);
  BOOST_TEST(store::resolve_db_path() == expected);
  BOOST_TEST(std::filesystem::is_directory(expected.parent_path()));
}

BOOST_AUTO_TEST_CASE(override_is_used_as_given) {
  TempDir dir;
  ScopedEnv xdg("XDG_DATA_HOME", (dir / "data").c_str());
  BOOST_TEST(store::resolve_db_path("some/where.db") == std::filesystem::path("some/where.db"));
  BOOST_TEST(!std::filesystem::exists(dir / "data"));
}

BOOST_AUTO_TEST_SUITE_END()
