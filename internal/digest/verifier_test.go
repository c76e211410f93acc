package digest

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testRealm = "im.example.com"
	testPass  = "pw"
)

var testCreds = NewCredentials("alice", testPass, testRealm, []string{testRealm}, []string{"CORP"})

// testLookup is the server's account lookup: alias, then the stored form.
func testLookup(username string, alg Algorithm) (string, error) {
	if Alias(username) != testCreds.Alias {
		return "", &Error{Kind: ErrUnknownUser, Username: username}
	}
	return testCreds.HA1(alg, username)
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newTestVerifier(t *testing.T, maxNonces int) (*Verifier, *testClock) {
	t.Helper()
	clk := &testClock{now: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)}
	v, err := NewVerifier(&VerifierOptions{Realm: testRealm, Clock: clk.Now, MaxNonces: maxNonces})
	if err != nil {
		t.Fatal(err)
	}
	return v, clk
}

// freshNonce takes the nonce of a new challenge.
func freshNonce(t *testing.T, v *Verifier) string {
	t.Helper()
	c, err := ParseChallenge(v.Challenge(false)[0])
	if err != nil {
		t.Fatal(err)
	}
	return c.Nonce
}

// sign builds an Authorization the way a correct client would.
func sign(user, pass, nonce, method, uri string, alg Algorithm, nc string) string {
	a := &Authorization{Username: user, Realm: testRealm, Nonce: nonce, URI: uri, Algorithm: alg,
		Qop: "auth", NC: nc, Cnonce: "0a4f113b"}
	a.Response, _ = ComputeResponse(HA1(a.algorithm().Base(), user, testRealm, pass), method, a)
	return a.String()
}

func TestVerifierChallenge(t *testing.T) {
	v, _ := newTestVerifier(t, 0)
	for _, stale := range []bool{false, true} {
		vals := v.Challenge(stale)
		if len(vals) != 2 {
			t.Fatalf("%d challenges", len(vals))
		}
		sha, err1 := ParseChallenge(vals[0])
		md, err2 := ParseChallenge(vals[1])
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if sha.Algorithm != SHA256 || md.Algorithm != MD5 || sha.Nonce != md.Nonce || sha.Nonce == "" {
			t.Fatalf("challenges %+v %+v", sha, md)
		}
		for _, c := range []Challenge{sha, md} {
			if c.Realm != testRealm || !reflect.DeepEqual(c.Qop, []string{"auth"}) || c.Stale != stale {
				t.Fatalf("challenge %+v", c)
			}
		}
	}
}

func TestVerifyAccepts(t *testing.T) {
	v, _ := newTestVerifier(t, 0)
	nonce := freshNonce(t, v)
	nc := 0
	for _, user := range []string{"alice", "alice@im.example.com", `CORP\alice`, `corp\alice`} {
		for _, alg := range []Algorithm{"", MD5, SHA256, MD5Sess, SHA256Sess} {
			nc++
			h := sign(user, testPass, nonce, "SUBSCRIBE", "/instmsg/aliases/alice", alg, fmt.Sprintf("%08x", nc))
			got, err := v.Verify("SUBSCRIBE", "/instmsg/aliases/alice", h, testLookup)
			if err != nil || got != user {
				t.Fatalf("%s %q: %q, %v", alg, user, got, err)
			}
		}
	}
}

func TestVerifyOldClientQuotedMD5(t *testing.T) {
	// An old client answers the SHA-256-first challenge with algorithm="MD5", a raw
	// backslash in the username and an uppercase nonce count.
	v, _ := newTestVerifier(t, 0)
	nonce := freshNonce(t, v)
	a := &Authorization{Username: `CORP\alice`, Realm: testRealm, Nonce: nonce, URI: "/instmsg/aliases/alice",
		Qop: "auth", NC: "0000000A", Cnonce: "abc"}
	resp, err := ComputeResponse(HA1(MD5, `CORP\alice`, testRealm, testPass), "PROPPATCH", a)
	if err != nil {
		t.Fatal(err)
	}
	h := `Digest username="CORP\alice",realm="im.example.com",nonce="` + nonce +
		`",uri="/instmsg/aliases/alice",cnonce="abc",nc=0000000A,algorithm="MD5",response="` + strings.ToUpper(resp) + `",qop="auth"`
	if got, err := v.Verify("PROPPATCH", "/instmsg/aliases/alice", h, testLookup); err != nil || got != `CORP\alice` {
		t.Fatalf("Verify = %q, %v", got, err)
	}
	// The same count in lower case is the same count: a replay.
	a.NC = "0000000a"
	lower := sign(`CORP\alice`, testPass, nonce, "PROPPATCH", "/instmsg/aliases/alice", MD5, "0000000a")
	if _, err := v.Verify("PROPPATCH", "/instmsg/aliases/alice", lower, testLookup); !errors.Is(err, ErrReplay) {
		t.Fatalf("lower-case repeat of 0000000A: %v", err)
	}
}

