package readme

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// block is one fenced block of the README.
type block struct {
	lang   string // the word after the opening fence: sh, go, yaml, text
	marker string // the readme-check comment right above it, if any
	body   string
	line   int // of the opening fence, 1-based
}

var markerLine = regexp.MustCompile(`^<!--\s*readme-check:\s*(.*?)\s*-->$`)

// parseBlocks returns the fenced blocks of a Markdown text. A fence may be
// indented (a block inside a list item); its body loses that indentation.
func parseBlocks(text string) ([]block, error) {
	var blocks []block
	lines := strings.Split(text, "\n")
	lastMarker, lastMarkerLine := "", -2
	for i := 0; i < len(lines); i++ {
		trimmed := strings.TrimSpace(lines[i])
		if m := markerLine.FindStringSubmatch(trimmed); m != nil {
			lastMarker, lastMarkerLine = m[1], i
			continue
		}
		if !strings.HasPrefix(trimmed, "```") {
			continue
		}
		indent := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
		b := block{lang: strings.TrimPrefix(trimmed, "```"), line: i + 1}
		if lastMarkerLine == i-1 {
			b.marker = lastMarker
		}
		var body []string
		for i++; ; i++ {
			if i == len(lines) {
				return nil, fmt.Errorf("README.md:%d: the block never ends", b.line)
			}
			if strings.TrimSpace(lines[i]) == "```" {
				break
			}
			l := lines[i]
			if len(l) >= indent && strings.TrimSpace(l[:indent]) == "" {
				l = l[indent:]
			}
			body = append(body, l)
		}
		b.body = strings.Join(body, "\n") + "\n"
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// commands splits a sh block into its commands: continuation lines are
// joined, comments and blank lines dropped.
func commands(body string) ([]string, error) {
	var cmds []string
	var cur strings.Builder
	for _, l := range strings.Split(body, "\n") {
		if strings.HasSuffix(l, `\`) {
			cur.WriteString(strings.TrimSuffix(l, `\`))
			continue
		}
		cur.WriteString(l)
		cmd, err := stripComment(cur.String())
		if err != nil {
			return nil, err
		}
		cur.Reset()
		if cmd = strings.Join(strings.Fields(cmd), " "); cmd != "" {
			cmds = append(cmds, cmd)
		}
	}
	return cmds, nil
}

// stripComment drops a # comment that starts a word outside quotes.
func stripComment(s string) (string, error) {
	var quote rune
	prevSpace := true
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && prevSpace:
			return s[:i], nil
		}
		prevSpace = r == ' ' || r == '\t'
	}
	if quote != 0 {
		return "", fmt.Errorf("unbalanced quote in %q", s)
	}
	return s, nil
}

// shellWords splits a simple command line as a POSIX shell would, for
// quotes and backslashes only; it refuses expansions it cannot do.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unbalanced single quote")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, errors.New("unbalanced double quote")
			}
			if strings.ContainsAny(s[i+1:i+1+j], "$`\\") {
				return nil, fmt.Errorf("expansion in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '\\' && i+1 < len(s):
			cur.WriteByte(s[i+1])
			i++
			inWord = true
		case strings.IndexByte("$`|;&<>()*?", c) >= 0:
			return nil, fmt.Errorf("%q needs a shell: %q", c, s)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

var envAssignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// splitEnv separates leading NAME=value words from the command's argv.
func splitEnv(words []string) (env, argv []string) {
	i := 0
	for i < len(words) && envAssignment.MatchString(words[i]) {
		i++
	}
	return words[:i], words[i:]
}

func TestParseHelpers(t *testing.T) {
	blocks, err := parseBlocks("x\n<!-- readme-check: file a.go -->\n```go\npackage a\n```\n1. step\n\n   ```sh\n   make a \\\n     b  # why\n   echo '#x' \"y\" # c\n   ```\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 2 || blocks[0].marker != "file a.go" || blocks[0].body != "package a\n" || blocks[1].lang != "sh" || blocks[1].marker != "" {
		t.Fatalf("blocks = %+v", blocks)
	}
	cmds, err := commands(blocks[1].body)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"make a b", `echo '#x' "y"`}; strings.Join(cmds, "|") != strings.Join(want, "|") {
		t.Errorf("commands = %q; want %q", cmds, want)
	}
	words, err := shellWords(`A=1 B='x y' cmd -d '{"a":"b"}' "q" \"`)
	if err != nil {
		t.Fatal(err)
	}
	env, argv := splitEnv(words)
	if fmt.Sprint(env) != "[A=1 B=x y]" || fmt.Sprint(argv) != `[cmd -d {"a":"b"} q "]` {
		t.Errorf("env %q, argv %q", env, argv)
	}
	if _, err := shellWords(`a $(b)`); err == nil {
		t.Error("shellWords took a command substitution")
	}
}
