#define BOOST_TEST_MODULE cms_refusal_tests
#include <boost/test/unit_test.hpp>
