package settings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// fileVersion is the format version this package writes.
const fileVersion = 1

// Notifications holds the notification preferences. Plain value.
type Notifications struct {
	NotifyOnMessage       bool `json:"NotifyOnMessage"`
	NotifyOnContactOnline bool `json:"NotifyOnContactOnline"`
	PlaySound             bool `json:"PlaySound"`
}

// DefaultNotifications enables every notification.
func DefaultNotifications() Notifications {
	return Notifications{NotifyOnMessage: true, NotifyOnContactOnline: true, PlaySound: true}
}

// Geometry is a window's position and size in screen units. Plain value.
type Geometry struct {
	X      int `json:"X"`
	Y      int `json:"Y"`
	Width  int `json:"Width"`
	Height int `json:"Height"`
}

// connectionJSON is Connection as stored, under the client's key names.
type connectionJSON struct {
	PollingFlag      int       `json:"PollingFlag"`
	PollingPeriod    int       `json:"PollingPeriod"`
	Ports            Ports     `json:"Ports"`
	ConfirmedAt      time.Time `json:"ConfirmedAt,omitzero"`
	OverriddenPolicy time.Time `json:"OverriddenPolicy,omitzero"`
}

func (c connectionJSON) value() Connection {
	return Connection{
		Mode: PollingMode(c.PollingFlag), PeriodMinutes: c.PollingPeriod, Ports: c.Ports,
		ConfirmedAt: c.ConfirmedAt, OverriddenPolicy: c.OverriddenPolicy,
	}
}

func connectionToJSON(c Connection) connectionJSON {
	return connectionJSON{
		PollingFlag: int(c.Mode), PollingPeriod: c.PeriodMinutes, Ports: c.Ports,
		ConfirmedAt: c.ConfirmedAt, OverriddenPolicy: c.OverriddenPolicy,
	}
}

// fileData is the settings document on disk. By design it has no field that
// could hold a password or any other secret: passwords live only in the
// keyring (Secrets). A test enforces this.
type fileData struct {
	Version             int                 `json:"Version"`
	SignInName          string              `json:"SignInName"`
	Connection          connectionJSON      `json:"Connection"`
	Server              string              `json:"Server"`
	RememberPassword    bool                `json:"RememberPassword"`
	SignInAutomatically bool                `json:"SignInAutomatically"`
	Notifications       Notifications       `json:"Notifications"`
	Windows             map[string]Geometry `json:"Windows"`
	Groups              []string            `json:"Groups"`
	Contacts            []Contact           `json:"Contacts"`

	// extra holds unknown top-level keys, written back unchanged on save,
	// so that an older build does not drop what a newer one stored.
	extra map[string]json.RawMessage
	// dropped lists unknown keys not kept because their names suggest a
	// secret (a hand edit); they are logged by name and never written back.
	dropped []string
}

// looksSecret reports whether an unknown key's name suggests a secret.
func looksSecret(key string) bool {
	k := strings.ToLower(key)
	for _, word := range []string{"password", "passwd", "secret", "token", "credential"} {
		if strings.Contains(k, word) {
			return true
		}
	}
	return false
}

func defaultFileData(signInName string) fileData {
	return fileData{
		Version:       fileVersion,
		SignInName:    signInName,
		Connection:    connectionToJSON(DefaultConnection()),
		Notifications: DefaultNotifications(),
		Windows:       map[string]Geometry{},
		Groups:        []string{},
		Contacts:      []Contact{},
	}
}

// knownKeys lists fileData's JSON keys.
var knownKeys = func() []string {
	t := reflect.TypeFor[fileData]()
	keys := make([]string, 0, t.NumField())
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" {
			keys = append(keys, name)
		}
	}
	return keys
}()

func isKnownKey(k string) bool {
	for _, known := range knownKeys {
		if strings.EqualFold(k, known) { // encoding/json matches keys this way
			return true
		}
	}
	return false
}

// decodeFile parses a settings document over the defaults for signInName.
// Missing keys keep their defaults; any syntax or type error is returned.
func decodeFile(data []byte, signInName string) (fileData, error) {
	d := defaultFileData(signInName)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fileData{}, err
	}
	if raw == nil {
		return fileData{}, fmt.Errorf("settings: document is null, not an object")
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return fileData{}, err
	}
	for k, v := range raw {
		if !isKnownKey(k) {
			if looksSecret(k) {
				d.dropped = append(d.dropped, k)
				continue
			}
			if d.extra == nil {
				d.extra = map[string]json.RawMessage{}
			}
			d.extra[k] = v
		}
	}
	d.fillNil()
	return d, nil
}

func (d *fileData) fillNil() {
	if d.Windows == nil {
		d.Windows = map[string]Geometry{}
	}
	if d.Groups == nil {
		d.Groups = []string{}
	}
	if d.Contacts == nil {
		d.Contacts = []Contact{}
	}
}

// encodeFile renders d as indented JSON with keys sorted, followed by a
// newline; unknown keys kept from the file read are included.
func encodeFile(d fileData) ([]byte, error) {
	known, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	merged := map[string]json.RawMessage{}
	if err := json.Unmarshal(known, &merged); err != nil {
		return nil, err
	}
	for k, v := range d.extra {
		merged[k] = v
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(merged); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// clone returns a deep copy of d.
func (d fileData) clone() fileData {
	c := d
	c.Windows = make(map[string]Geometry, len(d.Windows))
	for k, v := range d.Windows {
		c.Windows[k] = v
	}
	c.Groups = append([]string{}, d.Groups...)
	c.Contacts = append([]Contact{}, d.Contacts...)
	c.extra = make(map[string]json.RawMessage, len(d.extra))
	for k, v := range d.extra {
		c.extra[k] = append(json.RawMessage(nil), v...)
	}
	return c
}
