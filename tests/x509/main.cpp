#define BOOST_TEST_MODULE x509_tests
#include <boost/test/unit_test.hpp>