func TestVerifyStaleAfterLifetime(t *testing.T) {
	v, clk := newTestVerifier(t, 0)
	nonce := freshNonce(t, v)
	verify := func(nc string, pass string) error {
		_, err := v.Verify("GET", "/x", sign("alice", pass, nonce, "GET", "/x", SHA256, nc), testLookup)
		return err
	}
	clk.Advance(DefaultNonceLifetime)
	if err := verify("00000001", testPass); err != nil {
		t.Fatalf("at exactly 5 minutes: %v", err)
	}
	clk.Advance(time.Nanosecond)
	err := verify("00000002", testPass)
	if !errors.Is(err, ErrStale) || !ChallengeStale(err) {
		t.Fatalf("after 5 minutes: %v", err)
	}
	if err := verify("00000003", "wrong"); !errors.Is(err, ErrBadCredentials) || ChallengeStale(err) {
		t.Fatalf("stale nonce with a wrong password: %v", err)
	}
}

func TestVerifyNonceCountWindow(t *testing.T) {
	v, _ := newTestVerifier(t, 0)
	nonce := freshNonce(t, v)
	for _, step := range []struct {
		nc   uint64
		want error
	}{
		{1, nil}, {3, nil}, {2, nil}, {2, ErrReplay}, {1, ErrReplay},
		{100, nil}, {36, ErrReplay}, {37, nil}, {37, ErrReplay}, {99, nil}, {100, ErrReplay}, {3, ErrReplay},
		{1000, nil}, {999, nil}, {1 << 40, nil},
	} {
		h := sign("alice", testPass, nonce, "GET", "/x", MD5, fmt.Sprintf("%08X", step.nc))
		_, err := v.Verify("GET", "/x", h, testLookup)
		if !errors.Is(err, step.want) || (step.want == nil) != (err == nil) {
			t.Fatalf("nc %d: %v, want %v", step.nc, err, step.want)
		}
	}
}

