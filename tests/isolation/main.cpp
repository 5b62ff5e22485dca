#define BOOST_TEST_MODULE isolation
#include <boost/test/unit_test.hpp>
