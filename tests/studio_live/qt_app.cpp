// The one QApplication of the live-view tests (a global fixture may be declared once per program).
#include <boost/test/unit_test.hpp>

#include "studio/qt_fixture.hpp"

using archscope::test::QtApp;
BOOST_TEST_GLOBAL_FIXTURE(QtApp);
