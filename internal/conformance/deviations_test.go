package conformance

import "testing"

// knownDeviations lists, by full subtest name, every check rvpd is known
// to fail today, with the deviation in one line. check skips them unless
// RVP_CONFORMANCE_STRICT is set. Remove an entry once rvpd is fixed.
var knownDeviations = map[string]string{
	"TestDecisions/Authentication/Username_ANY_prefix_backslash_alias_is_accepted":                                                     "only PREFIX\\alias with a PREFIX in DigestPrefixes (at password time) is accepted; DECISIONS says any prefix",
	"TestProtocol/Section1_Every_response_even_from_the_HTTP_layer/Malformed_header_line_is_400/RVP-Notifications-Version_0.2":         "net/http writes this 400 itself, without RVP-Notifications-Version",
	"TestProtocol/Section1_Every_response_even_from_the_HTTP_layer/Malformed_header_line_is_400/Content-Length_never_chunked":          "net/http writes this 400 itself, with a body but no Content-Length (Connection: close)",
	"TestProtocol/Section1_Every_response_even_from_the_HTTP_layer/HTTP/1.1_request_without_Host_is_400/RVP-Notifications-Version_0.2": "net/http writes this 400 itself, without RVP-Notifications-Version",
	"TestProtocol/Section1_Every_response_even_from_the_HTTP_layer/HTTP/1.1_request_without_Host_is_400/Content-Length_never_chunked":  "net/http writes this 400 itself, with a body but no Content-Length (Connection: close)",
	"TestProtocol/Section1_Every_response_even_from_the_HTTP_layer/Unsupported_Transfer-Encoding_is_501/RVP-Notifications-Version_0.2": "net/http writes this 501 itself, without RVP-Notifications-Version",
	"TestProtocol/Section1_Every_response_even_from_the_HTTP_layer/Unsupported_Transfer-Encoding_is_501/Content-Length_never_chunked":  "net/http writes this 501 itself, with a body but no Content-Length (Connection: close)",
}

// check runs one leaf check as a subtest, skipping a known deviation
// unless RVP_CONFORMANCE_STRICT is set.
func check(t *testing.T, name string, f func(t *testing.T)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		if d, ok := knownDeviations[t.Name()]; ok {
			strict(t, d)
		}
		f(t)
	})
}
