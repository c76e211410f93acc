package art

import (
	"image"
	"image/color"
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestDistances(t *testing.T) {
	cases := []struct {
		name string
		s    Shape
		x, y float64
		want float64
	}{
		{"circle centre", Circle(0.5, 0.5, 0.25), 0.5, 0.5, -0.25},
		{"circle outside", Circle(0.5, 0.5, 0.25), 1, 0.5, 0.25},
		{"rect edge", RoundRect(0.5, 0.5, 0.3, 0.2, 0.1), 0.8, 0.5, 0},
		{"rect inside", RoundRect(0.5, 0.5, 0.3, 0.2, 0.1), 0.5, 0.5, -0.2},
		{"rect corner is round", RoundRect(0.5, 0.5, 0.3, 0.2, 0.1), 0.8, 0.7, 0.1 * (math.Sqrt2 - 1)},
		{"triangle inside", Triangle(0, 0, 1, 0, 0, 1), 0.25, 0.25, -0.25},
		{"triangle other winding", Triangle(0, 0, 0, 1, 1, 0), 0.25, 0.25, -0.25},
		{"triangle outside", Triangle(0, 0, 1, 0, 0, 1), 0.5, -0.5, 0.5},
		{"union", Union(Circle(0, 0, 1), Circle(3, 0, 1)), 3, 0, -1},
		{"subtract", Subtract(Circle(0, 0, 2), Circle(0, 0, 1)), 0, 0, 1},
		{"grow", Grow(Circle(0, 0, 1), 0.5), 0, 0, -1.5},
		{"ring", Ring(Circle(0, 0, 1), 0.2), 1, 0, -0.1},
		{"zoom keeps centre", Zoom(Circle(0.4, 0.4, 0.1), 2, 0.4, 0.4), 0.5, 0.5, -0.2},
	}
	for _, c := range cases {
		if got := c.s(c.x, c.y); !near(got, c.want) {
			t.Errorf("%s: distance at (%v,%v) = %v, want %v", c.name, c.x, c.y, got, c.want)
		}
	}
}

// A smooth union is never outside either shape and fills in between them.
func TestSmoothUnion(t *testing.T) {
	a, b := Circle(0, 0, 1), Circle(2.2, 0, 1)
	s := SmoothUnion(a, b, 0.5)
	if got := s(1.1, 0); got >= 0 {
		t.Errorf("the gap between the discs is not filled: distance %v", got)
	}
	if got := s(0, 0); got > a(0, 0) {
		t.Errorf("smooth union %v is outside the first shape %v", got, a(0, 0))
	}
}

func TestMaskAntialiases(t *testing.T) {
	// A half plane x < 0.5 on a 4-pixel canvas: pixel centres at 0.125,
	// 0.375, 0.625, 0.875, i.e. -1.5, -0.5, +0.5, +1.5 pixels from the edge.
	half := func(x, _ float64) float64 { return x - 0.5 }
	m := Mask(half, 4, 1)
	want := []uint8{255, 255, 0, 0}
	for x, w := range want {
		if got := m.AlphaAt(x, 0).A; got != w {
			t.Errorf("alpha at x=%d = %d, want %d", x, got, w)
		}
	}
	// The edge through a pixel centre gives half coverage.
	m = Mask(func(x, _ float64) float64 { return x - 0.375 }, 4, 1)
	if got := m.AlphaAt(1, 0).A; got != 128 {
		t.Errorf("alpha on the edge = %d, want 128", got)
	}
}

func TestPaint(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	Paint(img, Circle(0.5, 0.5, 0.3), red)
	if got := img.NRGBAAt(4, 4); got != red {
		t.Errorf("centre = %v, want %v", got, red)
	}
	if got := img.NRGBAAt(0, 0); got != (color.NRGBA{}) {
		t.Errorf("corner = %v, want transparent", got)
	}
}

func TestIcons(t *testing.T) {
	names := map[string]bool{}
	for _, icon := range Icons() {
		if names[icon.Name] {
			t.Errorf("duplicate icon %s", icon.Name)
		}
		names[icon.Name] = true
		img := icon.Draw(icon.Size)
		if b := img.Bounds(); b.Dx() != icon.Size || b.Dy() != icon.Size {
			t.Errorf("%s is %v, want %dx%d", icon.Name, b, icon.Size, icon.Size)
		}
		// Icons sit on a transparent background: the corners are empty.
		if a := img.NRGBAAt(0, 0).A; a != 0 {
			t.Errorf("%s: corner alpha %d, want 0", icon.Name, a)
		}
	}
}
