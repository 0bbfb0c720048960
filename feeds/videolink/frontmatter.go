package videolink

import (
	"bytes"
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// AddLine returns the entry file data with line added as the last line of
// its front matter, every other byte as it was: comments, key order, the
// body and the file's line endings. It refuses a file without front
// matter, or whose front matter already has a video key (a second would
// be a duplicate).
func AddLine(data []byte, line string) ([]byte, error) {
	nl := []byte("\n")
	if bytes.Contains(data, []byte("\r\n")) {
		nl = []byte("\r\n")
	}
	start := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		start = 3
	}
	open := append([]byte("---"), nl...)
	if !bytes.HasPrefix(data[start:], open) {
		return nil, errors.New("no front matter: the file does not start with a line ---")
	}
	fmStart := start + len(open)
	// The closing fence: a line "---" after the opening one.
	end := -1
	for i := fmStart; i <= len(data); {
		j := bytes.Index(data[i:], nl)
		lineEnd := len(data)
		if j >= 0 {
			lineEnd = i + j
		}
		if string(data[i:lineEnd]) == "---" {
			end = i
			break
		}
		if j < 0 {
			break
		}
		i = lineEnd + len(nl)
	}
	if end < 0 {
		return nil, errors.New("the front matter has no closing ---")
	}
	var node yaml.Node
	if err := yaml.Unmarshal(data[fmStart:end], &node); err != nil {
		return nil, fmt.Errorf("the front matter is not valid YAML: %v", err)
	}
	if len(node.Content) == 1 && node.Content[0].Kind == yaml.MappingNode {
		m := node.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == "video" {
				return nil, fmt.Errorf("the front matter already has video: (line %d)", m.Content[i].Line+1)
			}
		}
	}
	out := make([]byte, 0, len(data)+len(line)+len(nl))
	out = append(out, data[:end]...)
	out = append(out, line...)
	out = append(out, nl...)
	return append(out, data[end:]...), nil
}
