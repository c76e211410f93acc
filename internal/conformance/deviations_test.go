package conformance

import "testing"

// knownDeviations lists, by full subtest name, every check rvpd is known
// to fail today, with the deviation in one line. check skips them unless
// RVP_CONFORMANCE_STRICT is set. Remove an entry once rvpd is fixed.
var knownDeviations = map[string]string{
	"TestDecisions/Authentication/Username_ANY_prefix_backslash_alias_is_accepted": "only PREFIX\\alias with a PREFIX in DigestPrefixes (at password time) is accepted; DECISIONS says any prefix",
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
