#include <boost/test/unit_test.hpp>

#include "sign/error.h"
#include "sign/url.h"

using sign::HttpUrl;

namespace {

std::string normal(const std::string& text) { return HttpUrl::parse(text).to_string(); }

bool refused(const std::string& text) {
    try {
        HttpUrl::parse(text);
        return false;
    } catch (const sign::Error& error) {
        return error.code() == "invalid_url";
    }
}

bool allowed(const std::string& url, std::vector<std::string> prefixes) {
    return HttpUrl::parse(url).is_allowed_by_any(prefixes);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc3986)

BOOST_AUTO_TEST_CASE(remove_dot_segments_follows_section_5_2_4) {
    // The two worked examples of section 5.2.4.
    BOOST_TEST(sign::remove_dot_segments("/a/b/c/./../../g") == "/a/g");
    BOOST_TEST(sign::remove_dot_segments("mid/content=5/../6") == "mid/6");
    // Section 5.4.2's abnormal examples, as merged paths of base http://a/b/c/d;p?q.
    BOOST_TEST(sign::remove_dot_segments("/b/c/../../../g") == "/g");
    BOOST_TEST(sign::remove_dot_segments("/b/c/../../../../g") == "/g");
    BOOST_TEST(sign::remove_dot_segments("/./g") == "/g");
    BOOST_TEST(sign::remove_dot_segments("/b/c/g.") == "/b/c/g.");
    BOOST_TEST(sign::remove_dot_segments("/b/c/..g") == "/b/c/..g");
    BOOST_TEST(sign::remove_dot_segments("/b/c/./../g") == "/b/g");
    BOOST_TEST(sign::remove_dot_segments("/b/c/./g/.") == "/b/c/g/");
    BOOST_TEST(sign::remove_dot_segments("/b/c/g/./h") == "/b/c/g/h");
    BOOST_TEST(sign::remove_dot_segments("/b/c/g/../h") == "/b/c/h");
    BOOST_TEST(sign::remove_dot_segments("/b/c/..") == "/b/");
    BOOST_TEST(sign::remove_dot_segments("/b/c/.") == "/b/c/");
    BOOST_TEST(sign::remove_dot_segments("") == "");
}

BOOST_AUTO_TEST_CASE(case_escapes_and_dots_are_normalised_as_section_6_2_2_says) {
    // 6.2.2.1: scheme and host are case-insensitive; escapes are upper-case.
    BOOST_TEST(normal("HTTP://www.EXAMPLE.com/") == "http://www.example.com/");
    BOOST_TEST(normal("http://example.com/%e1%ba%a1") == "http://example.com/%E1%BA%A1");
    // 6.2.2's combined example, on http: "eXAMPLE://a/./b/../b/%63/%7bfoo%7d".
    BOOST_TEST(normal("hTTp://a/./b/../b/%63/%7bfoo%7d") == "http://a/b/c/%7Bfoo%7D");
    // 6.2.2.2: escaped unreserved characters are the characters themselves.
    BOOST_TEST(normal("http://example.com/%7Efoo") == normal("http://example.com/~foo"));
    BOOST_TEST(normal("http://example.com/%41%2D%5F") == "http://example.com/A-_");
    // 6.2.3: an empty path is "/", an empty or default port is no port.
    for (const char* same : {"http://example.com", "http://example.com/", "http://example.com:/", "http://example.com:80/"})
        BOOST_TEST(normal(same) == "http://example.com/", same);
    BOOST_TEST(normal("https://example.com:443/x") == "https://example.com/x");
    BOOST_TEST(normal("https://example.com:8443/x") == "https://example.com:8443/x");
    BOOST_TEST(HttpUrl::parse("https://example.com:08443/x").port() == 8443);
    // The query keeps its meaning; only its escapes are normalised.
    auto url = HttpUrl::parse("https://h.example/cb/x?a=%7e&b=%2f&c=?/");
    BOOST_TEST(url.query().value() == "a=~&b=%2F&c=?/");
    BOOST_TEST(url.path() == "/cb/x");
    BOOST_TEST(!HttpUrl::parse("https://h.example/cb").query().has_value());
    BOOST_TEST(HttpUrl::parse("https://h.example/cb?").query().value() == "");
}

BOOST_AUTO_TEST_CASE(the_normal_form_parses_to_itself) {
    for (const char* text : {"HTTPS://Dms.DaNang.gov.vn:443/cb/./a/../b%7e?x=%7a%2F", "http://[2001:DB8:0::1]:8080/",
                             "http://10.0.0.5/hook", "https://xn--nng-hoa.vn/%E1%BA%A1"}) {
        auto once = HttpUrl::parse(text);
        BOOST_TEST((HttpUrl::parse(once.to_string()) == once), text);
        BOOST_TEST(HttpUrl::parse(once.to_string()).to_string() == once.to_string(), text);
    }
    BOOST_TEST(normal("http://[2001:DB8:0::1]:8080/") == "http://[2001:db8::1]:8080/");
    BOOST_TEST(normal("http://[::FFFF:7f00:1]/") == "http://[::ffff:127.0.0.1]/");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(refusals)

BOOST_AUTO_TEST_CASE(what_is_not_a_plain_http_url_is_refused) {
    for (const char* text : {
             "", "ftp://h.example/", "javascript:alert(1)", "https:/h.example/", "https:h.example", "//h.example/",
             "https://user@h.example/", "https://h.example@evil.example/cb/", "https://:pw@h.example/",
             "https://h.example/cb#frag", "https://h.example/c b", "https://h.example/cb\t", "https://h.example/\x7f",
             "https://h\xc3\xa1.example/", "https:///cb/", "https://h.example:0/", "https://h.example:65536/",
             "https://h.example:443x/", "https://h.example:-1/", "https://h.example:99999999999999999999/",
             "https://h.example/%", "https://h.example/%4", "https://h.example/%zz", "https://h.example/%00",
             "https://h.example/%0d%0aX-Injected:%201", "https://h.example/%C0%AE%C0%AE/", "https://h.example/%ff",
             "https://h.example/<script>", "https://h.example/a|b", "https://h.example/{x}", "https://h.example/a\"b",
         })
        BOOST_TEST(refused(text), text);
    BOOST_TEST(refused(std::string("https://h.example/") + std::string(2100, 'a')));
    BOOST_TEST(!refused(std::string("https://h.example/") + std::string(2000, 'a')));
}

BOOST_AUTO_TEST_CASE(hosts_only_as_dns_names_or_canonical_addresses) {
    for (const char* text : {"http://127.1/", "http://0x7f.0.0.1/", "http://2130706433/", "http://0177.0.0.1/",
                             "http://127.0.0.01/", "http://256.0.0.1/", "http://1.2.3.4.5/", "http://0x7f000001/",
                             "http://h.example./", "http://.h.example/", "http://h..example/", "http://-h.example/",
                             "http://h-.example/", "http://h_x.example/", "http://h%2eexample/", "http://[fe80::1%25eth0]/",
                             "http://[v1.x]/", "http://[::1/", "http://[::1]x/", "http://[not-ipv6]/", "http://[]/",
                             "http://h.example:80:80/", "http://::1/"})
        BOOST_TEST(refused(text), text);
    BOOST_TEST(normal("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/");
    BOOST_TEST(normal("http://0.0.0.0/") == "http://0.0.0.0/");
    BOOST_TEST(normal("http://h1.example/") == "http://h1.example/");
    BOOST_TEST(normal("http://1h.example/") == "http://1h.example/");
}

BOOST_AUTO_TEST_CASE(paths_that_servers_read_differently_are_refused) {
    for (const char* text : {
             "https://h.example/cb/%2F../admin", "https://h.example/cb%2fadmin", "https://h.example/cb/%2e%2e%2fadmin",
             "https://h.example/cb/%5C..%5Cadmin", "https://h.example/cb\\..\\admin", "https://h.example\\cb/",
             "https://h.example/cb//x", "https:////h.example/cb/", "https://h.example//cb/", "https://h.example/cb/..;/admin",
             "https://h.example/cb/.;x/y", "https://h.example/cb/%2e%2e;/admin",
         })
        BOOST_TEST(refused(text), text);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(allow_list)

BOOST_AUTO_TEST_CASE(dot_segments_cannot_leave_an_allowed_folder) {
    const std::vector<std::string> cb = {"https://h.example/cb/"};
    BOOST_TEST(allowed("https://h.example/cb/x", cb));
    BOOST_TEST(normal("https://h.example/cb/../admin/x") == "https://h.example/admin/x");
    for (const char* escape : {"https://h.example/cb/../admin/x", "https://h.example/cb/%2e%2e/admin/x",
                               "https://h.example/cb/%2E%2e/admin/x", "https://h.example/cb/.%2e/admin/x",
                               "https://h.example/cb/./../admin/x", "https://h.example/cb/x/../../admin",
                               "https://h.example/cb/..", "https://h.example/cb/x/%2e%2e/%2E%2E/admin"})
        BOOST_TEST(!allowed(escape, cb), escape);
    // Dots that stay inside the folder are harmless: the POST goes to where they lead.
    BOOST_TEST(allowed("https://h.example/cb/a/../b", cb));
    BOOST_TEST(normal("https://h.example/cb/a/../b") == "https://h.example/cb/b");
    BOOST_TEST(allowed("https://h.example/x/../cb/y", cb));
}

BOOST_AUTO_TEST_CASE(prefixes_end_on_a_segment_boundary) {
    BOOST_TEST(!allowed("https://h.example/cbx", {"https://h.example/cb/"}));
    BOOST_TEST(!allowed("https://h.example/cbx/y", {"https://h.example/cb/"}));
    BOOST_TEST(!allowed("https://h.example/cb", {"https://h.example/cb/"}));
    // Without the '/', the allowed URL is that URL only.
    BOOST_TEST(allowed("https://h.example/cb", {"https://h.example/cb"}));
    BOOST_TEST(!allowed("https://h.example/cbx", {"https://h.example/cb"}));
    BOOST_TEST(!allowed("https://h.example/cb/x", {"https://h.example/cb"}));
    BOOST_TEST(!allowed("https://h.example/cb?x=1", {"https://h.example/cb"}));
    // An allowed URL with a query matches only itself.
    BOOST_TEST(allowed("https://h.example/cb/?id=%7e", {"https://h.example/cb/?id=~"}));
    BOOST_TEST(!allowed("https://h.example/cb/x?id=~", {"https://h.example/cb/?id=~"}));
    BOOST_TEST(allowed("https://h.example/cb/x?any=thing", {"https://h.example/cb/"}));
}

BOOST_AUTO_TEST_CASE(scheme_host_and_port_must_match_in_normal_form) {
    const std::vector<std::string> cb = {"https://dms.danang.gov.vn/cb/"};
    BOOST_TEST(allowed("HTTPS://DMS.DaNang.GOV.VN/cb/x", cb));
    BOOST_TEST(allowed("https://dms.danang.gov.vn:443/cb/x", cb));
    BOOST_TEST(allowed("https://dms.danang.gov.vn:/cb/x", cb));
    BOOST_TEST(!allowed("https://dms.danang.gov.vn:8443/cb/x", cb));
    BOOST_TEST(!allowed("http://dms.danang.gov.vn/cb/x", cb));
    BOOST_TEST(!allowed("https://dms.danang.gov.vn.evil.example/cb/x", cb));
    BOOST_TEST(!allowed("https://evil.example/cb/x", cb));
    BOOST_TEST(refused("https://evil.example/https://dms.danang.gov.vn/cb/"));
    BOOST_TEST(!allowed("https://evil.example/dms.danang.gov.vn/cb/", cb));
    // '@' in the path is an ordinary character; in the authority it is refused.
    BOOST_TEST(allowed("https://dms.danang.gov.vn/cb/@evil.example", cb));
    BOOST_TEST(refused("https://dms.danang.gov.vn@evil.example/cb/x"));
    // Allowed URLs are normalised too; one that does not parse allows nothing.
    BOOST_TEST(allowed("https://dms.danang.gov.vn/cb/x", {"HTTPS://DMS.danang.gov.vn:443/a/../cb/"}));
    BOOST_TEST(!allowed("https://dms.danang.gov.vn/cb/x", {"https://user@dms.danang.gov.vn/cb/", "*", ""}));
    BOOST_TEST(!allowed("https://dms.danang.gov.vn/cb/x", {}));
}

BOOST_AUTO_TEST_SUITE_END()
