package export

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// FontEnv is the environment variable that names a TrueType font with
// Japanese glyphs to use instead of the system's.
const FontEnv = "CPSFGRAPH_FONT"

// FontPaths are the system fonts tried, in order, when FontEnv is unset:
// IPA Gothic from Debian's fonts-ipafont-gothic first (IPA Font License: the
// exports embed a subset in PDFs, which that licence allows, and we never
// ship the font itself). Only TrueType outlines (glyf) work for the PDF.
var FontPaths = []string{
	"/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
	"/usr/share/fonts/truetype/ipafont-gothic/ipag.ttf",
	"/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
	"/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
	"/usr/share/fonts/ipa-gothic/ipag.ttf",
	"/usr/share/fonts/ipa-gothic-fonts/ipag.ttf",
}

// FontPackage is the Debian package that provides the default font.
const FontPackage = "fonts-ipafont-gothic"

// ErrNoFont is wrapped by FindFont's errors.
var ErrNoFont = errors.New("no usable font with Japanese glyphs")

// Font is a TrueType font with Japanese glyphs.
type Font struct {
	Path string
	Name string // full name from the font's name table
	// Licence names the font's licence where we know it (the IPA fonts'),
	// for the footer of the images and PDFs that embed or draw with it.
	Licence string
	Data    []byte
	sf      *opentype.Font

	mu    sync.Mutex
	faces map[float64]font.Face
}

var fontCache sync.Map // path -> *Font

// FindFont loads the font override names (typically $CPSFGRAPH_FONT) or,
// when override is "", the first of paths that exists. The error names
// every path it tried.
func FindFont(override string, paths []string) (*Font, error) {
	if override != "" {
		f, err := LoadFont(override)
		if err != nil {
			return nil, fmt.Errorf("%w: %s=%s: %v", ErrNoFont, FontEnv, override, err)
		}
		return f, nil
	}
	var tried []string
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			tried = append(tried, p+" (missing)")
			continue
		}
		f, err := LoadFont(p)
		if err != nil {
			tried = append(tried, fmt.Sprintf("%s (%v)", p, err))
			continue
		}
		return f, nil
	}
	return nil, fmt.Errorf("%w: tried %s; install the Debian package %s or set %s to a TrueType (.ttf) font with Japanese glyphs",
		ErrNoFont, strings.Join(tried, ", "), FontPackage, FontEnv)
}

// LoadFont reads and checks one TrueType font: it must parse and hold
// Japanese glyphs (kana and kanji).
func LoadFont(path string) (*Font, error) {
	abs, err := filepath.Abs(path)
	if err == nil {
		path = abs
	}
	if f, ok := fontCache.Load(path); ok {
		return f.(*Font), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sf, err := opentype.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("font %s: %v (want a TrueType .ttf file)", path, err)
	}
	var buf sfnt.Buffer
	for _, r := range "日本語のリスク値" {
		if gi, err := sf.GlyphIndex(&buf, r); err != nil || gi == 0 {
			return nil, fmt.Errorf("font %s has no glyph for %q: it cannot print Japanese", path, r)
		}
	}
	name, _ := sf.Name(&buf, sfnt.NameIDFull)
	if name == "" {
		name = filepath.Base(path)
	}
	f := &Font{Path: path, Name: name, Data: data, sf: sf, faces: map[float64]font.Face{}}
	if strings.HasPrefix(name, "IPA") {
		f.Licence = "IPA Font License Agreement v1.0"
	}
	actual, _ := fontCache.LoadOrStore(path, f)
	return actual.(*Font), nil
}

// face returns a face of size px (pixels at 72 dpi).
func (f *Font) face(px float64) font.Face {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fc, ok := f.faces[px]; ok {
		return fc
	}
	fc, err := opentype.NewFace(f.sf, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		// NewFace fails only on invalid options; the size is ours.
		panic(fmt.Sprintf("export: font face size %v: %v", px, err))
	}
	f.faces[px] = fc
	return fc
}

// measure returns the advance width of s at size px.
func (f *Font) measure(s string, px float64) float64 {
	if f == nil {
		return approxWidth(s, px)
	}
	fc := f.face(px)
	f.mu.Lock()
	defer f.mu.Unlock()
	return fixedToFloat(font.MeasureString(fc, s))
}

func fixedToFloat(x fixed.Int26_6) float64 { return float64(x) / 64 }

// approxWidth estimates a width without a font: wide runes 1 em, others
// 0.55 em. SVG uses it when no font is installed (the viewer draws the
// text with its own fonts).
func approxWidth(s string, px float64) float64 {
	w := 0.0
	for _, r := range s {
		if displayWidth(string(r)) == 2 {
			w += px
		} else {
			w += 0.55 * px
		}
	}
	return w
}
