#define BOOST_TEST_MODULE signd
#include <boost/test/unit_test.hpp>
