#define BOOST_TEST_MODULE url
#include <boost/test/unit_test.hpp>
