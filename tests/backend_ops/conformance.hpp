// What every conformance test includes: the backends under test, host-side tensors and the
// float64 references with their bounds.
#pragma once

#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "backends.hpp"
#include "common/error.hpp"
#include "host_tensors.hpp"
#include "reference.hpp"
