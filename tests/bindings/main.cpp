#define BOOST_TEST_MODULE signmobile
#include <boost/test/unit_test.hpp>
