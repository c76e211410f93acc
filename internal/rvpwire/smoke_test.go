package rvpwire

import (
	"bytes"
	"testing"
)

func TestMarshalDecodeRoundTrip(t *testing.T) {
	doc := Multistatus(Response{Href: "http://im.example.com/instmsg/aliases/bob", Propstats: []Propstat{{
		Props: Props{State: StateAway, DisplayName: ptr("Bob & Example")}.Elements(), Status: 200}}})
	b := Marshal(doc)
	want := `<?xml version="1.0"?><d:multistatus xmlns:d='DAV:' xmlns:r='http://schemas.microsoft.com/rvp/' xmlns:a='http://schemas.microsoft.com/rvp/acl/'><d:response><d:href>http://im.example.com/instmsg/aliases/bob</d:href><d:propstat><d:prop><r:state><r:away/></r:state><d:displayname>Bob &amp; Example</d:displayname></d:prop><d:status>HTTP/1.1 200 Successful</d:status></d:propstat></d:response></d:multistatus>`
	if string(b) != want {
		t.Fatalf("got\n%s\nwant\n%s", b, want)
	}
	root, err := Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := ParseMultistatus(root)
	if err != nil {
		t.Fatal(err)
	}
	p := PropsFrom(rs[0].Propstats[0].Props)
	if p.State != StateAway || *p.DisplayName != "Bob & Example" || rs[0].Propstats[0].Status != 200 {
		t.Fatalf("round trip lost data: %+v", rs)
	}
}
