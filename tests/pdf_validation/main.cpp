#define BOOST_TEST_MODULE pdf_validation
#include <boost/test/unit_test.hpp>
