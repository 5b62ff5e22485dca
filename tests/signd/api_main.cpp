#define BOOST_TEST_MODULE signd_api
#include <boost/test/unit_test.hpp>
