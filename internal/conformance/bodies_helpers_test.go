package conformance

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

const rootDecls = `xmlns:d='DAV:' xmlns:r='http://schemas.microsoft.com/rvp/' xmlns:a='http://schemas.microsoft.com/rvp/acl/'`

// imBody is an instant message as section 12.5 writes it (indented, with
// CRLF in the MIME part), so that byte-for-byte forwarding is visible.
func imBody(from, to, text string) []byte {
	return []byte(`<?xml version="1.0"?>` + "\r\n" +
		`<r:notification ` + rootDecls + ">\r\n <r:message>\r\n" +
		`  <r:notification-from><r:contact><d:href>` + principal(from) + `</d:href><r:description>` + displayName(from) + "</r:description></r:contact></r:notification-from>\r\n" +
		`  <r:notification-to><r:contact><d:href>` + principal(to) + `</d:href><r:description>` + displayName(to) + "</r:description></r:contact></r:notification-to>\r\n" +
		"  <r:msgbody><r:mime-data><![CDATA[MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n" +
		"X-MMS-IM-Format: FN=MS%%20Shell%%20Dlg; EF=; CO=0; CS=0; PF=0\r\nSession-Id: {3F2A9C10-5B7E-4D21-9A0B-6C1D2E3F4A5B}\r\n\r\n" +
		text + "]]></r:mime-data></r:msgbody>\r\n </r:message>\r\n</r:notification>\r\n")
}

// sendIM is the NOTIFY of an instant message from c to alias.
func sendIM(to string, body []byte) request {
	return request{method: "NOTIFY", uri: nodePath(to), body: body,
		header: []string{"RVP-Ack-Type: DeepOr", "RVP-Hop-Count: 1", "Content-Type: text/xml"}}
}

// stateBody is a PROPPATCH of r:state as a leased value. timeout or
// viewID "" leaves that element out; timeoutNS is "d" or "r".
func stateBody(token, timeout, timeoutNS, viewID string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><d:propertyupdate xmlns:d='DAV:' xmlns:r='http://schemas.microsoft.com/rvp/'><d:set><d:prop><r:state><r:leased-value>`)
	fmt.Fprintf(&b, `<r:value><r:%s/></r:value><r:default-value><r:offline/></r:default-value>`, token)
	if timeout != "" {
		fmt.Fprintf(&b, `<%s:timeout>%s</%s:timeout>`, timeoutNS, timeout, timeoutNS)
	}
	b.WriteString(`</r:leased-value>`)
	if viewID != "" {
		fmt.Fprintf(&b, `<r:view-id>%s</r:view-id>`, viewID)
	}
	b.WriteString(`</r:state></d:prop></d:set></d:propertyupdate>`)
	return []byte(b.String())
}

func proppatch(target string, body []byte) request {
	return request{method: "PROPPATCH", uri: nodePath(target), body: body, header: []string{"Content-Type: text/xml"}}
}

func propfind(target string, body []byte) request {
	return request{method: "PROPFIND", uri: nodePath(target), body: body,
		header: []string{"Depth: 0", "Content-Type: text/xml"}}
}

var allprop = []byte(`<?xml version="1.0"?><d:propfind xmlns:d='DAV:'><d:allprop/></d:propfind>`)

// setState PROPPATCHes c's own state and returns the view-id granted.
func (c *client) setState(t *testing.T, token, viewID string) string {
	t.Helper()
	r := c.do(t, proppatch(c.alias, stateBody(token, "1200", "d", viewID)))
	wantStatus(t, r, http.StatusMultiStatus)
	return echoedState(t, r).viewID
}

// stateEcho is the leased value a PROPPATCH answer echoes.
type stateEcho struct {
	value, deflt, timeout, viewID string
	timeoutNS                     string
}

func echoedState(t *testing.T, r *response) stateEcho {
	t.Helper()
	root := decode(t, r.body)
	state := root.path(nsD, "response", nsD, "propstat", nsD, "prop", nsR, "state")
	if state == nil {
		t.Fatalf("no d:response/d:propstat/d:prop/r:state in %s", clip(r.body))
	}
	lv := state.child(nsR, "leased-value")
	e := stateEcho{value: stateToken(lv.child(nsR, "value")), deflt: stateToken(lv.child(nsR, "default-value")),
		viewID: state.child(nsR, "view-id").trimmed()}
	if to := lv.child(nsD, "timeout"); to != nil {
		e.timeout, e.timeoutNS = to.trimmed(), nsD
	} else if to := lv.child(nsR, "timeout"); to != nil {
		e.timeout, e.timeoutNS = to.trimmed(), nsR
	}
	return e
}

// stateSeenBy is target's r:state token as c's PROPFIND reports it.
func (c *client) stateSeenBy(t *testing.T, target string) string {
	t.Helper()
	r := c.do(t, propfind(target, allprop))
	wantStatus(t, r, http.StatusMultiStatus)
	return propOf(decode(t, r.body), nsR, "state", "200")
}

// propOf finds the property in the propstat whose status has code, and
// returns its state token (for r:state) or text.
func propOf(root *elem, space, local, code string) string {
	for _, ps := range root.child(nsD, "response").all(nsD, "propstat") {
		if !strings.Contains(ps.child(nsD, "status").trimmed(), " "+code+" ") {
			continue
		}
		if p := ps.child(nsD, "prop").child(space, local); p != nil {
			if local == "state" && space == nsR {
				return stateToken(p)
			}
			return p.trimmed()
		}
	}
	return ""
}

// ace renders one ACE; who is `<a:rvp-principal>URL</a:rvp-principal>` or
// `<a:allprincipals/>`; creds nil leaves a:credentials out.
func ace(who string, creds []string, grant, deny []string) string {
	var b strings.Builder
	b.WriteString("<a:ace><a:principal>" + who)
	if creds != nil {
		b.WriteString("<a:credentials>")
		for _, c := range creds {
			b.WriteString("<a:" + c + "/>")
		}
		b.WriteString("</a:credentials>")
	}
	b.WriteString("</a:principal><a:grant>")
	for _, g := range grant {
		b.WriteString("<a:" + g + "/>")
	}
	b.WriteString("</a:grant><a:deny>")
	for _, d := range deny {
		b.WriteString("<a:" + d + "/>")
	}
	b.WriteString("</a:deny></a:ace>")
	return b.String()
}

func rvpPrincipal(alias string) string {
	return "<a:rvp-principal>" + principal(alias) + "</a:rvp-principal>"
}

// aclSet is an ACL set with one or more ACEs and, as old clients send it,
// no Content-Type.
func aclSet(target string, aces ...string) request {
	body := `<?xml version="1.0"?><a:rvpacl xmlns:a='http://schemas.microsoft.com/rvp/acl/'><a:acl><a:inheritance>none</a:inheritance>` +
		strings.Join(aces, "") + `</a:acl></a:rvpacl>`
	return request{method: "ACL", uri: nodePath(target), body: []byte(body)}
}

// deny sets one ACE on c's node for who denying rights (and granting none).
func (c *client) aclDeny(t *testing.T, who string, rights ...string) {
	t.Helper()
	r := c.do(t, aclSet(c.alias, ace(rvpPrincipal(who), []string{"assertion", "digest", "ntlm"}, nil, rights)))
	wantStatus(t, r, http.StatusOK)
}
