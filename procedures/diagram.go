package procedures

import (
	"fmt"
	"strings"
)

// Mermaid draws the procedure as a Mermaid flowchart: one node per stage,
// one edge per way out of it (actions, check results, periods that run
// out), so a person can see the process without reading YAML.
func (d *Definition) Mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	node := func(s Stage) string {
		label := strings.ReplaceAll(s.Title.Zh+"<br/>"+s.Title.En, `"`, "'")
		if s.Title.Zh == "" {
			label = s.ID
		}
		switch s.Kind {
		case KindEnd:
			return fmt.Sprintf("%s([\"%s<br/>(%s)\"])", id(s.ID), label, s.Outcome)
		case KindCheck, KindRoute:
			return fmt.Sprintf("%s{\"%s\"}", id(s.ID), label)
		case KindIssue:
			return fmt.Sprintf("%s[[\"%s\"]]", id(s.ID), label)
		case KindWait:
			return fmt.Sprintf("%s[/\"%s\"/]", id(s.ID), label)
		default:
			return fmt.Sprintf("%s[\"%s\"]", id(s.ID), label)
		}
	}
	edge := func(from, to, label string) {
		if label == "" {
			fmt.Fprintf(&b, "  %s --> %s\n", id(from), id(to))
			return
		}
		fmt.Fprintf(&b, "  %s -- \"%s\" --> %s\n", id(from), strings.ReplaceAll(label, `"`, "'"), id(to))
	}
	for _, s := range d.Stages {
		fmt.Fprintf(&b, "  %s\n", node(s))
	}
	for _, s := range d.Stages {
		if s.OnPass != "" {
			edge(s.ID, s.OnPass, "pass")
		}
		for _, c := range s.Checks {
			if c.OnFail != "" {
				edge(s.ID, c.OnFail, "fails "+c.Check)
			}
		}
		if s.OnFail != "" {
			edge(s.ID, s.OnFail, "fail")
		}
		for _, a := range s.Actions {
			edge(s.ID, a.Next, fmt.Sprintf("%s (%s)", a.ID, a.By))
		}
		if t := s.Timer; t != nil {
			edge(s.ID, t.OnExpiry, fmt.Sprintf("%s: %d %s run out", t.Name, t.Length, t.Unit))
		}
		for _, r := range s.Routes {
			edge(s.ID, r.To, "if "+r.Check)
		}
		if s.Otherwise != "" {
			edge(s.ID, s.Otherwise, "otherwise")
		}
		if s.Next != "" {
			edge(s.ID, s.Next, "")
		}
	}
	for _, c := range d.Clocks {
		if c.OnExpiry.Next != "" {
			edge(c.StartsAt, c.OnExpiry.Next, fmt.Sprintf("clock %s: %d %s run out", c.Name, c.Length, c.Unit))
		}
	}
	return b.String()
}

// id makes a stage ID safe as a Mermaid node ID.
func id(s string) string {
	return "s_" + strings.NewReplacer("-", "_", ".", "_").Replace(s)
}
