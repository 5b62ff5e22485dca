#define BOOST_TEST_MODULE signd_api_unit
#include <boost/test/unit_test.hpp>
