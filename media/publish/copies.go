package publish

import (
	"context"
	"fmt"

	"github.com/feedpub/feedpub/media/store"
)

// CopyProblem is a published copy (File.Copy) the target no longer holds as
// its record says.
type CopyProblem struct {
	File File
	Msg  string
}

// CheckCopies lists the target once and checks each file of the build that
// is only a published copy: one deleted from the bucket, or replaced by
// another size, checksum or type, cannot stand in for the missing file. A
// build without copies costs no request.
func (s *Session) CheckCopies(ctx context.Context, files []File) ([]CopyProblem, error) {
	var copies []File
	for _, f := range files {
		if f.Copy {
			copies = append(copies, f)
		}
	}
	if len(copies) == 0 {
		return nil, nil
	}
	objs, err := s.st.List(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("check the published copies: list %s: %w", s.st, err)
	}
	have := make(map[string]store.Object, len(objs))
	for _, o := range objs {
		have[o.Key] = o
	}
	var out []CopyProblem
	for _, f := range copies {
		lead := fmt.Sprintf("%s: not here, and its published copy %s", f.Source, f.Key)
		o, ok := have[f.Key]
		msg := ""
		switch {
		case !ok:
			msg = fmt.Sprintf("%s is missing from %s", lead, s.st)
		case o.Size != f.Size:
			msg = fmt.Sprintf("%s in %s is %d bytes, not the %d recorded", lead, s.st, o.Size, f.Size)
		case o.SHA256 != "" && o.SHA256 != f.SHA256:
			msg = fmt.Sprintf("%s in %s has SHA-256 %s, not the %s recorded", lead, s.st, o.SHA256, f.SHA256)
		case o.ContentType != "" && f.ContentType != "" && o.ContentType != f.ContentType:
			msg = fmt.Sprintf("%s in %s is of type %s, not the %s recorded", lead, s.st, o.ContentType, f.ContentType)
		}
		if msg != "" {
			out = append(out, CopyProblem{File: f, Msg: msg + ": add the file"})
		}
	}
	return out, nil
}
