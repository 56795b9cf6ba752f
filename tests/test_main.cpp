// The single Boost.Test entry point shared by every module's test executable.
#define BOOST_TEST_MODULE archscope
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
