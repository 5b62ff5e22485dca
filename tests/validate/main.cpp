#define BOOST_TEST_MODULE validate_tests
#include <boost/test/unit_test.hpp>
