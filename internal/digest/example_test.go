package digest_test

import (
	"fmt"
	"net/http"

	"rendezvous/internal/digest"
)

// The whole exchange in memory: the server challenges, the client signs, the server
// verifies.
func Example() {
	creds := digest.NewCredentials("alice", "secret", "im.example.com",
		[]string{"im.example.com"}, []string{"CORP"}) // stored by the server
	v, err := digest.NewVerifier(&digest.VerifierOptions{Realm: "im.example.com"})
	if err != nil {
		panic(err)
	}
	lookup := func(username string, alg digest.Algorithm) (string, error) {
		if digest.Alias(username) != creds.Alias {
			return "", &digest.Error{Kind: digest.ErrUnknownUser, Username: username}
		}
		return creds.HA1(alg, username)
	}

	c, err := digest.NewClient(`CORP\alice`, "secret")
	if err != nil {
		panic(err)
	}
	_, sent := c.Authorize("SUBSCRIBE", "/instmsg/aliases/alice") // nothing to send yet
	_, err = v.Verify("SUBSCRIBE", "/instmsg/aliases/alice", "", lookup)
	h := http.Header{"Www-Authenticate": v.Challenge(digest.ChallengeStale(err))}
	if err := c.Challenge(h.Values("WWW-Authenticate"), sent); err != nil {
		panic(err)
	}
	authz, _ := c.Authorize("SUBSCRIBE", "/instmsg/aliases/alice")
	user, err := v.Verify("SUBSCRIBE", "/instmsg/aliases/alice", authz, lookup)
	fmt.Println(user, digest.Alias(user), err)
	// Output: CORP\alice alice <nil>
}
