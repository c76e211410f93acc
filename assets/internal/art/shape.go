// Package art draws the application's icons from simple geometry.
//
// Shapes are signed distance fields: a Shape returns, for a point, its distance to the
// shape's outline, negative inside. Rasterising a field with a one-pixel ramp gives
// anti-aliased masks that image/draw composites onto the canvas. Everything here is pure
// computation on values; the functions are safe for concurrent use.
package art

import (
	"image"
	"image/color"
	"image/draw"
	"math"
)

// A Shape is a signed distance field in some coordinate space: negative inside, zero on the
// outline, positive outside.
type Shape func(x, y float64) float64

// Circle is the disc of radius r centred on (cx, cy).
func Circle(cx, cy, r float64) Shape {
	return func(x, y float64) float64 { return math.Hypot(x-cx, y-cy) - r }
}

// RoundRect is the rectangle centred on (cx, cy) with half sizes hw, hh and corner radius r.
func RoundRect(cx, cy, hw, hh, r float64) Shape {
	return func(x, y float64) float64 {
		qx := math.Abs(x-cx) - (hw - r)
		qy := math.Abs(y-cy) - (hh - r)
		outside := math.Hypot(math.Max(qx, 0), math.Max(qy, 0))
		inside := math.Min(math.Max(qx, qy), 0)
		return outside + inside - r
	}
}

// Triangle is the triangle with the given corners, in either winding order. Outside it the
// field is the largest edge distance: exact near the edges, which is all anti-aliasing needs.
func Triangle(ax, ay, bx, by, cx, cy float64) Shape {
	pts := [3][2]float64{{ax, ay}, {bx, by}, {cx, cy}}
	if (bx-ax)*(cy-ay)-(by-ay)*(cx-ax) < 0 {
		pts[1], pts[2] = pts[2], pts[1]
	}
	return func(x, y float64) float64 {
		d := math.Inf(-1)
		for i := range pts {
			p, q := pts[i], pts[(i+1)%3]
			ex, ey := q[0]-p[0], q[1]-p[1]
			// With this winding the outward normal of edge (ex, ey) is (ey, -ex).
			d = math.Max(d, ((x-p[0])*ey-(y-p[1])*ex)/math.Hypot(ex, ey))
		}
		return d
	}
}

// Union is the set covered by a or b.
func Union(a, b Shape) Shape {
	return func(x, y float64) float64 { return math.Min(a(x, y), b(x, y)) }
}

// SmoothUnion joins a and b with a fillet of width k, so a bubble's tail grows out of its
// body instead of meeting it at a crease.
func SmoothUnion(a, b Shape, k float64) Shape {
	return func(x, y float64) float64 {
		da, db := a(x, y), b(x, y)
		h := clamp(0.5+0.5*(db-da)/k, 0, 1)
		return db + (da-db)*h - k*h*(1-h)
	}
}

// Subtract is a with b removed.
func Subtract(a, b Shape) Shape {
	return func(x, y float64) float64 { return math.Max(a(x, y), -b(x, y)) }
}

// Grow moves the outline of s outwards by d (inwards when d is negative).
func Grow(s Shape, d float64) Shape {
	return func(x, y float64) float64 { return s(x, y) - d }
}

// Ring is the band of width w centred on the outline of s.
func Ring(s Shape, w float64) Shape {
	return func(x, y float64) float64 { return math.Abs(s(x, y)) - w/2 }
}

// Zoom scales s by z about the point (cx, cy) of the unit square and re-centres that point
// on (0.5, 0.5), so a design can be cropped tighter for small icons.
func Zoom(s Shape, z, cx, cy float64) Shape {
	return func(x, y float64) float64 {
		return s(cx+(x-0.5)/z, cy+(y-0.5)/z) * z
	}
}

// Mask rasterises s, given in unit-square coordinates, onto a size×size alpha mask. soft is
// the width of the edge ramp in pixels: 1 gives a crisp anti-aliased edge, more a blur.
func Mask(s Shape, size int, soft float64) *image.Alpha {
	m := image.NewAlpha(image.Rect(0, 0, size, size))
	n := float64(size)
	for y := range size {
		for x := range size {
			d := s((float64(x)+0.5)/n, (float64(y)+0.5)/n) * n
			a := clamp(0.5-d/soft, 0, 1)
			m.Pix[y*m.Stride+x] = uint8(math.Round(a * 255))
		}
	}
	return m
}

// Fill composites src through the mask of s onto dst.
func Fill(dst draw.Image, s Shape, src image.Image, soft float64) {
	size := dst.Bounds().Dx()
	draw.DrawMask(dst, dst.Bounds(), src, image.Point{}, Mask(s, size, soft), image.Point{}, draw.Over)
}

// Paint composites a solid colour through the mask of s onto dst.
func Paint(dst draw.Image, s Shape, c color.Color) {
	Fill(dst, s, image.NewUniform(c), 1)
}

func clamp(v, lo, hi float64) float64 {
	return math.Max(lo, math.Min(hi, v))
}
