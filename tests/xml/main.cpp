#define BOOST_TEST_MODULE xades
#include <boost/test/unit_test.hpp>
