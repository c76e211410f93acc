package main

import (
	"fmt"
	"time"
)

// tripleSpec names one Default/Minimum/Maximum setting and where it lands.
type tripleSpec struct {
	setting string // "PollLifeTime"
	builtin Triple
	field   func(c *Config) *Triple
}

var tripleSpecs = []tripleSpec{
	{setting: "PollLifeTime", builtin: builtinLifeTime, field: func(c *Config) *Triple { return &c.Poll.LifeTime }},
	{setting: "PollMsgLifeTime", builtin: builtinMsgLifeTime, field: func(c *Config) *Triple { return &c.Poll.MsgLifeTime }},
}

// resolveTriples applies each triple whose three members are all set, are
// whole numbers of seconds and satisfy Minimum <= Default <= Maximum with
// Maximum >= 1 (rvpserver refuses a zero Maximum: nothing could be held).
// Otherwise the built-in triple stays and a Warning says why (POLLING.md
// section 4). A member set to the empty string counts as not set.
func resolveTriples(cfg *Config, final map[*keySpec]setting) []Warning {
	var warnings []Warning
	for _, ts := range tripleSpecs {
		t, reason, used := readTriple(ts.setting, final)
		if !used {
			continue
		}
		if reason == "" {
			*ts.field(cfg) = t
			continue
		}
		warnings = append(warnings, Warning{
			Setting: ts.setting,
			Message: fmt.Sprintf("%s: ignoring %sDefault/Minimum/Maximum (%s); using built-in %s",
				ts.setting, ts.setting, reason, ts.builtin),
		})
	}
	return warnings
}

// readTriple reads the three members of setting. used is false when none of
// them is set; reason is non-empty when the triple must be ignored.
func readTriple(setting string, final map[*keySpec]setting) (t Triple, reason string, used bool) {
	members := [3]string{"Default", "Minimum", "Maximum"}
	var vals [3]time.Duration
	count := 0
	for i, m := range members {
		s, ok := final[lookupKey(setting+m)]
		if !ok || s.value == "" {
			continue
		}
		count++
		n, valid := parseUint(s.value, 0, unlimited)
		if !valid && reason == "" {
			reason = fmt.Sprintf("%s%s = %q %s", setting, m, s.value, allowedTriple)
		}
		vals[i] = time.Duration(n) * time.Second
	}
	if count == 0 {
		return Triple{}, "", false
	}
	t = Triple{Default: vals[0], Minimum: vals[1], Maximum: vals[2]}
	switch {
	case reason != "":
	case count < 3:
		reason = fmt.Sprintf("only %d of 3 set", count)
	case !(t.Minimum <= t.Default && t.Default <= t.Maximum):
		reason = fmt.Sprintf("Minimum <= Default <= Maximum does not hold for %s", t)
	case t.Maximum == 0:
		reason = "Maximum must be at least 1"
	}
	return t, reason, true
}
