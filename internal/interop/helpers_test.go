package interop

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// describeEvents lists the items of l from index from, one a line, for a
// failure message (rvpclient events or libpurple signals).
func describeEvents[T any](l *eventLog[T], from int) string {
	items, _ := l.snapshot()
	var b strings.Builder
	for _, e := range items[min(from, len(items)):] {
		fmt.Fprintf(&b, "\n  %T %+v", e, e)
	}
	return b.String()
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// plainText turns libpurple's HTML message text into plain text.
func plainText(s string) string {
	s = htmlTag.ReplaceAllString(s, "")
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&#39;", "'", "&amp;", "&")
	return r.Replace(s)
}

// isRVPLine keeps the librvp lines of the libpurple debug log.
func isRVPLine(line string) bool {
	return strings.Contains(line, "rvp") || strings.Contains(line, "parse_") ||
		strings.Contains(line, "connection:") || strings.Contains(line, "HTTP/1.1")
}

// tail returns the last n lines of path that keep accepts.
func tail(path string, n int, keep func(string) bool) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if keep(l) {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// writePurpleConfig writes a libpurple configuration directory with bob's
// RVP account (password saved, auto-login on, Digest domain EXAMPLE, the
// callback host given explicitly because the namespace has no other
// address), alice on his buddy list and a few UI preferences.
func writePurpleConfig(t *testing.T, ui string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"accounts.xml": `<?xml version='1.0' encoding='UTF-8' ?>
<account version='1.0'>
 <account>
  <protocol>` + prplRVP + `</protocol>
  <name>` + bob + `</name>
  <password>` + password + `</password>
  <settings>
   <setting name='domain' type='string'>` + authDomain + `</setting>
   <setting name='myhost' type='string'>127.0.0.1</setting>
  </settings>
  <settings ui='` + ui + `'>
   <setting name='auto-login' type='bool'>1</setting>
  </settings>
 </account>
</account>
`,
		"blist.xml": `<?xml version='1.0' encoding='UTF-8' ?>
<purple version='1.0'>
 <blist>
  <group name='Buddies'>
   <contact>
    <buddy account='` + bob + `' proto='` + prplRVP + `'>
     <name>` + alice + `</name>
    </buddy>
   </contact>
  </group>
 </blist>
</purple>
`,
		// librvp's request timeout (default 30 s) shorter than a step;
		// Pidgin: no tray icon, so the buddy list is shown at start.
		"prefs.xml": `<?xml version='1.0' encoding='UTF-8' ?>
<pref version='1' name='/'>
 <pref name='plugins'>
  <pref name='prpl'>
   <pref name='rvp'>
    <pref name='timeout' type='int' value='10'/>
   </pref>
  </pref>
 </pref>
 <pref name='pidgin'>
  <pref name='docklet'>
   <pref name='show' type='string' value='never'/>
  </pref>
  <pref name='blist'>
   <pref name='list_visible' type='bool' value='1'/>
  </pref>
 </pref>
</pref>
`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