func TestVerifyRefusals(t *testing.T) {
	v, _ := newTestVerifier(t, 0)
	nonce := freshNonce(t, v)
	other, _ := NewVerifier(&VerifierOptions{Realm: testRealm})
	good := func(a *Authorization) {}
	for _, tc := range []struct {
		name      string
		edit      func(a *Authorization)
		header    string // used instead when set
		uri       string // request URI, default /x
		wrongPass bool
		want      error
	}{
		{name: "no header", header: " ", want: ErrNoCredentials},
		{name: "basic", header: "Basic YWxpY2U6cHc=", want: ErrNoCredentials},
		{name: "garbage", header: `Digest username="a`, want: ErrMalformed},
		{name: "wrong password", edit: good, wrongPass: true, want: ErrBadCredentials},
		{name: "uri mismatch", edit: good, uri: "/y", want: ErrURIMismatch},
		{name: "absolute vs path", edit: good, uri: "http://im.example.com/x", want: ErrURIMismatch},
		{name: "realm", edit: func(a *Authorization) { a.Realm = "other" }, want: ErrBadCredentials},
		{name: "auth-int", edit: func(a *Authorization) { a.Qop = "auth-int" }, want: ErrUnsupported},
		{name: "no qop", edit: func(a *Authorization) { a.Qop = "" }, want: ErrUnsupported},
		{name: "algorithm", edit: func(a *Authorization) { a.Algorithm = "SHA-512-256" }, want: ErrUnsupported},
		{name: "userhash", edit: func(a *Authorization) { a.Userhash = true }, want: ErrUnsupported},
		{name: "nc zero", edit: func(a *Authorization) { a.NC = "00000000" }, want: ErrMalformed},
		{name: "nc not hex", edit: func(a *Authorization) { a.NC = "0000000g" }, want: ErrMalformed},
		{name: "no cnonce", edit: func(a *Authorization) { a.Cnonce = "" }, want: ErrMalformed},
		{name: "foreign nonce", edit: func(a *Authorization) { a.Nonce = freshNonce(t, other) }, want: ErrStale},
		{name: "garbage nonce", edit: func(a *Authorization) { a.Nonce = "abc" }, want: ErrStale},
		{name: "unknown user", edit: func(a *Authorization) { a.Username = "bob" }, want: ErrUnknownUser},
		{name: "unconfigured prefix", edit: func(a *Authorization) { a.Username = `OTHER\alice` }, want: ErrUnknownPrefix},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.header
			if h == "" {
				a := &Authorization{Username: "alice", Realm: testRealm, Nonce: nonce, URI: "/x",
					Algorithm: SHA256, Qop: "auth", NC: "00000001", Cnonce: "c"}
				tc.edit(a)
				pass := testPass
				if tc.wrongPass {
					pass = "wrong"
				}
				a.Response, _ = ComputeResponse(HA1(SHA256, a.Username, a.Realm, pass), "GET", a)
				h = a.String()
			}
			uri := tc.uri
			if uri == "" {
				uri = "/x"
			}
			_, err := v.Verify("GET", uri, h, testLookup)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestVerifyLookupFailure(t *testing.T) {
	v, _ := newTestVerifier(t, 0)
	boom := errors.New("store down")
	h := sign("alice", testPass, freshNonce(t, v), "GET", "/x", MD5, "00000001")
	_, err := v.Verify("GET", "/x", h, func(string, Algorithm) (string, error) { return "", boom })
	if !errors.Is(err, boom) || errors.Is(err, ErrBadCredentials) {
		t.Fatalf("err = %v", err)
	}
}

func TestNonceTrackingBounded(t *testing.T) {
	const max = 4
	v, clk := newTestVerifier(t, max)
	unused := freshNonce(t, v) // minted first, used only after evictions
	var nonces []string
	for range 10 {
		clk.Advance(time.Second)
		n := freshNonce(t, v)
		nonces = append(nonces, n)
		if _, err := v.Verify("GET", "/x", sign("alice", testPass, n, "GET", "/x", MD5, "00000001"), testLookup); err != nil {
			t.Fatal(err)
		}
		if got := v.tracker.len(); got > max {
			t.Fatalf("tracking %d nonces, cap %d", got, max)
		}
	}
	use := func(n, nc string) error {
		_, err := v.Verify("GET", "/x", sign("alice", testPass, n, "GET", "/x", MD5, nc), testLookup)
		return err
	}
	if err := use(nonces[0], "00000002"); !errors.Is(err, ErrStale) {
		t.Fatalf("evicted nonce: %v", err)
	}
	if err := use(unused, "00000001"); !errors.Is(err, ErrStale) {
		t.Fatalf("older than the eviction watermark: %v", err)
	}
	last := nonces[len(nonces)-1]
	if err := use(last, "00000001"); !errors.Is(err, ErrReplay) {
		t.Fatalf("tracked nonce replay: %v", err)
	}
	if err := use(last, "00000002"); err != nil {
		t.Fatalf("tracked nonce, next count: %v", err)
	}
	// Expired nonces release their state.
	clk.Advance(DefaultNonceLifetime + time.Second)
	if err := use(freshNonce(t, v), "00000001"); err != nil {
		t.Fatal(err)
	}
	if got := v.tracker.len(); got != 1 {
		t.Fatalf("after expiry tracking %d nonces, want 1", got)
	}
}

func TestVerifyConcurrent(t *testing.T) {
	v, _ := newTestVerifier(t, 0)
	nonce := freshNonce(t, v)
	const n = 200
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		wg.Go(func() {
			h := sign("alice", testPass, nonce, "GET", "/x", SHA256, fmt.Sprintf("%08x", i))
			_, err := v.Verify("GET", "/x", h, testLookup)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	var ok, replay int
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrReplay): // fell more than 64 behind the highest count
			replay++
		default:
			t.Fatal(err)
		}
	}
	if ok+replay != n || ok < 64 {
		t.Fatalf("ok %d, replay %d", ok, replay)
	}
}

func TestNewVerifierOptions(t *testing.T) {
	for _, o := range []*VerifierOptions{nil, {Realm: `bad\`}, {Realm: "r", Key: []byte("short")}} {
		if _, err := NewVerifier(o); err == nil {
			t.Errorf("NewVerifier(%+v) succeeded", o)
		}
	}
}
