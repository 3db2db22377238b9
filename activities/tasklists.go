package activities

import (
	"civilflow/store"
	"civilflow/workflows"
)

// taskState is what the registrar's lists need from a case's state: who
// holds its current task (nobody once it is closed, so it leaves every
// to-do list) and whom it was copied to.
func taskState(st workflows.CaseState) store.TaskState {
	var ts store.TaskState
	if as := st.Assignment; as != nil && st.Status == workflows.StatusOpen {
		ts.Holder = as.Holder
	}
	for _, r := range st.Readers {
		ts.Readers = append(ts.Readers, store.Reader{Subject: r.Subject, Name: r.Name, By: r.By, At: r.At})
	}
	return ts
}
