package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxConfigBytes bounds the config file; a real one is a few hundred bytes.
const maxConfigBytes = 1 << 20

// readConfigFile opens and parses the config file at path.
func readConfigFile(path string) ([]setting, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	return parseConfig(path, f)
}

// parseConfig reads "Key = Value" lines. Blank lines and lines whose first
// non-blank character is '#' are ignored, and a '#' preceded by a space or
// tab ends the value (a trailing comment). Keys are the white paper names,
// matched without regard to case; an unknown key, a line without '=' and a
// key set twice are errors. The value is the rest of the line, trimmed; it
// is not unquoted.
func parseConfig(name string, r io.Reader) ([]setting, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxConfigBytes+1))
	if err != nil {
		return nil, &ConfigError{Source: name, Problem: fmt.Sprintf("cannot read: %v", err)}
	}
	if len(data) > maxConfigBytes {
		return nil, &ConfigError{Source: name, Problem: "larger than 1 MiB"}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	firstLine := map[*keySpec]int{}
	var out []setting
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		source := fmt.Sprintf("%s:%d", name, n)
		s, ok, err := parseLine(source, line)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if first, dup := firstLine[s.key]; dup {
			return nil, &ConfigError{Source: source, Key: s.key.name, Problem: fmt.Sprintf("set twice (first on line %d)", first)}
		}
		firstLine[s.key] = n
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, &ConfigError{Source: name, Problem: fmt.Sprintf("cannot read: %v", err)}
	}
	return out, nil
}

// parseLine parses one line; ok is false for blank and comment lines.
func parseLine(source, line string) (s setting, ok bool, err error) {
	line = strings.TrimSpace(stripComment(line))
	if line == "" {
		return setting{}, false, nil
	}
	key, value, found := strings.Cut(line, "=")
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	if !found || key == "" {
		return setting{}, false, &ConfigError{Source: source, Problem: fmt.Sprintf("expected \"Key = Value\", got %q", line)}
	}
	k := lookupKey(key)
	if k == nil {
		return setting{}, false, unknownKey(source, key)
	}
	return setting{key: k, value: value, source: source}, true, nil
}

// stripComment cuts a whole-line comment or a '#' preceded by blank space.
func stripComment(line string) string {
	if strings.HasPrefix(strings.TrimLeft(line, " \t"), "#") {
		return ""
	}
	for i := 1; i < len(line); i++ {
		if line[i] == '#' && (line[i-1] == ' ' || line[i-1] == '\t') {
			return line[:i]
		}
	}
	return line
}

// unknownKey names the key and, when one is close, the key that was meant.
func unknownKey(source, key string) error {
	problem := "unknown key (rvpd --help lists the keys)"
	if best := closestKey(key); best != "" {
		problem = fmt.Sprintf("unknown key (did you mean %s?)", best)
	}
	return &ConfigError{Source: source, Key: key, Problem: problem}
}

// closestKey is the key within edit distance 3 of key, if any.
func closestKey(key string) string {
	best, bestDist := "", 4
	for _, k := range keySpecs {
		if d := editDistance(strings.ToLower(key), strings.ToLower(k.name)); d < bestDist {
			best, bestDist = k.name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
