#define BOOST_TEST_MODULE cms_tests
#include <boost/test/unit_test.hpp>
