package rvpwire

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeRejects(t *testing.T) {
	deep := strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1)
	for _, doc := range []string{"", "<a>", "<a></b>", "<a/><b/>", "text<a/>", "<a><b></a>", deep, "<?xml version='1.0'?>"} {
		if _, err := Decode(strings.NewReader(doc)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%.40q: err = %v, want ErrMalformed", doc, err)
		}
	}
}

func TestParseWrongRoot(t *testing.T) {
	root, _ := Decode(strings.NewReader(`<x:foo xmlns:x="urn:x"/>`))
	if _, err := ParseMultistatus(root); !errors.Is(err, ErrMalformed) {
		t.Error(err)
	}
	if _, err := ParsePropertyUpdate(root); !errors.Is(err, ErrMalformed) {
		t.Error(err)
	}
	if _, err := ParseNotification(root); !errors.Is(err, ErrMalformed) {
		t.Error(err)
	}
	if _, err := ParsePropFind(root); !errors.Is(err, ErrMalformed) {
		t.Error(err)
	}
	if _, err := ParseACL(root); !errors.Is(err, ErrMalformed) {
		t.Error(err)
	}
	if _, err := ParseSubscriptions(root); !errors.Is(err, ErrMalformed) {
		t.Error(err)
	}
}
