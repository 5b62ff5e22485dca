#define BOOST_TEST_MODULE signing
#include <boost/test/unit_test.hpp>
