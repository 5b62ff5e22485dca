#define BOOST_TEST_MODULE signctl
#include <boost/test/unit_test.hpp>
