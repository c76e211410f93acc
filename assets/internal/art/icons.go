package art

import (
	"image"
	"image/color"
)

// Palette of the artwork: a deep blue to teal gradient with pale aqua and white bubbles.
var (
	blue     = color.NRGBA{R: 0x1d, G: 0x5f, B: 0xd6, A: 0xff}
	teal     = color.NRGBA{R: 0x11, G: 0x9d, B: 0xa4, A: 0xff}
	aqua     = color.NRGBA{R: 0xb4, G: 0xf0, B: 0xe8, A: 0xff}
	white    = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	shadow   = color.NRGBA{A: 0x38}
	green    = color.NRGBA{R: 0x2e, G: 0xb8, B: 0x5c, A: 0xff}
	greenRim = color.NRGBA{R: 0x1c, G: 0x86, B: 0x40, A: 0xff}
	red      = color.NRGBA{R: 0xd9, G: 0x36, B: 0x36, A: 0xff}
	redRim   = color.NRGBA{R: 0xa3, G: 0x22, B: 0x22, A: 0xff}
	amber    = color.NRGBA{R: 0xf2, G: 0xa9, B: 0x1c, A: 0xff}
	amberRim = color.NRGBA{R: 0xb8, G: 0x78, B: 0x0a, A: 0xff}
	grey     = color.NRGBA{R: 0x8a, G: 0x8f, B: 0x96, A: 0xff}
)

// An Icon is one generated image file of the assets package.
type Icon struct {
	Name string // file name, e.g. "icon.png"
	Size int    // width and height in pixels
	Draw func(size int) *image.NRGBA
}

// Icons lists every image the assets package embeds, in a fixed order.
func Icons() []Icon {
	return []Icon{
		{Name: "icon.png", Size: 512, Draw: AppIcon},
		{Name: "tray.png", Size: 64, Draw: TrayIcon},
		{Name: "status-online.png", Size: 64, Draw: statusIcon(green, greenRim, nil)},
		{Name: "status-busy.png", Size: 64, Draw: statusIcon(red, redRim, busyBar())},
		{Name: "status-away.png", Size: 64, Draw: statusIcon(amber, amberRim, clockHands())},
		{Name: "status-offline.png", Size: 64, Draw: OfflineIcon},
	}
}

// Two overlapping speech bubbles: one behind (top right, tail to the right) and one in
// front (bottom left, tail to the left), in unit-square coordinates.
func backBubble() Shape {
	body := RoundRect(0.60, 0.39, 0.25, 0.17, 0.13)
	tail := Triangle(0.70, 0.54, 0.83, 0.50, 0.85, 0.67)
	return SmoothUnion(body, tail, 0.04)
}

func frontBubble() Shape {
	body := RoundRect(0.42, 0.59, 0.26, 0.18, 0.14)
	tail := Triangle(0.24, 0.68, 0.36, 0.72, 0.17, 0.84)
	return SmoothUnion(body, tail, 0.04)
}

// typingDots are the three dots inside the front bubble.
func typingDots() Shape {
	return Union(Circle(0.32, 0.59, 0.035), Union(Circle(0.42, 0.59, 0.035), Circle(0.52, 0.59, 0.035)))
}

// AppIcon draws the application icon: the bubbles on a rounded blue-to-teal tile.
func AppIcon(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	Fill(img, RoundRect(0.5, 0.5, 0.44, 0.44, 0.2), gradient(size, blue, teal), 1)
	back, front := backBubble(), frontBubble()
	Paint(img, Subtract(back, Grow(front, 0.03)), aqua)
	lifted := func(x, y float64) float64 { return front(x, y-0.015) }
	Fill(img, lifted, image.NewUniform(shadow), float64(size)*0.03)
	Paint(img, front, white)
	Paint(img, typingDots(), blue)
	return img
}

// TrayIcon draws the bubbles alone, cropped tight, in colours that read on light and dark
// panels alike.
func TrayIcon(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	back, front := backBubble(), frontBubble()
	zoom := func(s Shape) Shape { return Zoom(s, 1.3, 0.51, 0.535) }
	Paint(img, zoom(Subtract(back, Grow(front, 0.04))), teal)
	Paint(img, zoom(front), blue)
	Paint(img, zoom(typingDots()), white)
	return img
}

// statusIcon draws a filled disc with a darker rim and an optional white glyph.
func statusIcon(fill, rim color.NRGBA, glyph Shape) func(int) *image.NRGBA {
	return func(size int) *image.NRGBA {
		img := image.NewNRGBA(image.Rect(0, 0, size, size))
		Paint(img, Circle(0.5, 0.5, 0.42), rim)
		Paint(img, Circle(0.5, 0.5, 0.35), fill)
		if glyph != nil {
			Paint(img, glyph, white)
		}
		return img
	}
}

// busyBar is the horizontal "do not disturb" bar.
func busyBar() Shape {
	return RoundRect(0.5, 0.5, 0.22, 0.065, 0.065)
}

// clockHands show a clock at three o'clock: away for a while.
func clockHands() Shape {
	hour := RoundRect(0.5, 0.39, 0.05, 0.14, 0.05)
	minute := RoundRect(0.585, 0.5, 0.135, 0.05, 0.05)
	return Union(hour, minute)
}

// OfflineIcon draws a hollow grey ring: nobody there.
func OfflineIcon(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	Paint(img, Ring(Circle(0.5, 0.5, 0.345), 0.13), grey)
	return img
}

// gradient is a size×size diagonal blend from the top-left colour a to the bottom-right b.
func gradient(size int, a, b color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			t := float64(x+y) / float64(2*size-2)
			img.SetNRGBA(x, y, color.NRGBA{
				R: mix(a.R, b.R, t), G: mix(a.G, b.G, t), B: mix(a.B, b.B, t), A: 0xff,
			})
		}
	}
	return img
}

func mix(a, b uint8, t float64) uint8 {
	return uint8(float64(a) + (float64(b)-float64(a))*t + 0.5)
}
