#define BOOST_TEST_MODULE pades
#include <boost/test/unit_test.hpp>
