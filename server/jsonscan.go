package server

import (
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The compiled validator reads a body the way kin-openapi does: with
// encoding/json's Decoder, which takes the first JSON value of the body and
// leaves the rest. jsonScanner accepts exactly the first values that
// Decoder accepts and unquotes strings exactly as it does, without building
// a map[string]any per request. The differential tests hold it to that.

// maxJSONDepth is encoding/json's nesting limit: deeper than this is not
// JSON to it, so it is not JSON here either.
const maxJSONDepth = 10000

// jsonKind is the type of a JSON value.
type jsonKind uint8

const (
	kindNone jsonKind = iota
	kindObject
	kindArray
	kindString
	kindNumber
	kindBool
	kindNull
)

// jsonScanner reads one JSON text from data, from pos on.
type jsonScanner struct {
	data  []byte
	pos   int
	depth int
}

// jsonString is a string token: the bytes between its quotes, and whether
// they hold an escape or a byte outside ASCII, either of which may make
// the string differ from its bytes.
type jsonString struct {
	start, end int
	escaped    bool
	nonASCII   bool
}

// raw reports whether the string is its bytes, with nothing to unquote.
func (s jsonString) raw(data []byte) bool {
	return !s.escaped && (!s.nonASCII || utf8.Valid(data[s.start:s.end]))
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func (sc *jsonScanner) skipSpace() {
	for sc.pos < len(sc.data) && isJSONSpace(sc.data[sc.pos]) {
		sc.pos++
	}
}

// peek returns the byte at pos, or 0 at the end; 0 starts no JSON token.
func (sc *jsonScanner) peek() byte {
	if sc.pos < len(sc.data) {
		return sc.data[sc.pos]
	}
	return 0
}

// value reads the value at pos, which must not be white space, and
// reports its kind, or false when it is not JSON.
func (sc *jsonScanner) value() (jsonKind, bool) {
	switch c := sc.peek(); {
	case c == '{':
		return kindObject, sc.object()
	case c == '[':
		return kindArray, sc.array()
	case c == '"':
		_, ok := sc.str()
		return kindString, ok
	case c == '-' || isDigit(c):
		return kindNumber, sc.number()
	case c == 't':
		return kindBool, sc.literal("true")
	case c == 'f':
		return kindBool, sc.literal("false")
	case c == 'n':
		return kindNull, sc.literal("null")
	}
	return kindNone, false
}

// enter counts one more level of nesting, as encoding/json's scanner does
// when it meets '{' or '['.
func (sc *jsonScanner) enter() bool {
	sc.depth++
	sc.pos++
	return sc.depth <= maxJSONDepth
}

// object reads an object whose members nobody needs.
func (sc *jsonScanner) object() bool {
	if !sc.enter() {
		return false
	}
	sc.skipSpace()
	if sc.peek() == '}' {
		sc.pos++
		sc.depth--
		return true
	}
	for {
		if sc.peek() != '"' {
			return false
		}
		if _, ok := sc.str(); !ok {
			return false
		}
		if !sc.colon() {
			return false
		}
		if _, ok := sc.value(); !ok {
			return false
		}
		more, ok := sc.next('}')
		if !ok {
			return false
		}
		if !more {
			return true
		}
	}
}

// colon reads the white space, colon and white space after a member name.
func (sc *jsonScanner) colon() bool {
	sc.skipSpace()
	if sc.peek() != ':' {
		return false
	}
	sc.pos++
	sc.skipSpace()
	return true
}

// next reads what follows a member or element: a comma, and then more to
// come, or the closing byte, which ends the container.
func (sc *jsonScanner) next(closing byte) (more, ok bool) {
	sc.skipSpace()
	switch sc.peek() {
	case ',':
		sc.pos++
		sc.skipSpace()
		return true, true
	case closing:
		sc.pos++
		sc.depth--
		return false, true
	}
	return false, false
}

func (sc *jsonScanner) array() bool {
	if !sc.enter() {
		return false
	}
	sc.skipSpace()
	if sc.peek() == ']' {
		sc.pos++
		sc.depth--
		return true
	}
	for {
		if _, ok := sc.value(); !ok {
			return false
		}
		more, ok := sc.next(']')
		if !ok {
			return false
		}
		if !more {
			return true
		}
	}
}

// str reads a string token. Control bytes are refused, escapes checked;
// bytes outside ASCII pass as they are, and unquote later coerces them to
// UTF-8 as encoding/json does.
func (sc *jsonScanner) str() (jsonString, bool) {
	d := sc.data
	s := jsonString{start: sc.pos + 1}
	for i := s.start; i < len(d); {
		switch c := d[i]; {
		case c == '"':
			s.end = i
			sc.pos = i + 1
			return s, true
		case c == '\\':
			s.escaped = true
			if i+1 >= len(d) {
				return s, false
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if getu4(d[i:]) < 0 {
					return s, false
				}
				i += 6
			default:
				return s, false
			}
		case c < ' ':
			return s, false
		case c >= utf8.RuneSelf:
			s.nonASCII = true
			i++
		default:
			i++
		}
	}
	return s, false
}

// number reads a number as JSON's grammar has it: greedily, so that what
// cannot continue it ends it.
func (sc *jsonScanner) number() bool {
	d, i := sc.data, sc.pos
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && isDigit(d[i]):
		for i++; i < len(d) && isDigit(d[i]); i++ {
		}
	default:
		return false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || !isDigit(d[i]) {
			return false
		}
		for i++; i < len(d) && isDigit(d[i]); i++ {
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || !isDigit(d[i]) {
			return false
		}
		for i++; i < len(d) && isDigit(d[i]); i++ {
		}
	}
	sc.pos = i
	return true
}

func (sc *jsonScanner) literal(word string) bool {
	if len(sc.data)-sc.pos < len(word) || string(sc.data[sc.pos:sc.pos+len(word)]) != word {
		return false
	}
	sc.pos += len(word)
	return true
}

// onlySpaceLeft reports whether nothing but white space follows pos: what
// json.Valid asks of the rest of a body once its first value is read.
func (sc *jsonScanner) onlySpaceLeft() bool {
	sc.skipSpace()
	return sc.pos == len(sc.data)
}

// getu4 decodes \uXXXX from the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c = c - '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// appendUnquoted appends the text of the string token s, which str has
// read, to dst, with encoding/json's rules: escapes decoded, a lone or
// broken surrogate and every byte that is not UTF-8 turned into U+FFFD.
func appendUnquoted(dst, data []byte, s jsonString) []byte {
	b := data[s.start:s.end]
	for r := 0; r < len(b); {
		switch c := b[r]; {
		case c == '\\':
			switch b[r+1] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				rr := getu4(b[r:])
				r += 6
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, getu4(b[r:])); dec != unicode.ReplacementChar {
						dst = utf8.AppendRune(dst, dec)
						r += 6
						continue
					}
					rr = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, rr)
				continue
			default: // '"', '\\', '/'
				dst = append(dst, b[r+1])
			}
			r += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			r++
		default:
			rr, size := utf8.DecodeRune(b[r:])
			dst = utf8.AppendRune(dst, rr)
			r += size
		}
	}
	return dst
}
