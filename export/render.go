package export

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// svgFonts is the font list an SVG asks for: the font the layout measured
// with first, then common Japanese fonts. SVGs do not embed the font.
const svgFonts = `'IPAGothic', 'IPAexGothic', 'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', Meiryo, sans-serif`

func xmlEscape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(clean(s)))
	return b.String()
}

func num(x float64) string { return fmt.Sprintf("%.2f", x) }

// writeSVG renders a scene as SVG 1.1.
func writeSVG(w io.Writer, s *scene) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%s" height="%s" viewBox="0 0 %s %s" font-family="%s">`+"\n",
		num(s.w), num(s.h), num(s.w), num(s.h), xmlEscape(svgFonts))
	fmt.Fprintf(bw, "<title>%s</title>\n", xmlEscape(s.title))
	fmt.Fprintf(bw, `<rect x="0" y="0" width="%s" height="%s" fill="#FFFFFF"/>`+"\n", num(s.w), num(s.h))
	for _, r := range s.rects {
		fmt.Fprintf(bw, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"`, num(r.x), num(r.y), num(r.w), num(r.h), r.fill.hex())
		if r.stroke {
			fmt.Fprintf(bw, ` stroke="%s" stroke-width="0.6"`, colBorder.hex())
		}
		for _, a := range r.attrs {
			fmt.Fprintf(bw, ` %s="%s"`, a[0], xmlEscape(a[1]))
		}
		bw.WriteString("/>\n")
	}
	for _, l := range s.labels {
		anchor := "start"
		switch l.anchor {
		case anchorMiddle:
			anchor = "middle"
		case anchorEnd:
			anchor = "end"
		}
		weight := ""
		if l.bold {
			weight = ` font-weight="bold"`
		}
		fmt.Fprintf(bw, `<text x="%s" y="%s" font-size="%s" text-anchor="%s" fill="%s"%s xml:space="preserve">%s</text>`+"\n",
			num(l.x), num(l.y), num(l.size), anchor, l.colour.hex(), weight, xmlEscape(l.s))
	}
	bw.WriteString("</svg>\n")
	return bw.Flush()
}

// pngScale is the PNG's pixels per scene unit.
const pngScale = 1.5

// writePNG renders a scene as a PNG with the Japanese font.
func writePNG(w io.Writer, s *scene) error {
	if s.font == nil {
		return fmt.Errorf("%w: PNG needs a font", ErrNoFont)
	}
	W, H := int(math.Ceil(s.w*pngScale)), int(math.Ceil(s.h*pngScale))
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	px := func(v float64) int { return int(math.Round(v * pngScale)) }
	border := image.NewUniform(color.RGBA{colBorder.r, colBorder.g, colBorder.b, 255})
	for _, r := range s.rects {
		rr := image.Rect(px(r.x), px(r.y), px(r.x+r.w), px(r.y+r.h))
		draw.Draw(img, rr, image.NewUniform(color.RGBA{r.fill.r, r.fill.g, r.fill.b, 255}), image.Point{}, draw.Src)
		if r.stroke {
			for _, e := range []image.Rectangle{
				image.Rect(rr.Min.X, rr.Min.Y, rr.Max.X, rr.Min.Y+1), image.Rect(rr.Min.X, rr.Max.Y-1, rr.Max.X, rr.Max.Y),
				image.Rect(rr.Min.X, rr.Min.Y, rr.Min.X+1, rr.Max.Y), image.Rect(rr.Max.X-1, rr.Min.Y, rr.Max.X, rr.Max.Y),
			} {
				draw.Draw(img, e, border, image.Point{}, draw.Src)
			}
		}
	}
	faces := map[float64]font.Face{}
	defer func() {
		for _, f := range faces {
			f.Close()
		}
	}()
	for _, l := range s.labels {
		size := l.size * pngScale
		fc := faces[size]
		if fc == nil {
			var err error
			fc, err = opentype.NewFace(s.font.sf, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
			if err != nil {
				return fmt.Errorf("export: PNG font face: %w", err)
			}
			faces[size] = fc
		}
		d := &font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{l.colour.r, l.colour.g, l.colour.b, 255}), Face: fc}
		x := l.x * pngScale
		switch l.anchor {
		case anchorMiddle:
			x -= fixedToFloat(d.MeasureString(l.s)) / 2
		case anchorEnd:
			x -= fixedToFloat(d.MeasureString(l.s))
		}
		d.Dot = fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(l.y * pngScale * 64)}
		d.DrawString(l.s)
		if l.bold { // the font has no bold face: overstrike
			d.Dot = fixed.Point26_6{X: fixed.Int26_6((x + 0.6) * 64), Y: fixed.Int26_6(l.y * pngScale * 64)}
			d.DrawString(l.s)
		}
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	return enc.Encode(w, img)
}

// writePDF renders a scene as a one-page PDF, embedding a subset of the
// font (TrueType glyf outlines).
func writePDF(w io.Writer, s *scene) error {
	if s.font == nil {
		return fmt.Errorf("%w: PDF needs a font", ErrNoFont)
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: s.w, H: s.h}, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{Title: s.title, Creator: "cpsfgraph", Producer: "cpsfgraph"})
	if err := pdf.AddTTFFontData("jp", s.font.Data); err != nil {
		return fmt.Errorf("export: PDF font %s: %w", s.font.Path, err)
	}
	pdf.AddPage()
	pdf.SetLineWidth(0.4)
	pdf.SetStrokeColor(colBorder.r, colBorder.g, colBorder.b)
	for _, r := range s.rects {
		pdf.SetFillColor(r.fill.r, r.fill.g, r.fill.b)
		style := "F"
		if r.stroke {
			style = "FD"
		}
		pdf.RectFromUpperLeftWithStyle(r.x, r.y, r.w, r.h, style)
	}
	for _, l := range s.labels {
		if l.s == "" {
			continue
		}
		if err := pdf.SetFont("jp", "", l.size); err != nil {
			return fmt.Errorf("export: PDF font size %v: %w", l.size, err)
		}
		pdf.SetTextColor(l.colour.r, l.colour.g, l.colour.b)
		x := l.x
		if l.anchor != anchorStart {
			tw, err := pdf.MeasureTextWidth(l.s)
			if err != nil {
				return fmt.Errorf("export: PDF text %q: %w", l.s, err)
			}
			if l.anchor == anchorMiddle {
				x -= tw / 2
			} else {
				x -= tw
			}
		}
		pdf.SetXY(x, l.y)
		if err := pdf.Text(l.s); err != nil {
			return fmt.Errorf("export: PDF text %q: %w", l.s, err)
		}
	}
	_, err := pdf.WriteTo(w)
	return err
}
